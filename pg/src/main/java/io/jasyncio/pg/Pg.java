package io.jasyncio.pg;

/**
 * Entry points of the driver: asyncpg's {@code connect()} and {@code create_pool()}.
 *
 * <pre>{@code
 * Asyncio.run(() -> {
 *     try (Connection conn = Pg.connect("postgresql://app:secret@localhost/app")) {
 *         conn.execute("CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY, name text)");
 *         conn.execute("INSERT INTO t VALUES ($1, $2)", 1, "one");
 *         for (Record r : conn.fetch("SELECT id, name FROM t WHERE id > $1", 0)) {
 *             System.out.println(r.getInt("id") + " " + r.getString("name"));
 *         }
 *     }
 *     return null;
 * });
 * }</pre>
 *
 * <p>Threading: every method suspends the calling task; call them from a task. A connection and a pool belong to
 * the loop that made them.
 */
public final class Pg {
    private Pg() {}

    /**
     * Connects with a DSN (see {@link ConnectOptions} for its forms and the environment variables it falls back to).
     *
     * @param dsn a libpq URI or {@code key=value} string
     * @return the open connection (asyncpg's {@code connect()})
     * @throws IllegalArgumentException the DSN is malformed
     * @throws ConnectionDoesNotExistError the server could not be reached or closed the connection
     * @throws PostgresError the server refused the login
     */
    public static Connection connect(String dsn) {
        return connect(ConnectOptions.parse(dsn));
    }

    /**
     * Connects with these options (asyncpg's {@code connect()}).
     *
     * @param options where and how to connect
     * @return the open connection
     * @throws io.jasyncio.TimeoutError the set-up took longer than {@link ConnectOptions#connectTimeout()}
     */
    public static Connection connect(ConnectOptions options) {
        return new Connection(Session.open(options), null);
    }

    /**
     * A pool of connections to {@code dsn}, with asyncpg's defaults ({@link PoolOptions#defaults()}).
     *
     * @param dsn a libpq URI or {@code key=value} string
     * @return the pool, its {@code minSize} connections open (asyncpg's {@code create_pool()})
     */
    public static Pool createPool(String dsn) {
        return createPool(ConnectOptions.parse(dsn), PoolOptions.defaults());
    }

    /**
     * A pool of connections to {@code dsn} with these settings (asyncpg's {@code create_pool()}).
     *
     * @param dsn a libpq URI or {@code key=value} string
     * @param pool the pool's settings
     * @return the pool, its {@code minSize} connections open
     */
    public static Pool createPool(String dsn, PoolOptions pool) {
        return createPool(ConnectOptions.parse(dsn), pool);
    }

    /**
     * A pool; returns once its {@code minSize} connections are open.
     *
     * @param options where and how each connection connects
     * @param pool the pool's settings
     * @return the pool, its {@code minSize} connections open
     */
    public static Pool createPool(ConnectOptions options, PoolOptions pool) {
        return Pool.create(options, pool);
    }
}
