package io.jasyncio.pg;

import java.io.IOException;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.TimeoutError;
import io.jasyncio.pg.PostgresErrors.InvalidCachedStatementError;
import io.jasyncio.pg.PostgresErrors.InvalidSqlStatementNameError;
import io.jasyncio.pg.protocol.BatchRequest;
import io.jasyncio.pg.protocol.CloseStatements;
import io.jasyncio.pg.protocol.CopyInRequest;
import io.jasyncio.pg.protocol.CopyOutRequest;
import io.jasyncio.pg.protocol.MessageBuffer;
import io.jasyncio.pg.protocol.PgProtocol;
import io.jasyncio.pg.protocol.PrepareRequest;
import io.jasyncio.pg.protocol.QueryRequest;
import io.jasyncio.pg.protocol.Request;
import io.jasyncio.pg.protocol.SimpleQuery;
import io.jasyncio.pg.protocol.Startup;
import io.jasyncio.pg.protocol.Statement;
import io.jasyncio.tls.Tls;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.Net;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.Transport;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One server session: the protocol, the prepared-statement cache, listeners and the work every {@link Connection}
 * method does. A {@link Connection} is a handle on a session (a pooled session gets a new handle per acquire).
 *
 * <p>Threading: the loop's thread only.
 */
final class Session implements PgProtocol.Events {
    private static final System.Logger LOG = System.getLogger("io.jasyncio.pg");

    final ConnectOptions options;
    final PgProtocol proto;
    final EventLoop loop;
    /** SQL → Statement, or the PrepareRequest still preparing it. Access-ordered: the eldest is evicted. */
    private final LinkedHashMap<String, Object> cache;
    private final List<String> closeQueue = new ArrayList<>();
    private final Introspection introspection = new Introspection();
    private int statementSeq;
    /** Counts {@link #clearStatementCache} calls: a statement prepared before one must not re-enter the cache. */
    private int cacheGeneration;
    private final Map<String, List<Listener>> listeners = new LinkedHashMap<>();
    private final List<LogEntry> logListeners = new ArrayList<>();
    private final List<Runnable> lostHooks = new ArrayList<>();
    /** The outermost {@link Transaction} running on this session, if any. */
    Transaction topTransaction;
    int savepoints;
    int portals;
    /** Whether {@link #close} was called. */
    private boolean closing;
    private Future<Void> closed;
    long queries;

    private record Listener(Connection handle, NotificationListener fn) {}

    private record LogEntry(Connection handle, LogListener fn) {}

