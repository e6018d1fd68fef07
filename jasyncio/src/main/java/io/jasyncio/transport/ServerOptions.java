package io.jasyncio.transport;

import io.jasyncio.tls.TlsOptions;
import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The keyword arguments of asyncio's {@code create_server} that apply here: {@code backlog}
 * ({@link #DEFAULT_BACKLOG}: the system's {@code somaxconn}, where asyncio has 100),
 * {@code reuse_address} (true, as on Unix), {@code reuse_port} (false), {@code start_serving} (true),
 * {@code cleanup_socket} (true: a Unix server removes its socket file when closed), {@code keep_alive} (false:
 * with true, every accepted connection has {@code SO_KEEPALIVE}) and {@code family} (null, asyncio's
 * {@code AF_UNSPEC}: every address the host resolves to; {@link StandardProtocolFamily#INET} or
 * {@link StandardProtocolFamily#INET6}: only those of that family, and the wildcard of that family when no host
 * is given), and {@code ssl} ({@link #tls()}: null, plain; see {@link #withTls}). Immutable; each {@code withX}
 * returns a copy.
 *
 * <p>Threading: immutable, shareable.
 */
public record ServerOptions(int backlog, boolean reuseAddress, boolean reusePort, boolean startServing,
        boolean cleanupSocket, boolean keepAlive, ProtocolFamily family, TlsOptions tls) {
    /**
     * The listen backlog when none is given: the system's limit ({@code /proc/sys/net/core/somaxconn}, 4096 on
     * Linux since 5.4), or 511 where it cannot be read (nginx's default). The kernel cuts any backlog to that
     * limit anyway. asyncio's 100 is too short for a burst: with 500 clients connecting at once, the SYNs beyond
     * the full queue are dropped and retried a second later (p99 connect 1.1 s, against nginx's 150 ms).
     */
    public static final int DEFAULT_BACKLOG = systemBacklog(Path.of("/proc/sys/net/core/somaxconn"));

    /** asyncio's defaults, but for the backlog ({@link #DEFAULT_BACKLOG}). */
    public static final ServerOptions DEFAULTS = new ServerOptions(DEFAULT_BACKLOG, true, false, true, true, false, null, null);

    /** The positive number in {@code somaxconn}, or 511. */
    static int systemBacklog(Path somaxconn) {
        // A stream, not Files.readString: on JDK 25 that read "4" of a /proc file holding "4096\n" (its size is 0).
        try (java.io.InputStream in = Files.newInputStream(somaxconn)) {
            int n = Integer.parseInt(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim());
            return n > 0 ? n : 511;
        } catch (IOException | NumberFormatException | SecurityException e) {
            return 511;
        }
    }

    public ServerOptions {
        if (backlog < 0) throw new IllegalArgumentException("backlog must be >= 0, got " + backlog);
        if (tls != null && !tls.serverSide()) {
            throw new IllegalArgumentException("a TLS server needs TlsOptions.server(context), got client options");
        }
        if (family != null && family != StandardProtocolFamily.INET && family != StandardProtocolFamily.INET6) {
            throw new IllegalArgumentException("family must be INET, INET6 or null (any) for a TCP server, got "
                    + family + "; a Unix server is made with createUnixServer");
        }
    }

    /** The five options of earlier versions; keep-alive off, any family, no TLS. */
    public ServerOptions(int backlog, boolean reuseAddress, boolean reusePort, boolean startServing, boolean cleanupSocket) {
        this(backlog, reuseAddress, reusePort, startServing, cleanupSocket, false, null, null);
    }

    public ServerOptions withBacklog(int backlog) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing, cleanupSocket, keepAlive, family, tls);
    }

    public ServerOptions withReuseAddress(boolean on) {
        return new ServerOptions(backlog, on, reusePort, startServing, cleanupSocket, keepAlive, family, tls);
    }

    public ServerOptions withReusePort(boolean on) {
        return new ServerOptions(backlog, reuseAddress, on, startServing, cleanupSocket, keepAlive, family, tls);
    }

    public ServerOptions withCleanupSocket(boolean on) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing, on, keepAlive, family, tls);
    }

    public ServerOptions withStartServing(boolean on) {
        return new ServerOptions(backlog, reuseAddress, reusePort, on, cleanupSocket, keepAlive, family, tls);
    }

    /** asyncio's {@code keep_alive=}: {@code SO_KEEPALIVE} on every accepted connection. */
    public ServerOptions withKeepAlive(boolean on) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing, cleanupSocket, on, family, tls);
    }

    /** asyncio's {@code family=}: INET or INET6 only, or null for any. */
    public ServerOptions withFamily(ProtocolFamily family) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing, cleanupSocket, keepAlive, family, tls);
    }

    /**
     * asyncio's {@code ssl=} (with {@code ssl_handshake_timeout=}, {@code ssl_shutdown_timeout=}): serve each
     * connection over TLS ({@code TlsOptions.server(context)}); its protocol's {@code connectionMade} runs after
     * the handshake, and a connection whose handshake fails is closed while the server goes on. Null: plain.
     */
    public ServerOptions withTls(TlsOptions tls) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing, cleanupSocket, keepAlive, family, tls);
    }
}
