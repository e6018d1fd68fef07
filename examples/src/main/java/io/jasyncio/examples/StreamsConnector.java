package io.jasyncio.examples;

import io.jasyncio.net.StreamPair;
import io.jasyncio.net.Streams;

/**
 * {@link EchoConnector} on jasyncio streams, as seed 002's client does it with {@code asyncio.open_connection}:
 * no thread per client, every client a task on the one loop.
 *
 * <p>Threading: loop thread only, as {@link EchoConnector} says.
 */
public final class StreamsConnector implements EchoConnector {
    @Override
    public Connection connect(String host, int port) {
        StreamPair streams = Streams.openConnection(host, port);
        return new Connection() {
            @Override
            public void send(byte[] bytes) {
                streams.writer().write(bytes);
                streams.writer().drain();
            }

            @Override
            public byte[] receive(int n) {
                return streams.reader().readexactly(n);
            }

            @Override
            public void close() {
                streams.writer().close();
            }
        };
    }
}