    private Session(ConnectOptions options, PgProtocol proto) {
        this.options = options;
        this.proto = proto;
        this.loop = proto.loop;
        int max = options.statementCacheSize();
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
                if (size() <= max) return false;
                retire(eldest.getValue());
                return true;
            }
        };
        proto.setEvents(this);
        proto.setCancelSender(() -> loop.createTask(this::sendCancel, "pg-cancel"));
    }

    // ================================================================ connecting

    /** Connects, negotiates TLS, authenticates: within {@code connectTimeout} seconds. */
    static Session open(ConnectOptions o) {
        try {
            return Asyncio.timeout(o.connectTimeout(), () -> {
                if (o.sslMode() == SslMode.ALLOW) {
                    try {
                        return openOnce(o, false);
                    } catch (PostgresErrors.InvalidAuthorizationSpecificationError e) {
                        return openOnce(o, true); // pg_hba.conf wants TLS (hostssl): libpq's allow retries with it
                    }
                }
                return openOnce(o, o.sslMode() != SslMode.DISABLE);
            });
        } catch (TimeoutError e) {
            TimeoutError t = new TimeoutError("connecting to " + o + " took longer than connectTimeout (" + o.connectTimeout() + " s)");
            t.initCause(e);
            throw t;
        }
    }

    private static Session openOnce(ConnectOptions o, boolean trySsl) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        PgProtocol p = new PgProtocol(loop, o.maxMessageSize(), o.maxResultSize(), o.groupReads());
        boolean unix = o.isUnixSocket();
        if (unix && o.sslMode().compareTo(SslMode.REQUIRE) >= 0) {
            throw new InterfaceError("sslmode=" + o.sslMode() + " cannot be met over a Unix socket (" + o.host()
                    + "): the server never uses TLS there. Use sslmode=prefer or disable, or a TCP host");
        }
        Transport t = unix ? Net.createUnixConnection(() -> p, o.socketPath()).transport()
                : Net.createConnection(() -> p, o.host(), o.port()).transport();
        try {
            X509Certificate cert = null;
            if (!unix && trySsl) {
                int answer = p.sslRequest();
                if (answer == 'S') {
                    t = Tls.startTls(t, p, SslContexts.options(o));
                    p.setTransport(t);
                    cert = Startup.peerCertificate(t);
                } else if (answer == 'N') {
                    if (o.sslMode().compareTo(SslMode.REQUIRE) >= 0) {
                        throw new InterfaceError("the server at " + o.host() + ":" + o.port() + " does not support TLS, "
                                + "but sslmode=" + o.sslMode() + " requires it (ssl = on in postgresql.conf enables it)");
                    }
                } else {
                    throw new ProtocolError("unexpected answer to SSLRequest: " + answer + " (not a PostgreSQL server?)");
                }
            }
            Map<String, String> params = new LinkedHashMap<>();
            params.put("user", o.user());
            params.put("database", o.database());
            params.put("client_encoding", "UTF8");
            params.putAll(o.serverSettings());
            Startup s = new Startup(p, o.user(), o.password(), o.channelBinding(), cert);
            Asyncio.await(s.start(params));
            return new Session(o, p);
        } catch (Throwable e) {
            t.abort();
            throw e;
        }
    }

    // ================================================================ queries

    /** Runs a statement with arguments: fetch (ROWS), fetchrow (ROW), fetchval (VALUE) or execute (STATUS). */
    Object query(String sql, Object[] args, int mode, Double timeout) {
        for (int attempt = 0; ; attempt++) {
            Statement st = statement(sql, timeout);
            boolean cached = options.statementCacheSize() > 0;
            try {
                return run(st, args, mode, timeout, !cached);
            } catch (InvalidCachedStatementError | InvalidSqlStatementNameError e) {
                // The cached plan went stale (a schema change) or the server forgot the statement (DISCARD ALL):
                // prepare it again and retry once, unless a transaction would make the retry unsafe (asyncpg's rule).
                forget(sql, st);
                if (attempt > 0 || proto.txStatus() != 'I') throw e;
            }
        }
    }

    /** Runs a prepared statement: Bind/Execute/Sync (and Close, for one not kept). */
    Object run(Statement st, Object[] args, int mode, Double timeout, boolean closeAfter) {
        QueryRequest r = new QueryRequest(proto, st, args, mode, closeAfter);
        queries++;
        submit(r);
        return await(r, timeout);
    }

    Object run(Statement st, Object[] args, int mode, Double timeout) {
        return run(st, args, mode, timeout, false);
    }

    /** A simple query: several statements allowed, no arguments. */
    String executeScript(String sql, Double timeout) {
        SimpleQuery q = new SimpleQuery(proto, sql);
        queries++;
        submit(q);
        return await(q, timeout);
    }

    /**
     * Prepares {@code sql} as a new server-side statement (that the cache does not own: a {@link PreparedStatement}'s,
     * a cursor's, or any when the cache is off), learning any types it uses that are not built in.
     */
    Statement prepareUncached(String sql, Double timeout) {
        PrepareRequest p = new PrepareRequest(proto, nextName(), sql);
        submit(p);
        Statement st = await(p, timeout);
        if (introspection.needed(st, proto.types)) introspection.resolve(this, st);
        return st;
    }

    /**
     * The cached statement for {@code sql}, preparing it if needed. The prepare runs as a task of its own, which
     * other tasks wanting the same statement wait for (shielded: one waiter's cancellation stops none of them).
     *
     * <p>Other tasks go on preparing while one waits, so the cache may evict {@code sql}'s entry before its waiter
     * resumes. A prepare that completes after its entry was evicted puts its statement back (the freshest entry;
     * before, it was used and never closed: one server-side statement leaked per eviction); a waiter whose
     * statement was evicted after it was prepared takes it back if its Close has not gone out yet, or looks again
     * (before, it Bound a statement the server no longer had, which aborted a transaction).
     */
    private Statement statement(String sql, Double timeout) {
        if (options.statementCacheSize() == 0) return prepareUncached(sql, timeout);
        while (true) {
            Object e = cache.get(sql);
            if (e instanceof Statement st) return st;
            Future<?> p;
            if (e instanceof Future<?> pending && !(pending.done() && (pending.cancelled() || pending.exception() != null))) {
                p = pending;
            } else {
                p = startPrepare(sql);
            }
            int generation = cacheGeneration;
            Statement st;
            try {
                st = (Statement) (p.done() ? p.result() : await(Asyncio.shield(p), timeout));
            } catch (PostgresError | InterfaceError err) {
                if (cache.get(sql) == p) cache.remove(sql);
                throw err;
            }
            Object now = cache.get(sql);
            if (now == p || now == st) {
                cache.put(sql, st);
                return st;
            }
            if (now == null && generation == cacheGeneration && st.closed() && closeQueue.remove(st.name)) {
                st.reopen(); // evicted while this waiter was resuming, and still known to the server
                cache.put(sql, st);
                return st;
            }
            // Another entry for sql (use it), or none and this one is gone: look again.
        }
    }

    /** Starts preparing {@code sql} for the cache, as a task of its own, and enters it there. */
    private Future<Statement> startPrepare(String sql) {
        Future<Statement> t = loop.createTask(() -> prepareUncached(sql, null), "pg-prepare");
        int generation = cacheGeneration;
        t.addDoneCallback(f -> {
            if (f.cancelled() || f.exception() != null) return; // seen here: every waiter may have gone
            Statement st = t.result();
            Object now = cache.get(sql);
            if (now == t) cache.put(sql, st);
            else if (now == null && generation == cacheGeneration) cache.put(sql, st); // evicted while preparing
            else retire(st); // superseded, or the cache was cleared: its codecs may be out of date
        });
        cache.put(sql, t);
        return t;
    }

    private String nextName() {
        return "__jasyncio_" + (++statementSeq);
    }

    /** Drops {@code sql}'s cached statement (stale), closing it on the server. */
    private void forget(String sql, Statement st) {
        if (cache.get(sql) == st) cache.remove(sql);
        retire(st);
    }

    /** Queues a Close for a statement leaving the cache; it goes out ahead of the next request. */
    private void retire(Object entry) {
        if (entry instanceof Statement st && !st.closed()) {
            st.markClosed();
            closeQueue.add(st.name);
        } else if (entry instanceof Future<?> f && f.done() && !f.cancelled() && f.exception() == null) {
            retire(f.result());
        }
    }

    /** Drops every cached statement (after a codec change: formats and codecs were chosen when prepared). */
    void clearStatementCache() {
        cacheGeneration++;
        for (Object e : cache.values()) retire(e);
        cache.clear();
    }

    void closeStatement(Statement st) {
        retire(st);
    }

    /** Submits {@code r}, with the Close messages of retired statements ahead of it. */
    void submit(Request<?> r) {
        if (closing) throw new ConnectionDoesNotExistError("the connection is closed");
        if (!closeQueue.isEmpty() && proto.lostWith() == null) {
            List<String> names = new ArrayList<>(closeQueue);
            closeQueue.clear();
            proto.submit(new CloseStatements(proto, names));
        }
        proto.submit(r);
    }

    /** Awaits {@code f}, within {@code timeout} seconds if given (else the connection's commandTimeout). */
    <T> T await(Future<T> f, Double timeout) {
        Double t = timeout != null ? timeout : options.commandTimeout();
        try {
            return t == null ? Asyncio.await(f) : Asyncio.waitFor(f, t);
        } catch (PostgresError e) {
            // Made in the protocol's read callback: show where the caller awaited instead (one error, one waiter).
            e.fillInStackTrace();
            throw e;
        }
    }

    /**
     * asyncpg's executemany: the rows as one stream of Bind/Execute with one Sync, so the batch is one implicit
     * transaction (all rows or none); a plain INSERT ... VALUES is sent as multi-row INSERTs ({@link InsertRewrite}).
     * The timeout covers the whole batch, streaming included.
     */
    void executemany(String sql, Iterable<?> rows, Double timeout) {
        withTimeout(timeout, () -> {
            Statement st = statement(sql, null);
            try {
                streamBatch(st, rows);
            } finally {
                if (options.statementCacheSize() == 0) retire(st); // prepared for this batch alone
            }
            return null;
        });
    }

    void executemany(Statement st, Iterable<?> rows, Double timeout) {
        withTimeout(timeout, () -> {
            streamBatch(st, rows);
            return null;
        });
    }

    /** The most rows one multi-row INSERT carries (fewer when its parameters would pass PostgreSQL's 65,535). */
    static final int MAX_BATCH_ROWS = 1024;
    /** The most bytes of arguments one multi-row INSERT carries (wide rows make smaller statements). */
    static final int MAX_BATCH_BYTES = 1 << 20;
    /** The statement sizes below the full one: each an eighth of the one above, down to one row. */
    private static final int SIZE_STEP = 8;

    private void streamBatch(Statement st, Iterable<?> rows) {
        InsertRewrite ir = options.rewriteInserts() && st.columns() == null
                && "on".equals(proto.serverParameter("standard_conforming_strings")) ? InsertRewrite.of(st.sql) : null;
        int n = st.paramCount();
        int full = ir == null || ir.paramCount != n ? 1 : Integer.highestOneBit(Math.min(MAX_BATCH_ROWS, 65535 / n));
        if (full < 2) ir = null;
        BatchRequest r = new BatchRequest(proto);
        proto.beginStream(r);
        boolean ended = false;
        Batch b = ir == null ? null : new Batch(st, ir, full, r);
        long row = 0;
        try {
            MessageBuffer out = proto.streamOut();
            Iterator<?> it = rows.iterator();
            while (it.hasNext()) {
                Object next = it.next();
                if (b == null) {
                    int mark = out.size();
                    try {
                        r.bindExecute(st, Rows.toArgs(next), out);
                    } catch (InterfaceError e) {
                        out.truncate(mark);
                        throw atRow(e, row);
                    }
                } else {
                    b.add(next, row);
                    if (b.rows == full || b.values.size() >= MAX_BATCH_BYTES) b.send(out);
                }
                row++;
                if (out.size() >= 64 * 1024) {
                    proto.writeStream();
                    if (r.failed()) break; // the server refused a row: it skips the rest until the Sync anyway
                }
            }
            if (b != null && !r.failed()) b.send(out);
            r.finish(out);
            proto.writeStream();
            proto.endStream(r);
            ended = true;
        } finally {
            if (!ended) abortStream(r);
        }
        queries++;
        try {
            Asyncio.await(r);
        } catch (PostgresError e) {
            int failed = r.commandsCompleted();
            e.setWhere(b == null ? "executemany: at row " + failed + " (0-based)" : b.describe(failed));
            throw e;
        }
    }

    private static InterfaceError atRow(InterfaceError e, long row) {
        String m = "executemany row " + row + " (0-based): " + e.getMessage();
        return e instanceof DataError ? new DataError(m, e) : new InterfaceError(m, e);
    }

    /**
     * The rows of an executemany sent as multi-row INSERTs: their arguments are encoded into {@link #values} as they
     * come, and sent as one statement of {@code full} rows, or (the last rows, or rows over the byte bound) as
     * statements of full/8, full/64, ..., 1 rows — a few sizes, each prepared once and kept in the statement cache.
     */
    private final class Batch {
        final Statement one;
        final InsertRewrite ir;
        final int full;
        final BatchRequest r;
        final MessageBuffer values = new MessageBuffer(64 * 1024);
        /** Where each encoded row ends in {@link #values}: row i is ends[i]..ends[i + 1]. */
        final int[] ends;
        int rows;
        /** The first row of each statement sent (for naming the failing one), and the row after the last. */
        long[] firstRows = new long[16];
        int statements;
        long nextRow;
        /** The statements of each size this batch uses. */
        private final Map<Integer, Statement> sizes = new LinkedHashMap<>();
        private final int generation = cacheGeneration;

        Batch(Statement one, InsertRewrite ir, int full, BatchRequest r) {
            this.one = one;
            this.ir = ir;
            this.full = full;
            this.r = r;
            this.ends = new int[full + 1];
            sizes.put(1, one);
            r.onReady(this::settle);
        }

        void add(Object row, long index) {
            int mark = values.size();
            try {
                one.putArgs(values, Rows.toArgs(row), proto.types);
            } catch (InterfaceError e) {
                values.truncate(mark);
                throw atRow(e, index);
            }
            ends[++rows] = values.size();
        }

        /** Sends the rows encoded so far, as few statements as the sizes allow. */
        void send(MessageBuffer out) {
            int at = 0;
            for (int size = full; at < rows; size = Math.max(1, size / SIZE_STEP)) {
                while (rows - at >= size) {
                    Statement m = statementFor(size, out);
                    r.bindExecute(m, values, ends[at], ends[at + size], out);
                    if (statements + 1 >= firstRows.length) firstRows = java.util.Arrays.copyOf(firstRows, firstRows.length * 2);
                    firstRows[statements++] = nextRow;
                    nextRow += size;
                    at += size;
                }
            }
            firstRows[statements] = nextRow;
            rows = 0;
            values.clear();
        }

        private Statement statementFor(int size, MessageBuffer out) {
            Statement m = sizes.get(size);
            if (m != null) return m;
            if (cache.get(key(size)) instanceof Statement cached && !cached.closed()) {
                m = cached;
            } else {
                m = one.repeated(nextName(), ir.sql(size), size);
                r.parse(m, out);
            }
            sizes.put(size, m);
            return m;
        }

        private String key(int size) {
            return "\0" + size + "\0" + one.sql;
        }

        /** At the batch's ReadyForQuery: the statements the server made enter the cache; the others are closed. */
        void settle() {
            List<Statement> parsed = r.parsed();
            for (int i = 0; i < parsed.size(); i++) {
                Statement m = parsed.get(i);
                String k = key(m.paramCount() / one.paramCount());
                boolean made = i < r.parsedOk();
                if (made && options.statementCacheSize() > 0 && generation == cacheGeneration && !(cache.get(k) instanceof Statement live && !live.closed())) {
                    cache.put(k, m);
                } else {
                    retire(m); // a Close of a statement the server never made is no error
                }
            }
        }

        /** Which rows statement {@code i} (the one that failed) carried. */
        String describe(int i) {
            if (i >= statements) return "executemany: after its last row";
            long from = firstRows[i], to = firstRows[i + 1] - 1;
            return from == to ? "executemany: at row " + from + " (0-based)"
                    : "executemany: in rows " + from + ".." + to + " (0-based), sent as one multi-row INSERT";
        }
    }

    /**
     * Ends a stream that failed on our side (a bad row, a cancelled task): an error of our making and the Sync make
     * the server roll the batch's implicit transaction back; the request is cancelled, so its outcome is dropped.
     */
    void abortStream(Request<?> r) {
        if (proto.lostWith() == null) {
            MessageBuffer out = proto.streamOut();
            out.clear(); // rows not yet sent: dropped with the batch
            BatchRequest.abort(out);
            try {
                proto.writeStream();
            } catch (RuntimeException e) {
                // lost: nothing more to do
            } catch (Error e) {
                throw e;
            }
        }
        r.cancel();
        proto.endStream(r);
    }

    // ================================================================ COPY

    /** Writes the COPY data into the stream buffer (calling {@link PgProtocol#writeStream} as it fills). */
    @FunctionalInterface
    interface CopyBody {
        void write(MessageBuffer out, CopyInRequest r) throws Exception;
    }

    /**
     * COPY ... FROM STDIN: the command, then {@code body}'s CopyData, then CopyDone; the rows commit together. If the
     * body fails (or the task is cancelled) CopyFail aborts the COPY on the server, and nothing is committed.
     */
    String copyIn(String sql, CopyBody body, Double timeout) {
        return withTimeout(timeout, () -> {
            CopyInRequest r = new CopyInRequest(proto);
            proto.beginStream(r);
            boolean ended = false;
            try {
                MessageBuffer out = proto.streamOut();
                CopyInRequest.query(out, sql);
                proto.writeStream();
                if (Asyncio.await(r.started())) {
                    body.write(out, r);
                    if (!r.done()) {
                        CopyInRequest.done(out);
                        proto.writeStream();
                    }
                }
                proto.endStream(r);
                ended = true;
            } catch (Throwable e) {
                if (!ended) {
                    if (proto.lostWith() == null && r.started().done() && !r.done()) {
                        proto.streamOut().clear(); // unsent data of an abandoned COPY (maybe half a message)
                        CopyInRequest.fail(proto.streamOut(), "COPY abandoned by the client: " + e);
                        try {
                            proto.writeStream();
                        } catch (RuntimeException lost) {
                            e.addSuppressed(lost);
                        }
                    }
                    r.cancel();
                    proto.endStream(r);
                }
                throw e;
            }
            queries++;
            return Asyncio.await(r);
        });
    }

    /** Sends {@code out}'s CopyData once it holds 64 KiB; returns false if the server already ended the COPY. */
    boolean flushCopy(MessageBuffer out, CopyInRequest r) {
        if (out.size() < 64 * 1024) return !r.done();
        proto.writeStream();
        return !r.done();
    }

    /** COPY ... TO STDOUT into {@code sink}, chunk by chunk. */
    String copyOut(String sql, CopySink sink, Double timeout) {
        return withTimeout(timeout, () -> {
            CopyOutRequest r = new CopyOutRequest(proto, sql);
            submit(r);
            try {
                byte[] c;
                while ((c = r.take()) != null) sink.write(ByteBuffer.wrap(c));
            } catch (Throwable e) {
                if (!r.done()) r.cancel();
                throw e;
            }
            queries++;
            return Asyncio.await(r);
        });
    }

    private <T> T withTimeout(Double timeout, io.jasyncio.Coroutine<T> body) {
        Double t = timeout != null ? timeout : options.commandTimeout();
        try {
            return t == null ? body.call() : Asyncio.timeout(t, body);
        } catch (PostgresError e) {
            e.fillInStackTrace();
            throw e;
        } catch (Exception e) {
            throw Transaction.<RuntimeException>sneaky(e);
        }
    }

    // ================================================================ cancel

    /** Sends CancelRequest for the protocol's cancel target on a side connection, and waits for the server to close it. */
    private Void sendCancel() {
        boolean sent = false;
        try {
            CancelProtocol cp = new CancelProtocol(loop);
            Transport t = Asyncio.timeout(options.connectTimeout(), () -> options.isUnixSocket()
                    ? Net.createUnixConnection(() -> cp, options.socketPath()).transport()
                    : Net.createConnection(() -> cp, options.host(), options.port()).transport());
            try {
                ByteBuffer b = ByteBuffer.allocate(16);
                b.putInt(16).putInt(80877102).putInt(proto.backendPid()).putInt(proto.backendSecret()).flip();
                t.write(b);
                sent = true;
                Asyncio.waitFor(cp.closed, options.connectTimeout());
            } finally {
                t.close();
            }
            proto.cancelFinished();
        } catch (CancelledError e) {
            proto.cancelFinished();
            throw e;
        } catch (Exception e) {
            if (!sent) {
                LOG.log(Level.DEBUG, "could not send a CancelRequest (the query runs to its end): " + e);
                proto.cancelFinished();
            } else {
                // The signal may still come, and stop a later query: do not risk it.
                closeWith(new ConnectionDoesNotExistError("a query was cancelled but the server did not confirm the "
                        + "CancelRequest within " + options.connectTimeout() + " s; the connection is closed rather than "
                        + "risk the cancel stopping a later query", e));
            }
        }
        return null;
    }

    /** The side connection's protocol: nothing to read, it only waits for the server to close. */
    private static final class CancelProtocol implements Protocol {
        final Future<Void> closed;

        CancelProtocol(EventLoop loop) {
            closed = loop.createFuture();
        }

        @Override
        public void connectionLost(Throwable exc) {
            if (!closed.done()) closed.setResult(null);
        }

        @Override
        public void connectionMade(BaseTransport transport) {}
    }

    // ================================================================ events

    @Override
    public void notice(ServerMessage message) {
        if (logListeners.isEmpty()) {
            LOG.log(Level.DEBUG, () -> "server notice: " + message.describe());
            return;
        }
        for (LogEntry e : List.copyOf(logListeners)) loop.callSoon(() -> e.fn.onLog(e.handle, message));
    }

    @Override
    public void notification(int pid, String channel, String payload) {
        List<Listener> ls = listeners.get(channel);
        if (ls == null) return;
        for (Listener l : List.copyOf(ls)) loop.callSoon(() -> l.fn.onNotification(l.handle, pid, channel, payload));
    }

    @Override
    public void lost(RuntimeException cause) {
        for (Runnable r : List.copyOf(lostHooks)) r.run();
    }

    /** Runs {@code hook} when the connection is lost or closed (the pool watches its connections so). */
    void onLost(Runnable hook) {
        lostHooks.add(hook);
    }

    void addListener(Connection handle, String channel, NotificationListener fn) {
        List<Listener> ls = listeners.get(channel);
        if (ls == null) {
            executeScript("LISTEN " + quoteIdent(channel), null);
            ls = listeners.computeIfAbsent(channel, k -> new ArrayList<>());
        }
        ls.add(new Listener(handle, fn));
    }

    void removeListener(String channel, NotificationListener fn) {
        List<Listener> ls = listeners.get(channel);
        if (ls == null) return;
        ls.removeIf(l -> l.fn == fn);
        if (ls.isEmpty()) {
            listeners.remove(channel);
            if (proto.lostWith() == null) executeScript("UNLISTEN " + quoteIdent(channel), null);
        }
    }

    void addLogListener(Connection handle, LogListener fn) {
        logListeners.add(new LogEntry(handle, fn));
    }

    void removeLogListener(LogListener fn) {
        logListeners.removeIf(e -> e.fn == fn);
    }

    /** Forgets listeners (the pool's reset does this with UNLISTEN *). */
    void clearListeners() {
        listeners.clear();
        logListeners.clear();
    }

    static String quoteIdent(String name) {
        if (name.indexOf('\0') >= 0) throw new IllegalArgumentException("an identifier cannot hold a NUL character");
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    // ================================================================ codecs

    void setTypeCodec(String typeName, String schema, TypeCodec<?> codec) {
        Record r = (Record) query("SELECT t.oid, t.typarray, t.typtype FROM pg_catalog.pg_type t "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = $1 AND n.nspname = $2",
                new Object[] {typeName, schema}, QueryRequest.ROW, null);
        if (r == null) throw new InterfaceError("unknown type: " + schema + "." + typeName);
        int oid = (int) r.getLong(0);
        int array = (int) r.getLong(1);
        proto.types.register(oid, codec.codec());
        if (array != 0) proto.types.registerArray(array, oid);
        clearStatementCache();
    }

    // ================================================================ closing

    boolean isClosed() {
        return closing || proto.lostWith() != null;
    }

    /** Sends Terminate after what is in flight, and waits (bounded) for the server to close the connection. */
    void close(double timeout) {
        if (closing) {
            if (closed != null && !closed.done()) Asyncio.await(Asyncio.shield(closed));
            return;
        }
        closing = true;
        if (proto.lostWith() != null) return;
        closed = loop.createFuture();
        Future<Void> done = closed;
        onLost(() -> {
            if (!done.done()) done.setResult(null);
        });
        try {
            proto.terminate();
            Asyncio.waitFor(Asyncio.shield(done), timeout);
        } catch (TimeoutError e) {
            terminate();
        } catch (CancelledError e) {
            terminate();
            throw e;
        }
    }

    /** Closes at once (asyncpg's terminate()): what is in flight fails with ConnectionDoesNotExistError. */
    void terminate() {
        closing = true;
        closeWith(new ConnectionDoesNotExistError("the connection was terminated"));
    }

    void closeWith(RuntimeException e) {
        proto.loseWith(e);
    }
}
