package io.jasyncio.examples;

/**
 * The seam between {@link EchoClients} and the network: how a client connects, sends and receives:
 * {@link BlockingSocketConnector} (blocking sockets on executor threads, which keeps a virtual clock in step
 * with real time) or {@link StreamsConnector} (jasyncio streams, no thread per client).
 *
 * <p>Threading: {@link #connect}, {@link Connection#send} and {@link Connection#receive} are coroutines (call
 * them from a task's code); {@link Connection#close} does not suspend and may be called from the loop thread
 * at any time, also while another task waits in {@code receive} (which then fails).
 */
public interface EchoConnector {
    /** Opens a connection to {@code host:port}. */
    Connection connect(String host, int port) throws java.io.IOException;

    /** One client's connection. */
    interface Connection extends AutoCloseable {
        /** Sends all of {@code bytes}. */
        void send(byte[] bytes);

        /** Receives exactly {@code n} bytes; fails if the server closes the connection first. */
        byte[] receive(int n);

        @Override
        void close();
    }
}
