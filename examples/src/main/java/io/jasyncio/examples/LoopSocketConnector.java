package io.jasyncio.examples;

import io.jasyncio.examples.net.AsyncSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * An {@link EchoConnector} on the loop's own I/O ({@link AsyncSocket}: non-blocking channels watched with
 * {@code addReader}/{@code addWriter}): no thread per client at all. On a virtual-clock loop prefer
 * {@link BlockingSocketConnector}, whose executor jobs make the clock follow real time: a task waiting for a
 * socket is not pending work, so once the loop has been idle briefly its clock may jump to the next timer
 * while slow bytes are still on their way.
 *
 * <p>Threading: see {@link EchoConnector}.
 */
public final class LoopSocketConnector implements EchoConnector {
    @Override
    public Connection connect(String host, int port) {
        AsyncSocket socket;
        try {
            socket = AsyncSocket.connect(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + host + ":" + port, e);
        }
        return new Connection() {
            @Override
            public void send(byte[] bytes) {
                try {
                    socket.writeAll(ByteBuffer.wrap(bytes));
                } catch (IOException e) {
                    throw new UncheckedIOException("sending to " + host + ":" + port + " failed", e);
                }
            }

            @Override
            public byte[] receive(int n) {
                ByteBuffer buf = ByteBuffer.allocate(n);
                try {
                    socket.readFully(buf);
                } catch (IOException e) {
                    throw new UncheckedIOException("receiving from " + host + ":" + port + " failed", e);
                }
                return buf.array();
            }

            @Override
            public void close() {
                try {
                    socket.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("closing the connection to " + host + ":" + port + " failed", e);
                }
            }
        };
    }
}
