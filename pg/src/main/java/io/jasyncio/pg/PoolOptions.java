package io.jasyncio.pg;

/**
 * A {@link Pool}'s settings (asyncpg's {@code create_pool} arguments), immutable; start from {@link #defaults()}.
 *
 * <p>Threading: immutable.
 *
 * @param minSize connections opened at start and kept open (asyncpg: 10)
 * @param maxSize the most connections open at once (asyncpg: 10)
 * @param maxQueries a connection is replaced after this many queries (asyncpg: 50,000)
 * @param maxInactiveConnectionLifetime seconds an idle connection beyond {@code minSize} stays open (asyncpg: 300);
 *     0 keeps them
 * @param acquireTimeout seconds {@link Pool#acquire()} waits for a connection; null: no limit
 * @param resetOnRelease whether a released connection is {@link Connection#reset()} (asyncpg does)
 * @param resetTimeout seconds the release may take (waiting for a cancelled query, the reset); past it the
 *     connection is closed and replaced
 * @param healthCheckAfter a connection idle this many seconds is checked with an empty query before it is handed
 *     out, and replaced if that fails; null: never. A connection the server dropped a moment ago (its FATAL message
 *     not read yet) can otherwise be handed out and fail its first query; 0 checks on every acquire (a round trip)
 * @param init called once on each new connection (asyncpg's {@code init}: set codecs, ...)
 * @param setup called on each acquire (asyncpg's {@code setup})
 */
public record PoolOptions(int minSize, int maxSize, long maxQueries, double maxInactiveConnectionLifetime,
        Double acquireTimeout, boolean resetOnRelease, double resetTimeout, Double healthCheckAfter,
        ConnectionCallback init, ConnectionCallback setup) {

    /**
     * Something to do with a connection; may await.
     *
     * <p>Threading: called in the acquiring task, on the pool's loop thread.
     */
    @FunctionalInterface
    public interface ConnectionCallback {
        /**
         * Does it, on the connection's loop thread in a task (it may await).
         *
         * @param connection the connection
         * @throws Exception anything: the call that opened or acquired the connection fails with it (a new connection
     *     whose {@code init} failed is closed; one whose {@code setup} failed goes back to the pool)
         */
        void accept(Connection connection) throws Exception;
    }

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException a negative minSize, a maxSize under 1 or minSize, a maxQueries under 1, a
     *     negative maxInactiveConnectionLifetime, or a timeout that is not positive
     */
    public PoolOptions {
        if (minSize < 0) throw new IllegalArgumentException("minSize must be >= 0, got " + minSize);
        if (maxSize < 1 || maxSize < minSize) {
            throw new IllegalArgumentException("maxSize must be >= 1 and >= minSize, got " + maxSize + " (minSize " + minSize + ")");
        }
        if (maxQueries < 1) throw new IllegalArgumentException("maxQueries must be >= 1");
        if (maxInactiveConnectionLifetime < 0) throw new IllegalArgumentException("maxInactiveConnectionLifetime must be >= 0");
        if (acquireTimeout != null && !(acquireTimeout > 0)) throw new IllegalArgumentException("acquireTimeout must be positive");
        if (!(resetTimeout > 0)) throw new IllegalArgumentException("resetTimeout must be positive");
    }

    /**
     * asyncpg's defaults: 10 connections, 50,000 queries each, 300 s idle lifetime, no acquire timeout, a reset on
     * release within 30 s, a health check after 30 s idle, no init or setup.
     *
     * @return the defaults
     */
    public static PoolOptions defaults() {
        return new PoolOptions(10, 10, 50_000, 300, null, true, 30, 30.0, null, null);
    }

    /**
     * A copy with these sizes (asyncpg's {@code min_size}, {@code max_size}).
     *
     * @param min connections kept open
     * @param max the most open at once
     * @return the copy
     */
    public PoolOptions withSize(int min, int max) {
        return new PoolOptions(min, max, maxQueries, maxInactiveConnectionLifetime, acquireTimeout, resetOnRelease,
                resetTimeout, healthCheckAfter, init, setup);
    }

    /**
     * A copy replacing a connection after {@code n} queries (asyncpg's {@code max_queries}).
     *
     * @param n at least 1
     * @return the copy
     */
    public PoolOptions withMaxQueries(long n) {
        return new PoolOptions(minSize, maxSize, n, maxInactiveConnectionLifetime, acquireTimeout, resetOnRelease,
                resetTimeout, healthCheckAfter, init, setup);
    }

    /**
     * A copy closing idle connections beyond minSize after {@code seconds} (asyncpg's {@code
     * max_inactive_connection_lifetime}).
     *
     * @param seconds the lifetime; 0 keeps them
     * @return the copy
     */
    public PoolOptions withMaxInactiveConnectionLifetime(double seconds) {
        return new PoolOptions(minSize, maxSize, maxQueries, seconds, acquireTimeout, resetOnRelease, resetTimeout,
                healthCheckAfter, init, setup);
    }

    /**
     * A copy whose {@link Pool#acquire()} waits at most {@code seconds}.
     *
     * @param seconds positive, or null for no limit
     * @return the copy
     */
    public PoolOptions withAcquireTimeout(Double seconds) {
        return new PoolOptions(minSize, maxSize, maxQueries, maxInactiveConnectionLifetime, seconds, resetOnRelease,
                resetTimeout, healthCheckAfter, init, setup);
    }

    /**
     * A copy with this release behaviour.
     *
     * @param onRelease whether a released connection is reset
     * @param timeout seconds the release may take before the connection is closed and replaced
     * @return the copy
     */
    public PoolOptions withReset(boolean onRelease, double timeout) {
        return new PoolOptions(minSize, maxSize, maxQueries, maxInactiveConnectionLifetime, acquireTimeout, onRelease,
                timeout, healthCheckAfter, init, setup);
    }

    /**
     * A copy checking a connection idle {@code seconds} before handing it out.
     *
     * @param seconds the idle time; 0 checks every time; null never
     * @return the copy
     */
    public PoolOptions withHealthCheckAfter(Double seconds) {
        return new PoolOptions(minSize, maxSize, maxQueries, maxInactiveConnectionLifetime, acquireTimeout, resetOnRelease,
                resetTimeout, seconds, init, setup);
    }

    /**
     * A copy with this {@code init} (asyncpg's {@code init}).
     *
     * @param init called once on each new connection, or null
     * @return the copy
     */
    public PoolOptions withInit(ConnectionCallback init) {
        return new PoolOptions(minSize, maxSize, maxQueries, maxInactiveConnectionLifetime, acquireTimeout, resetOnRelease,
                resetTimeout, healthCheckAfter, init, setup);
    }

    /**
     * A copy with this {@code setup} (asyncpg's {@code setup}).
     *
     * @param setup called on each acquire, or null
     * @return the copy
     */
    public PoolOptions withSetup(ConnectionCallback setup) {
        return new PoolOptions(minSize, maxSize, maxQueries, maxInactiveConnectionLifetime, acquireTimeout, resetOnRelease,
                resetTimeout, healthCheckAfter, init, setup);
    }
}
