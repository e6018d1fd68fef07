package io.jasyncio.net;

/**
 * The keyword arguments of asyncio's {@code create_server} that apply here: {@code backlog} (100),
 * {@code reuse_address} (true, as on Unix), {@code reuse_port} (false), {@code start_serving} (true), {@code cleanup_socket} (true: a Unix server removes
 * its socket file when closed).
 * Immutable; each {@code withX} returns a copy.
 *
 * <p>Threading: immutable, shareable.
 */
public record ServerOptions(int backlog, boolean reuseAddress, boolean reusePort, boolean startServing,
        boolean cleanupSocket) {
    /** asyncio's defaults. */
    public static final ServerOptions DEFAULTS = new ServerOptions(100, true, false, true, true);

    public ServerOptions {
        if (backlog < 0) throw new IllegalArgumentException("backlog must be >= 0, got " + backlog);
    }

    public ServerOptions withBacklog(int backlog) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing, cleanupSocket);
    }

    public ServerOptions withReuseAddress(boolean on) {
        return new ServerOptions(backlog, on, reusePort, startServing, cleanupSocket);
    }

    public ServerOptions withReusePort(boolean on) {
        return new ServerOptions(backlog, reuseAddress, on, startServing, cleanupSocket);
    }

    public ServerOptions withCleanupSocket(boolean on) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing, on);
    }

    public ServerOptions withStartServing(boolean on) {
        return new ServerOptions(backlog, reuseAddress, reusePort, on, cleanupSocket);
    }
}
