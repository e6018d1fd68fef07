package io.jasyncio.examples.echo;

import java.io.IOException;

/**
 * An echo server of seed 002 ("from sockets to asyncio"): every byte a client sends comes back to it,
 * unchanged, until the client closes its side. The five implementations differ only in how they wait.
 *
 * <p>Threading: {@link #start} and {@link #close} may be called from any thread, once each. Every thread a
 * server starts has a name beginning with {@code "echo-"}; {@link #close} returns only when all of them have
 * ended and every socket the server opened is closed.
 */
public interface EchoServer extends AutoCloseable {
    /** Binds 127.0.0.1:{@code port} (0: a free port), starts serving, and returns the bound port. */
    int start(int port) throws IOException;

    /** Stops accepting, disconnects every client, and waits until the server's threads have ended. */
    @Override
    void close();
}
