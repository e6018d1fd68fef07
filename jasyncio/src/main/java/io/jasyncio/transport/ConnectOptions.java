package io.jasyncio.transport;

import io.jasyncio.tls.TlsOptions;
import java.net.InetSocketAddress;

/**
 * The keyword arguments of asyncio's {@code create_connection} (and {@code open_connection},
 * {@code create_unix_connection}, {@code open_unix_connection}) beyond host and port, in one immutable value:
 * start from {@link #DEFAULTS} and adjust with the {@code withX} methods (each returns a copy).
 *
 * <p>Threading: immutable, shareable.
 *
 * @param happyEyeballsDelay asyncio's {@code happy_eyeballs_delay}: with several addresses, start the next attempt
 *     after this many seconds without waiting for the previous one to fail (asyncio recommends 0.25); null tries
 *     the addresses one after another
 * @param interleave asyncio's {@code interleave}: reorder the addresses so that {@code interleave - 1} of the first
 *     family lead, then the families alternate (RFC 8305); null means 1 with a delay and no reordering without;
 *     0 means no reordering
 * @param localAddr asyncio's {@code local_addr}: bind each socket to it (resolved if unresolved) before connecting;
 *     null binds nothing
 * @param tls asyncio's {@code ssl=}, {@code server_hostname=}, {@code ssl_handshake_timeout=}: speak TLS over the
 *     connection and return once the handshake is done; null is a plain connection
 */
public record ConnectOptions(Double happyEyeballsDelay, Integer interleave, InetSocketAddress localAddr,
        TlsOptions tls) {
    /** asyncio's defaults: one address after another, no local address, no TLS. */
    public static final ConnectOptions DEFAULTS = new ConnectOptions(null, null, null, null);

    public ConnectOptions {
        if (happyEyeballsDelay != null && !(happyEyeballsDelay >= 0)) {
            throw new IllegalArgumentException("happy_eyeballs_delay must be >= 0 seconds, got " + happyEyeballsDelay);
        }
        if (interleave != null && interleave < 0) throw new IllegalArgumentException("interleave must be >= 0, got " + interleave);
    }

    /** The options with {@code tls} only (asyncio's {@code ssl=}). */
    public static ConnectOptions overTls(TlsOptions tls) {
        return DEFAULTS.withTls(tls);
    }

    /** See {@link #happyEyeballsDelay()}; null turns it off. */
    public ConnectOptions withHappyEyeballsDelay(Double seconds) {
        return new ConnectOptions(seconds, interleave, localAddr, tls);
    }

    /** See {@link #interleave()}. */
    public ConnectOptions withInterleave(Integer interleave) {
        return new ConnectOptions(happyEyeballsDelay, interleave, localAddr, tls);
    }

    /** See {@link #localAddr()}. */
    public ConnectOptions withLocalAddr(InetSocketAddress localAddr) {
        return new ConnectOptions(happyEyeballsDelay, interleave, localAddr, tls);
    }

    /** See {@link #tls()}; null for a plain connection. */
    public ConnectOptions withTls(TlsOptions tls) {
        return new ConnectOptions(happyEyeballsDelay, interleave, localAddr, tls);
    }
}
