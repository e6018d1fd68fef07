package io.jasyncio.examples;

import java.io.IOException;
import io.jasyncio.Asyncio;
import io.jasyncio.TimeoutError;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.Streams;

/**
 * {@link EchoConnector} on jasyncio streams, as seed 002's client does it with {@code asyncio.open_connection}:
 * no thread per client, every client a task on the one loop.
 *
 * <p>Threading: loop thread only, as {@link EchoConnector} says.
 */
public final class StreamsConnector implements EchoConnector {
    /** How long a client waits for an echo before it gives up with an error naming the server. */
    static final double RECEIVE_TIMEOUT_SECONDS = 10;

    @Override
    public Connection connect(String host, int port) throws IOException {
        StreamPair streams = Streams.openConnection(host, port);
        return new Connection() {
            @Override
            public void send(byte[] bytes) {
                streams.writer().write(bytes);
                streams.writer().drain();
            }

            @Override
            public byte[] receive(int n) {
                try {
                    return Asyncio.waitFor(() -> streams.reader().readexactly(n), RECEIVE_TIMEOUT_SECONDS);
                } catch (TimeoutError e) {
                    throw new TimeoutError("no echo of " + n + " bytes from " + host + ":" + port + " within "
                            + RECEIVE_TIMEOUT_SECONDS + " s: is it an echo server?", e);
                }
            }

            @Override
            public void close() {
                streams.writer().close();
            }
        };
    }
}
