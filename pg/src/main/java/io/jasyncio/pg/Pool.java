package io.jasyncio.pg;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.TimeoutError;
import io.jasyncio.TimerHandle;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A pool of connections (asyncpg's {@code Pool}): {@link #acquire()} hands out a connection, whose
 * {@link Connection#close()} gives it back; {@link #fetch} and the other shortcuts do both around one query.
 *
 * <pre>{@code
 * try (Connection conn = pool.acquire()) {
 *     conn.transaction(() -> { ...; return null; });
 * }
 * }</pre>
 *
 * <p>It opens {@code minSize} connections at start, and more up to {@code maxSize} on demand; an acquire beyond
 * that waits (FIFO, within {@code acquireTimeout}). On release a connection is reset ({@link Connection#reset()}:
 * open transaction rolled back, listeners and session settings dropped); one whose reset fails or takes longer than
 * {@code resetTimeout} (a cancelled query still running, say), one that served {@code maxQueries}, or one the server
 * dropped, is closed and replaced. A connection idle for {@code healthCheckAfter} seconds is checked with an empty
 * query before it is handed out. Connections beyond {@code minSize} idle for {@code maxInactiveConnectionLifetime}
 * are closed. When the server drops idle connections, the pool reopens up to {@code minSize} in the background.
 *
 * <p>Threading: the loop that created it; call its methods from that loop's tasks.
 */
public final class Pool implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.jasyncio.pg");

    private final ConnectOptions connect;
    private final PoolOptions opts;
    private final EventLoop loop;
    private final ArrayDeque<Idle> idle = new ArrayDeque<>();
    private final Set<Session> inUse = new HashSet<>();
    private final ArrayDeque<Future<Void>> waiters = new ArrayDeque<>();
    /** Open connections plus those being opened. */
    private int size;
    private boolean closing;
    private boolean refilling;
    /** Completed when the last connection in use comes back while the pool closes. */
    private Future<Void> drained;

    private record Idle(Session session, double since, TimerHandle expiry) {}

    private Pool(ConnectOptions connect, PoolOptions opts) {
        this.connect = connect;
        this.opts = opts;
        this.loop = Asyncio.getRunningLoop();
    }

    static Pool create(ConnectOptions connect, PoolOptions opts) {
        Pool p = new Pool(connect, opts);
        List<Future<?>> opening = new ArrayList<>();
        for (int i = 0; i < opts.minSize(); i++) {
            p.size++;
            opening.add(p.loop.createTask(() -> {
                Session s = p.open();
                p.putIdle(s);
                return null;
            }));
        }
        try {
            Asyncio.await(Asyncio.gather(opening.toArray(Future<?>[]::new)));
        } catch (Throwable e) {
            for (Future<?> f : opening) f.cancel();
            p.terminate();
            throw e;
        }
        return p;
    }

    /** Opens a connection and runs {@code init} on it; {@link #size} already counts it, and is given back on failure. */
    private Session open() {
        Session s;
        try {
            s = Session.open(connect);
        } catch (Throwable e) {
            size--;
            wakeOne();
            throw e;
        }
        try {
            if (opts.init() != null) opts.init().accept(new Connection(s, null));
        } catch (Throwable e) {
            size--;
            s.terminate();
            wakeOne();
            throw Transaction.<RuntimeException>sneaky(e);
        }
        s.onLost(() -> lost(s));
        return s;
    }

    // ================================================================ acquire / release

    /**
     * A connection (waiting for one within {@code acquireTimeout}); its {@link Connection#close()} releases it.
     *
     * @return a connection of this pool, for the calling task's use until its {@link Connection#close()} (asyncpg's
     *     {@code acquire()})
     * @throws io.jasyncio.TimeoutError none became free within {@code acquireTimeout}
     * @throws InterfaceError the pool is closing
     */
    public Connection acquire() {
        Double t = opts.acquireTimeout();
        if (t == null) return acquireNow();
        try {
            return Asyncio.timeout(t, this::acquireNow);
        } catch (TimeoutError e) {
            TimeoutError te = new TimeoutError("no connection became free within acquireTimeout (" + t + " s): all "
                    + opts.maxSize() + " are in use");
            te.initCause(e);
            throw te;
        }
    }

    private Connection acquireNow() {
        while (true) {
            checkOpen();
            Idle i = idle.pollLast(); // the most recently used: the others may expire
            if (i != null) {
                if (i.expiry != null) i.expiry.cancel();
                Session s = i.session;
                if (s.isClosed()) {
                    size--;
                    continue;
                }
                if (opts.healthCheckAfter() != null && loop.time() - i.since >= opts.healthCheckAfter() && !healthy(s)) {
                    size--;
                    continue;
                }
                return handOut(s);
            }
            if (size < opts.maxSize()) {
                size++;
                return handOut(open());
            }
            Future<Void> w = loop.createFuture();
            waiters.addLast(w);
            try {
                Asyncio.await(w);
            } catch (Throwable e) {
                waiters.remove(w);
                if (w.done() && !w.cancelled()) wakeOne(); // we were woken but leave: pass it on
                throw e;
            }
        }
    }

    /** An empty query within resetTimeout; a connection that fails it is closed. */
    private boolean healthy(Session s) {
        try {
            s.executeScript("", opts.resetTimeout());
            return true;
        } catch (CancelledError e) {
            // The acquirer was cancelled mid-check: the connection is neither idle nor in use any more, so its
            // slot goes back to the pool here (lost() only counts idle ones) and a waiter may open a new one.
            s.terminate();
            discard(s);
            wakeOne();
            throw e;
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "pool: an idle connection failed its health check and is replaced: " + e);
            s.terminate();
            return false;
        }
    }

    private Connection handOut(Session s) {
        inUse.add(s);
        Connection c = new Connection(s, this);
        if (opts.setup() != null) {
            try {
                opts.setup().accept(c);
            } catch (Throwable e) {
                c.close();
                throw Transaction.<RuntimeException>sneaky(e);
            }
        }
        return c;
    }

    /** A connection comes back (its handle's close()): reset it, then make it idle, or replace it. */
    void release(Session s) {
        if (!inUse.remove(s)) return;
        if (inUse.isEmpty() && drained != null && !drained.done()) drained.setResult(null);
        boolean keep = !s.isClosed() && !closing && s.queries < opts.maxQueries();
        if (keep) {
            try {
                if (opts.resetOnRelease()) {
                    Asyncio.timeout(opts.resetTimeout(), () -> {
                        new Connection(s, null).reset();
                        return null;
                    });
                } else if (!s.proto.idle()) {
                    s.executeScript("", opts.resetTimeout()); // wait for what is still in flight (a cancelled query)
                }
            } catch (CancelledError e) {
                s.terminate();
                discard(s);
                wakeOne(); // the slot is free: a waiter may open a connection in it
                throw e;
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "pool: a released connection could not be reset and is replaced: " + e);
                keep = false;
            }
        }
        if (keep && !s.isClosed()) {
            putIdle(s);
        } else {
            if (!s.isClosed()) {
                if (closing) s.terminate();
                else closeQuietly(s);
            }
            discard(s);
        }
        wakeOne();
    }

    private void putIdle(Session s) {
        TimerHandle expiry = null;
        double life = opts.maxInactiveConnectionLifetime();
        if (life > 0) expiry = loop.callLater(life, () -> expire(s));
        idle.addLast(new Idle(s, loop.time(), expiry));
        wakeOne();
    }

    /** An idle connection reached maxInactiveConnectionLifetime: closed if the pool has more than minSize. */
    private void expire(Session s) {
        if (size <= opts.minSize()) return;
        if (!idle.removeIf(i -> i.session == s)) return;
        size--;
        loop.createTask(() -> {
            closeQuietly(s);
            return null;
        });
    }

    /** The server dropped a connection: if idle, it is gone from the pool; refill to minSize. */
    private void lost(Session s) {
        if (idle.removeIf(i -> {
            if (i.session != s) return false;
            if (i.expiry != null) i.expiry.cancel();
            return true;
        })) {
            size--;
            wakeOne();
        }
        refill();
    }

    private void discard(Session s) {
        size--;
        refill();
    }

    /** Opens connections in the background until minSize are open (errors are logged and retried at acquire). */
    private void refill() {
        if (closing || refilling || size >= opts.minSize()) return;
        refilling = true;
        loop.createTask(() -> {
            try {
                while (!closing && size < opts.minSize()) {
                    size++;
                    Session s = open();
                    if (closing) {
                        size--;
                        s.terminate();
                    } else {
                        putIdle(s);
                    }
                }
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "pool: reopening a connection failed (the next acquire tries again): " + e);
            } finally {
                refilling = false;
            }
            return null;
        }, "pg-pool-refill");
    }

    private void wakeOne() {
        Future<Void> w;
        while ((w = waiters.pollFirst()) != null) {
            if (!w.done()) {
                w.setResult(null);
                return;
            }
        }
    }

    private static void closeQuietly(Session s) {
        try {
            s.close(5);
        } catch (CancelledError e) {
            s.terminate();
            throw e;
        } catch (RuntimeException e) {
            s.terminate();
        }
    }

    private void checkOpen() {
        if (closing) throw new InterfaceError("the pool is closed");
    }

    // ================================================================ shortcuts

    /**
     * Acquires, fetches, releases.
     *
     * @param sql the query; {@code $1, $2, ...} for the arguments
     * @param args the arguments, in order
     * @return the rows (asyncpg's {@code Pool.fetch()})
     */
    public List<Record> fetch(String sql, Object... args) {
        try (Connection c = acquire()) {
            return c.fetch(sql, args);
        }
    }

    /**
     * Acquires, fetches the first row, releases (asyncpg's {@code Pool.fetchrow()}).
     *
     * @param sql the query; {@code $1, $2, ...} for the arguments
     * @param args the arguments, in order
     * @return the first row, or null
     */
    public Record fetchrow(String sql, Object... args) {
        try (Connection c = acquire()) {
            return c.fetchrow(sql, args);
        }
    }

    /**
     * Acquires, fetches one value, releases (asyncpg's {@code Pool.fetchval()}).
     *
     * @param <T> the value's Java type
     * @param sql the query; {@code $1, $2, ...} for the arguments
     * @param args the arguments, in order
     * @return the first column of the first row, or null
     */
    public <T> T fetchval(String sql, Object... args) {
        try (Connection c = acquire()) {
            return c.fetchval(sql, args);
        }
    }

    /**
     * Acquires, executes, releases (asyncpg's {@code Pool.execute()}).
     *
     * @param sql the SQL; {@code $1, $2, ...} for the arguments
     * @param args the arguments, in order
     * @return the status (command tag)
     */
    public String execute(String sql, Object... args) {
        try (Connection c = acquire()) {
            return c.execute(sql, args);
        }
    }

    /**
     * Acquires, runs a batch, releases (asyncpg's {@code Pool.executemany()}; see {@link Connection#executemany}).
     *
     * @param sql one statement with {@code $1, $2, ...} parameters
     * @param rows the arguments of each run
     */
    public void executemany(String sql, Iterable<?> rows) {
        try (Connection c = acquire()) {
            c.executemany(sql, rows);
        }
    }

    // ================================================================ state and closing

    /**
     * Open connections (idle and in use, and those being opened).
     *
     * @return the count (asyncpg's {@code get_size()}, which counts only connections already open)
     */
    public int getSize() {
        return size;
    }

    /**
     * Connections open and not in use (asyncpg's {@code get_idle_size()}).
     *
     * @return the count
     */
    public int getIdleSize() {
        return idle.size();
    }

    /**
     * The {@link PoolOptions#minSize()} it keeps open (asyncpg's {@code get_min_size()}).
     *
     * @return the minimum
     */
    public int getMinSize() {
        return opts.minSize();
    }

    /**
     * The {@link PoolOptions#maxSize()} it opens at most (asyncpg's {@code get_max_size()}).
     *
     * @return the maximum
     */
    public int getMaxSize() {
        return opts.maxSize();
    }

    /**
     * Whether {@link #close()} or {@link #terminate()} has begun (asyncpg's {@code is_closing()}).
     *
     * @return true once closing
     */
    public boolean isClosing() {
        return closing;
    }

    /** Closes gracefully: refuses new acquires, waits up to 60 s for connections in use to come back, closes all. */
    @Override
    public void close() {
        close(60);
    }

    /**
     * As {@link #close()}, waiting at most {@code timeout} seconds for connections in use; then terminates them.
     *
     * @param timeout seconds to wait for connections in use to be released
     */
    public void close(double timeout) {
        if (closing) return;
        closing = true;
        for (Future<Void> w : waiters) if (!w.done()) w.setException(new InterfaceError("the pool is closing"));
        waiters.clear();
        if (!inUse.isEmpty()) {
            drained = loop.createFuture();
            try {
                Asyncio.waitFor(Asyncio.shield(drained), timeout);
            } catch (TimeoutError e) {
                LOG.log(Level.WARNING, "pool: " + inUse.size() + " connections were not released within " + timeout
                        + " s of close(); terminating them");
            }
        }
        for (Session s : List.copyOf(inUse)) s.terminate();
        inUse.clear();
        List<Idle> all = new ArrayList<>(idle);
        idle.clear();
        for (Idle i : all) {
            if (i.expiry != null) i.expiry.cancel();
            closeQuietly(i.session);
        }
        size = 0;
    }

    /** Closes every connection at once (asyncpg's {@code terminate()}). */
    public void terminate() {
        closing = true;
        for (Future<Void> w : waiters) if (!w.done()) w.setException(new InterfaceError("the pool is closed"));
        waiters.clear();
        for (Session s : List.copyOf(inUse)) s.terminate();
        inUse.clear();
        for (Idle i : idle) {
            if (i.expiry != null) i.expiry.cancel();
            i.session.terminate();
        }
        idle.clear();
        size = 0;
    }

    @Override
    public String toString() {
        return "Pool[" + connect + ", size " + size + " (" + idle.size() + " idle), max " + opts.maxSize() + "]";
    }
}
