package io.jasyncio.streams;

/** Test access to a writer's protocol (asyncio's tests reach {@code writer._protocol}). */
final class StreamReaderProtocolAccess {
    private StreamReaderProtocolAccess() {}

    public static StreamReaderProtocol protocolOf(StreamWriter w) {
        return w.protocol();
    }
}
