package io.jasyncio.net;

/** Test access to a writer's protocol (asyncio's tests reach {@code writer._protocol}). */
final class StreamReaderProtocolAccess {
    private StreamReaderProtocolAccess() {}

    static StreamReaderProtocol protocolOf(StreamWriter w) {
        return w.protocol();
    }
}
