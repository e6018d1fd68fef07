package io.jasyncio.pg;

import io.jasyncio.Coroutine;
import io.jasyncio.pg.protocol.QueryRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A connection to a PostgreSQL server (asyncpg's {@code Connection}). Its methods are coroutines: call them from a
 * task of the loop that opened the connection; each suspends the calling task until the server has answered.
 *
 * <p><b>Concurrency.</b> Several tasks may use one connection at once: their queries are queued in order and
 * pipelined (sent together, answered in order), each with its own Sync, so one failing does not affect the others.
 * This is the way to many queries per second on few connections. A transaction, though, belongs to the whole
 * connection: while one task runs one, other tasks' queries on that connection run inside it; give each
 * transaction its own connection (a {@link Pool} does).
 *
 * <p><b>Arguments</b> are {@code $1, $2, ...} in the SQL, passed in order; their types are the server's idea of the
 * parameters (see {@link io.jasyncio.pg.types.Codecs} for the Java types each takes). Queries with arguments, and
 * every fetch, use the extended protocol with a prepared statement, cached per connection (LRU,
 * {@link ConnectOptions#statementCacheSize()}); a stale one (a schema change) is prepared again and the query
 * retried once, outside a transaction. {@code execute(sql)} without arguments uses the simple protocol, so a
 * script of several statements works.
 *
 * <p><b>Timeouts and cancellation.</b> Each query may take {@code timeout} seconds (the overloads with a
 * {@link Duration}), else {@link ConnectOptions#commandTimeout()}, else no limit; {@code Asyncio.timeout(...)}
 * around any code works too. A query whose task is cancelled (or whose time is up) is stopped on the server with a
 * CancelRequest when that is safe, and the connection stays usable: see {@link io.jasyncio.pg.protocol.PgProtocol}.
 *
 * <p><b>Closing.</b> {@link #close()} (also through try-with-resources) ends the session; on a connection from
 * {@link Pool#acquire()} it gives the connection back to the pool instead. A connection the server dropped fails
 * its waiters with {@link ConnectionDoesNotExistError}.
 *
 * <p>Threading: the loop's thread only (its tasks). Records it returns may be read from any thread.
 */
public final class Connection implements AutoCloseable {
    final Session session;
    private final Pool pool;
    private boolean released;

    Connection(Session session, Pool pool) {
        this.session = session;
        this.pool = pool;
    }

    /** The session, after checking this handle may still be used. */
    Session s() {
        if (released) {
            throw new InterfaceError("this connection has been released back to the pool: use the one the next "
                    + "acquire() returns");
        }
        return session;
    }

    // ================================================================ queries

    /**
     * Runs {@code sql} and returns its status (the command tag: "INSERT 0 1", "CREATE TABLE", ...). With arguments
     * it is one prepared statement; without, a script of statements separated by semicolons.
     *
     * @param sql the SQL; {@code $1, $2, ...} for the arguments
     * @param args the arguments, in order
     * @return the status of the last statement (its command tag)
     * @throws PostgresError the server refused a statement
     * @throws ConnectionDoesNotExistError the connection is closed or was lost
     */
    public String execute(String sql, Object... args) {
        return execute(null, sql, args);
    }

    /**
     * {@link #execute(String, Object...)} within {@code timeout}.
     *
     * @param timeout at most this long (null: {@link ConnectOptions#commandTimeout()})
     * @param sql the SQL; {@code $1, $2, ...} for the arguments
     * @param args the arguments, in order
     * @return the status of the last statement (its command tag)
     * @throws io.jasyncio.TimeoutError the time ran out (the query is cancelled on the server)
     */
    public String execute(Duration timeout, String sql, Object... args) {
        Double t = seconds(timeout);
        if (args.length == 0) return s().executeScript(sql, t);
        return (String) s().query(sql, args, QueryRequest.STATUS, t);
    }

    /**
     * Runs {@code sql} and returns every row.
     *
     * @param sql the query; {@code $1, $2, ...} for the arguments
     * @param args the arguments, in order
     * @return the rows, in the server's order (empty if none); asyncpg's {@code fetch()}
     */
    @SuppressWarnings("unchecked")
    public List<Record> fetch(String sql, Object... args) {
        return (List<Record>) s().query(sql, args, QueryRequest.ROWS, null);
    }

    /**
     * {@link #fetch(String, Object...)} within {@code timeout}.
     *
     * @param timeout at most this long (null: {@link ConnectOptions#commandTimeout()})
     * @param sql the query; {@code $1, $2, ...} for the arguments
     * @param args the arguments, in order
     * @return the rows, in the server's order (empty if none)
     * @throws io.jasyncio.TimeoutError the time ran out (the query is cancelled on the server)
     */
    @SuppressWarnings("unchecked")
    public List<Record> fetch(Duration timeout, String sql, Object... args) {
        return (List<Record>) s().query(sql, args, QueryRequest.ROWS, seconds(timeout));
    }

    /**
     * Runs {@code sql} and returns its first row, or null if none (the server stops after one row).
     *
     * @param sql the query; {@code $1, $2, ...} for the arguments
     * @param args the arguments, in order
     * @return the first row, or null; asyncpg's {@code fetchrow()}
     */
    public Record fetchrow(String sql, Object... args) {
        return (Record) s().query(sql, args, QueryRequest.ROW, null);
    }

    /**
     * {@link #fetchrow(String, Object...)} within {@code timeout}.
     *
     * @param timeout at most this long (null: {@link ConnectOptions#commandTimeout()})
     * @param sql the query; {@code $1, $2, ...} for the arguments
     * @param args the arguments, in order
     * @return the first row, or null
     * @throws io.jasyncio.TimeoutError the time ran out (the query is cancelled on the server)
     */
    public Record fetchrow(Duration timeout, String sql, Object... args) {
        return (Record) s().query(sql, args, QueryRequest.ROW, seconds(timeout));
    }

    /**
     * Runs {@code sql} and returns the first column of its first row (null if no row or NULL).
     *
     * @param <T> the value's Java type (see {@link io.jasyncio.pg.types.Codecs}); a wrong one fails at the caller's
     *     cast
     * @param sql the query; {@code $1, $2, ...} for the arguments
     * @param args the arguments, in order
     * @return the value, or null; asyncpg's {@code fetchval()}
     */
    @SuppressWarnings("unchecked")
    public <T> T fetchval(String sql, Object... args) {
        return (T) s().query(sql, args, QueryRequest.VALUE, null);
    }

    /**
     * {@link #fetchval(String, Object...)} within {@code timeout}.
     *
     * @param <T> the value's Java type
     * @param timeout at most this long (null: {@link ConnectOptions#commandTimeout()})
     * @param sql the query; {@code $1, $2, ...} for the arguments
     * @param args the arguments, in order
     * @return the value, or null
     * @throws io.jasyncio.TimeoutError the time ran out (the query is cancelled on the server)
     */
    @SuppressWarnings("unchecked")
    public <T> T fetchval(Duration timeout, String sql, Object... args) {
        return (T) s().query(sql, args, QueryRequest.VALUE, seconds(timeout));
    }

    /**
     * Runs {@code sql} once per row of {@code rows} (each a List, an Object[] or a Record) as one batch: the rows
     * stream to the server as it takes them, with one Sync at the end, so they commit together or not at all
     * (asyncpg's semantics). The timeout (or {@code commandTimeout}) covers the whole batch; a timeout or a cancel
     * midway commits nothing and leaves the connection usable. An error names the failing row (0-based): a value
     * that cannot be encoded exactly, a server error by the statement that failed.
     *
     * <p>A plain {@code INSERT INTO t [(cols)] VALUES (...)} — one VALUES tuple holding every parameter, optionally
     * {@code ON CONFLICT ... DO NOTHING}, no {@code RETURNING} — is sent as multi-row INSERTs ({@code VALUES (...),
     * (...), ...}, up to 1,024 rows and PostgreSQL's 65,535 parameters a statement; a few statement sizes, each
     * prepared once and kept in the statement cache), which the server runs several times faster than one statement
     * per row (PgJDBC's {@code reWriteBatchedInserts}). The rows, their types and the atomicity are the same; what a
     * multi-row statement changes is what is per statement: {@code FOR EACH STATEMENT} triggers fire once per
     * multi-row statement, and a constraint checked at the end of a statement (a foreign key to a row of the same
     * batch) is checked after each multi-row statement. {@link ConnectOptions#withRewriteInserts} turns it off.
     * Any other statement (an UPDATE, {@code RETURNING}, {@code ON CONFLICT DO UPDATE}, which may not touch one row
     * twice in a statement) runs one Bind/Execute per row.
     *
     * @param sql one statement with {@code $1, $2, ...} parameters; asyncpg's {@code executemany()}
     * @param rows the arguments of each run, one element per row
     * @throws PostgresError the server refused a row (its index is in the message); nothing was committed
     * @throws DataError a value cannot be encoded as its parameter's type; nothing was sent for the batch
     */
    public void executemany(String sql, Iterable<?> rows) {
        s().executemany(sql, rows, null);
    }

    /**
     * {@link #executemany(String, Iterable)} within {@code timeout} (the whole batch).
     *
     * @param timeout at most this long for the whole batch (null: {@link ConnectOptions#commandTimeout()})
     * @param sql one statement with {@code $1, $2, ...} parameters
     * @param rows the arguments of each run, one element per row
     * @throws io.jasyncio.TimeoutError the time ran out; nothing was committed
     */
    public void executemany(Duration timeout, String sql, Iterable<?> rows) {
        s().executemany(sql, rows, seconds(timeout));
    }

    /**
     * Prepares {@code sql} on the server: a statement to run many times, that tells its parameter and column types.
     *
     * @param sql one statement; {@code $1, $2, ...} for its parameters
     * @return the statement, prepared once (not in the statement cache); asyncpg's {@code prepare()}
     */
    public PreparedStatement prepare(String sql) {
        return new PreparedStatement(this, s().prepareUncached(sql, null));
    }

    /**
     * A cursor over {@code sql}'s result (inside a transaction): iterate it, or fetch in batches. Nothing runs until
     * it is first used.
     *
     * @param sql the query; {@code $1, $2, ...} for the arguments
     * @param args the arguments, in order
     * @return the cursor (asyncpg's {@code cursor()}), fetching {@link Cursor#DEFAULT_PREFETCH} rows per round trip
     */
    public Cursor cursor(String sql, Object... args) {
        return cursor(Cursor.DEFAULT_PREFETCH, sql, args);
    }

    /**
     * {@link #cursor(String, Object...)} fetching {@code prefetch} rows per round trip when iterated.
     *
     * @param prefetch how many rows each round trip fetches when iterated (asyncpg's {@code prefetch})
     * @param sql the query; {@code $1, $2, ...} for the arguments
     * @param args the arguments, in order
     * @return the cursor
     */
    public Cursor cursor(int prefetch, String sql, Object... args) {
        return new Cursor(this, s().prepareUncached(sql, null), args, prefetch, true);
    }

    // ================================================================ COPY

    /**
     * Copies rows into a table with binary COPY (asyncpg's {@code copy_records_to_table}): each record a List, an
     * Object[] or a Record with a value per column, encoded by the columns' types. Returns the status
     * ("COPY 1000000"). The rows commit together; a bad value, a failing iterator or a cancelled task aborts the
     * COPY (CopyFail) and nothing is committed.
     *
     * @param table the table's name (quoted as an identifier)
     * @param records the rows, one value per column in the table's order
     * @return the status ("COPY n")
     * @throws DataError a value cannot be encoded as its column's type; nothing was committed
     */
    public String copyRecordsToTable(String table, Iterable<?> records) {
        return copyRecordsToTable(table, null, null, records);
    }

    /**
     * As {@link #copyRecordsToTable(String, Iterable)}, into {@code schema.table}'s {@code columns} (null: all).
     *
     * @param table the table's name (quoted as an identifier)
     * @param schema the table's schema (null: the search path's)
     * @param columns the columns the values are for, in order (null: every column)
     * @param records the rows, one value per column
     * @return the status ("COPY n")
     * @throws DataError a value cannot be encoded as its column's type; nothing was committed
     */
    public String copyRecordsToTable(String table, String schema, List<String> columns, Iterable<?> records) {
        Session s = s();
        String target = qualified(schema, table);
        String cols = columns == null ? "*" : quoteAll(columns);
        io.jasyncio.pg.protocol.Statement probe = s.prepareUncached("SELECT " + cols + " FROM " + target + " LIMIT 0", null);
        s.closeStatement(probe);
        io.jasyncio.pg.protocol.RowDescription d = probe.columns();
        BinaryCopy.check(d, target);
        String sql = "COPY " + target + (columns == null ? "" : " (" + cols + ")") + " FROM STDIN (FORMAT binary)";
        return s.copyIn(sql, (out, r) -> BinaryCopy.write(s, d, records, out, r), null);
    }

    /**
     * Copies data in COPY's text, CSV or binary format into a table (asyncpg's {@code copy_to_table}), reading
     * {@code source} chunk by chunk. {@code columns} null: all.
     *
     * @param table the table's name (quoted as an identifier)
     * @param columns the columns the data is for (null: every column)
     * @param source gives the data, chunk by chunk, in {@code options}' format
     * @param options COPY's options (null: the text format's defaults)
     * @return the status ("COPY n")
     */
    public String copyToTable(String table, List<String> columns, CopySource source, CopyOptions options) {
        Session s = s();
        String sql = "COPY " + qualified(null, table) + (columns == null ? "" : " (" + quoteAll(columns) + ")")
                + " FROM STDIN" + (options == null ? "" : options.sql());
        return s.copyIn(sql, (out, r) -> {
            byte[] chunk;
            while ((chunk = source.next()) != null) {
                for (int off = 0; off < chunk.length; off += 1 << 20) { // CopyData of at most 1 MiB each
                    int n = Math.min(1 << 20, chunk.length - off);
                    int at = io.jasyncio.pg.protocol.CopyInRequest.beginData(out);
                    out.putBytes(chunk, off, n);
                    out.end(at);
                    if (!s.flushCopy(out, r)) return;
                }
            }
        }, null);
    }

    /**
     * {@link #copyToTable(String, List, CopySource, CopyOptions)} into every column.
     *
     * @param table the table's name (quoted as an identifier)
     * @param source gives the data, chunk by chunk, in {@code options}' format
     * @param options COPY's options (null: the text format's defaults)
     * @return the status ("COPY n")
     */
    public String copyToTable(String table, CopySource source, CopyOptions options) {
        return copyToTable(table, null, source, options);
    }

    /**
     * Copies a query's result out in COPY's format (asyncpg's {@code copy_from_query}): {@code sink} gets each chunk
     * as it comes; the server waits while the sink is slow (bounded memory). Returns the status ("COPY n").
     *
     * @param query the query whose result is copied (without a trailing semicolon)
     * @param sink gets the data chunk by chunk, on the loop's thread
     * @param options COPY's options (null: the text format's defaults)
     * @return the status ("COPY n")
     */
    public String copyFromQuery(String query, CopySink sink, CopyOptions options) {
        return s().copyOut("COPY (" + query + ") TO STDOUT" + (options == null ? "" : options.sql()), sink, null);
    }

    /**
     * Copies a table (its {@code columns}, null: all) out in COPY's format (asyncpg's {@code copy_from_table}).
     *
     * @param table the table's name (quoted as an identifier)
     * @param columns the columns to copy (null: every column)
     * @param sink gets the data chunk by chunk, on the loop's thread
     * @param options COPY's options (null: the text format's defaults)
     * @return the status ("COPY n")
     */
    public String copyFromTable(String table, List<String> columns, CopySink sink, CopyOptions options) {
        return s().copyOut("COPY " + qualified(null, table) + (columns == null ? "" : " (" + quoteAll(columns) + ")")
                + " TO STDOUT" + (options == null ? "" : options.sql()), sink, null);
    }

    private static String qualified(String schema, String table) {
        return schema == null ? Session.quoteIdent(table) : Session.quoteIdent(schema) + "." + Session.quoteIdent(table);
    }

    private static String quoteAll(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(Session.quoteIdent(n));
        }
        return sb.toString();
    }

    // ================================================================ transactions

    /**
     * A transaction with the server's default isolation; start it, or run a body in it with {@link Transaction#run}.
     *
     * @return a transaction not yet started (asyncpg's {@code transaction()})
     */
    public Transaction transaction() {
        return new Transaction(this, null, false, false);
    }

    /**
     * A transaction with these settings (null isolation: the server's default).
     *
     * @param isolation the isolation level (null: the server's default)
     * @param readonly whether it is READ ONLY
     * @param deferrable whether it is DEFERRABLE (meaningful with SERIALIZABLE and readonly)
     * @return a transaction not yet started
     */
    public Transaction transaction(IsolationLevel isolation, boolean readonly, boolean deferrable) {
        return new Transaction(this, isolation, readonly, deferrable);
    }

    /**
     * Runs {@code body} in a transaction: committed if it returns, rolled back if it throws (the exception goes on).
     * Nested in another transaction, it is a savepoint. asyncpg's {@code async with conn.transaction():}.
     *
     * @param <T> the body's result type
     * @param body the work to run in the transaction, in the calling task
     * @return what {@code body} returned, after the commit
     */
    public <T> T transaction(Coroutine<T> body) {
        return transaction().run(body);
    }

    /**
     * Whether the session is inside a transaction (as of the last answer from the server).
     *
     * @return true while a transaction (or a failed one, not yet rolled back) is open
     */
    public boolean isInTransaction() {
        return s().proto.txStatus() != 'I';
    }

    // ================================================================ LISTEN / NOTIFY, notices

    /**
     * Listens on {@code channel} (LISTEN, the first time) and calls {@code listener} for each notification.
     *
     * @param channel the channel's name
     * @param listener called on the loop's thread with each notification (asyncpg's {@code add_listener()})
     */
    public void addListener(String channel, NotificationListener listener) {
        s().addListener(this, channel, listener);
    }

    /**
     * Stops calling {@code listener}; UNLISTEN when it was the channel's last.
     *
     * @param channel the channel's name
     * @param listener the listener given to {@link #addListener}
     */
    public void removeListener(String channel, NotificationListener listener) {
        s().removeListener(channel, listener);
    }

    /**
     * Calls {@code listener} with the server's notices and warnings.
     *
     * @param listener called on the loop's thread with each NoticeResponse (asyncpg's {@code add_log_listener()})
     */
    public void addLogListener(LogListener listener) {
        s().addLogListener(this, listener);
    }

    /**
     * Stops calling {@code listener} (asyncpg's {@code remove_log_listener()}).
     *
     * @param listener the listener given to {@link #addLogListener}
     */
    public void removeLogListener(LogListener listener) {
        s().removeLogListener(listener);
    }

    // ================================================================ types

    /**
     * Uses {@code codec} for type {@code typeName} in schema {@code public} (and arrays of it).
     *
     * @param typeName the type's name
     * @param codec encodes and decodes its values
     */
    public void setTypeCodec(String typeName, TypeCodec<?> codec) {
        setTypeCodec(typeName, "public", codec);
    }

    /**
     * Uses {@code codec} for {@code schema.typeName} (and arrays of it), replacing the built-in one if any
     * ({@code "json", "pg_catalog"} to parse JSON with your library). The statement cache is cleared.
     *
     * @param typeName the type's name
     * @param schema the type's schema
     * @param codec encodes and decodes its values (asyncpg's {@code set_type_codec()})
     */
    public void setTypeCodec(String typeName, String schema, TypeCodec<?> codec) {
        s().setTypeCodec(typeName, schema, codec);
    }

    // ================================================================ state

    /**
     * The server process serving this connection (asyncpg's {@code get_server_pid()}).
     *
     * @return the backend's process id
     */
    public int getServerPid() {
        return s().proto.backendPid();
    }

    /**
     * The server's version string ({@code server_version}, e.g. "15.20 (Debian 15.20-0+deb12u1)").
     *
     * @return the version string the server reported at startup
     */
    public String getServerVersion() {
        return s().proto.serverParameter("server_version");
    }

    /**
     * The server's run-time parameters it reported (asyncpg's {@code get_settings()}): TimeZone, DateStyle, ...
     *
     * @return the parameters' names and values, as last reported (ParameterStatus)
     */
    public Map<String, String> getSettings() {
        return s().proto.serverParameters();
    }

    /**
     * Whether the connection is closed (or lost).
     *
     * @return true once {@link #close()} or {@link #terminate()} ran, the server dropped it, or it went back to its
     *     pool
     */
    public boolean isClosed() {
        return released || session.isClosed();
    }

    /**
     * asyncpg's {@code reset()}: rolls back an open transaction, closes cursors, drops listeners, unlocks advisory
     * locks and resets session settings ({@code RESET ALL}), so the session is as new.
     */
    public void reset() {
        Session s = s();
        String sql = "SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;";
        if (s.proto.txStatus() != 'I') sql = "ROLLBACK; " + sql;
        s.topTransaction = null;
        s.clearListeners();
        s.executeScript(sql, null);
    }

    /**
     * Closes the connection: Terminate after what is in flight, then waits (at most 10 s) for the server to close.
     * A pooled connection goes back to its pool instead. Idempotent.
     */
    @Override
    public void close() {
        if (pool != null) {
            if (!released) {
                released = true;
                pool.release(session);
            }
            return;
        }
        session.close(10);
    }

    /** Closes at once, without waiting (asyncpg's {@code terminate()}); in-flight queries fail. */
    public void terminate() {
        if (pool != null) {
            if (!released) {
                released = true;
                session.terminate();
                pool.release(session);
            }
            return;
        }
        session.terminate();
    }

    static Double seconds(Duration d) {
        return d == null ? null : d.toNanos() / 1e9;
    }

    @Override
    public String toString() {
        return "Connection[" + session.options + ", pid " + session.proto.backendPid() + (isClosed() ? ", closed" : "") + "]";
    }
}
