package io.jasyncio.http;

/**
 * How long a {@link ClientSession} request may take (aiohttp's {@code ClientTimeout}); each field is in seconds,
 * null for no limit.
 *
 * <ul>
 *   <li>{@code total}: the whole request, from the call to the last byte of the body (redirects included);
 *   <li>{@code connect}: getting a connection — waiting for a free one in the pool, connecting, the proxy's
 *       CONNECT and the TLS handshake;
 *   <li>{@code sockConnect}: the TCP connect (and TLS handshake) of one new connection;
 *   <li>{@code sockRead}: the longest wait for the response's head and for each piece of its body — a server
 *       that stops answering, or trickles its head, is cut off after it.
 * </ul>
 * A timeout that fires is a {@link ClientTimeoutError} naming which one. The default, {@link #DEFAULT}, is
 * aiohttp's: 5 minutes in total and 30 s to connect a socket.
 *
 * <p>Threading: immutable.
 *
 * @param total seconds for the whole request, or null
 * @param connect seconds to get a connection (from the pool or a new one), or null
 * @param sockConnect seconds to connect a new socket, or null
 * @param sockRead seconds between two reads of the response, or null
 */
public record ClientTimeout(Double total, Double connect, Double sockConnect, Double sockRead) {
    /** aiohttp's default: {@code total=300, sock_connect=30}. */
    public static final ClientTimeout DEFAULT = new ClientTimeout(300.0, null, 30.0, null);
    /** No limit at all. */
    public static final ClientTimeout NONE = new ClientTimeout(null, null, null, null);

    /**
     * Checks the limits.
     *
     * @throws IllegalArgumentException if a limit is negative or NaN
     */
    public ClientTimeout {
        check("total", total);
        check("connect", connect);
        check("sockConnect", sockConnect);
        check("sockRead", sockRead);
    }

    private static void check(String name, Double v) {
        if (v != null && !(v >= 0)) throw new IllegalArgumentException("ClientTimeout." + name + " must be >= 0 or null, got " + v);
    }

    /**
     * Only a total limit.
     *
     * @param total seconds for the whole request
     * @return a timeout with only {@code total} set
     * @throws IllegalArgumentException if {@code total} is negative or NaN
     */
    public static ClientTimeout ofTotal(double total) {
        return new ClientTimeout(total, null, null, null);
    }

    /**
     * This timeout with another {@code total}.
     *
     * @param s seconds, or null for no limit
     * @return a new timeout
     */
    public ClientTimeout withTotal(Double s) {
        return new ClientTimeout(s, connect, sockConnect, sockRead);
    }

    /**
     * This timeout with another {@code connect}.
     *
     * @param s seconds, or null for no limit
     * @return a new timeout
     */
    public ClientTimeout withConnect(Double s) {
        return new ClientTimeout(total, s, sockConnect, sockRead);
    }

    /**
     * This timeout with another {@code sockConnect}.
     *
     * @param s seconds, or null for no limit
     * @return a new timeout
     */
    public ClientTimeout withSockConnect(Double s) {
        return new ClientTimeout(total, connect, s, sockRead);
    }

    /**
     * This timeout with another {@code sockRead}.
     *
     * @param s seconds, or null for no limit
     * @return a new timeout
     */
    public ClientTimeout withSockRead(Double s) {
        return new ClientTimeout(total, connect, sockConnect, s);
    }
}
