package io.jasyncio.tls;

import io.jasyncio.transport.Server;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * How a connection speaks TLS: asyncio's {@code ssl=}, {@code server_hostname=}, {@code ssl_handshake_timeout=}
 * and {@code ssl_shutdown_timeout=} arguments in one immutable value. Make one with {@link #client(SSLContext)}
 * or {@link #server(SSLContext)}, then adjust it with the {@code withX} methods (each returns a copy).
 *
 * <p>Clients check the server's host name by default (asyncio's {@code check_hostname=True} of
 * {@code ssl.create_default_context()}): the name is {@link #serverHostname()}, or the host given to
 * {@code createConnection} when that is null. Turn it off with {@link #withCheckHostname(boolean)}; the
 * certificate chain is still verified by the context's trust managers.
 *
 * <p>Threading: immutable, shareable between loops and threads (the {@link SSLContext} is thread-safe).
 *
 * @param context the JSSE context that makes the {@link javax.net.ssl.SSLEngine} of each connection
 * @param serverSide whether this end is the TLS server
 * @param serverHostname clients: the name to verify and send as SNI; null means the host connected to
 * @param checkHostname clients: whether to verify that the certificate matches the server's name
 * @param handshakeTimeout seconds the handshake may take before the connection is aborted (asyncio: 60)
 * @param shutdownTimeout seconds to wait for the peer's close_notify before closing anyway (asyncio: 30)
 * @param parameters optional {@link SSLParameters} applied to each engine (protocols, cipher suites, ALPN,
 *     client authentication); null keeps the context's defaults
 */
public record TlsOptions(SSLContext context, boolean serverSide, String serverHostname, boolean checkHostname,
        double handshakeTimeout, double shutdownTimeout, SSLParameters parameters) {
    /** asyncio's {@code constants.SSL_HANDSHAKE_TIMEOUT}: 60 seconds. */
    public static final double DEFAULT_HANDSHAKE_TIMEOUT = 60.0;
    /** asyncio's {@code constants.SSL_SHUTDOWN_TIMEOUT}: 30 seconds. */
    public static final double DEFAULT_SHUTDOWN_TIMEOUT = 30.0;

    /** Checks the context and the timeouts. */
    public TlsOptions {
        Objects.requireNonNull(context, "context: a TLS connection needs an SSLContext");
        if (!(handshakeTimeout > 0)) {
            throw new IllegalArgumentException("ssl_handshake_timeout should be a positive number, got " + handshakeTimeout);
        }
        if (!(shutdownTimeout > 0)) {
            throw new IllegalArgumentException("ssl_shutdown_timeout should be a positive number, got " + shutdownTimeout);
        }
    }

    /**
     * Client options with {@code context}: host name checked, default timeouts.
     *
     * @param context the JSSE context (its trust managers verify the server)
     * @return the options
     */
    public static TlsOptions client(SSLContext context) {
        return new TlsOptions(context, false, null, true, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT, null);
    }

    /**
     * Client options with the JVM's default context ({@code SSLContext.getDefault()}: the JDK's trusted
     * certificate authorities), as asyncio's {@code ssl=True}.
     *
     * @return the options
     */
    public static TlsOptions client() {
        try {
            return client(SSLContext.getDefault());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no default SSLContext", e);
        }
    }

    /**
     * Server options with {@code context} (which must hold the server's key and certificate).
     *
     * @param context the JSSE context
     * @return the options
     */
    public static TlsOptions server(SSLContext context) {
        return new TlsOptions(context, true, null, false, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT, null);
    }

    /**
     * The name the client verifies and sends as SNI (instead of the host it connects to).
     *
     * @param name the name; {@code ""} sends none (with the check off)
     * @return a copy with that change
     */
    public TlsOptions withServerHostname(String name) {
        return new TlsOptions(context, serverSide, name, checkHostname, handshakeTimeout, shutdownTimeout, parameters);
    }

    /**
     * Whether a client checks that the server's certificate matches the server's name.
     *
     * @param on true to check
     * @return a copy with that change
     */
    public TlsOptions withCheckHostname(boolean on) {
        return new TlsOptions(context, serverSide, serverHostname, on, handshakeTimeout, shutdownTimeout, parameters);
    }

    /**
     * See {@link #handshakeTimeout()}.
     *
     * @param seconds a positive number of seconds
     * @return a copy with that change
     */
    public TlsOptions withHandshakeTimeout(double seconds) {
        return new TlsOptions(context, serverSide, serverHostname, checkHostname, seconds, shutdownTimeout, parameters);
    }

    /**
     * See {@link #handshakeTimeout()}.
     *
     * @param timeout a positive duration
     * @return a copy with that change
     */
    public TlsOptions withHandshakeTimeout(Duration timeout) {
        return withHandshakeTimeout(timeout.toNanos() / 1e9);
    }

    /**
     * See {@link #shutdownTimeout()}.
     *
     * @param seconds a positive number of seconds
     * @return a copy with that change
     */
    public TlsOptions withShutdownTimeout(double seconds) {
        return new TlsOptions(context, serverSide, serverHostname, checkHostname, handshakeTimeout, seconds, parameters);
    }

    /**
     * See {@link #shutdownTimeout()}.
     *
     * @param timeout a positive duration
     * @return a copy with that change
     */
    public TlsOptions withShutdownTimeout(Duration timeout) {
        return withShutdownTimeout(timeout.toNanos() / 1e9);
    }

    /**
     * {@link SSLParameters} applied to each connection's engine (the host name check is applied on top).
     *
     * @param params the parameters, or null for the context's defaults
     * @return a copy with that change
     */
    public TlsOptions withParameters(SSLParameters params) {
        return new TlsOptions(context, serverSide, serverHostname, checkHostname, handshakeTimeout, shutdownTimeout, params);
    }

    /**
     * The same options for the given side ({@code startTls} takes the side as an argument).
     *
     * @param on true for the server side
     * @return options that differ in {@code serverSide} (and, on the server side, do not check the host name)
     */
    public TlsOptions withServerSide(boolean on) {
        return new TlsOptions(context, on, serverHostname, on ? false : checkHostname, handshakeTimeout, shutdownTimeout,
                parameters);
    }
}
