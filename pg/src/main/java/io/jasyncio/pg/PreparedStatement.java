package io.jasyncio.pg;

import io.jasyncio.pg.protocol.QueryRequest;
import io.jasyncio.pg.protocol.RowDescription;
import io.jasyncio.pg.protocol.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A statement prepared on the server by {@link Connection#prepare} (asyncpg's {@code PreparedStatement}): run it
 * many times with different arguments; it knows its parameter and result types. It is not in the connection's
 * statement cache: {@link #close()} deallocates it (or it lives as long as the session).
 *
 * <p>Threading: the connection's loop thread only.
 */
public final class PreparedStatement implements AutoCloseable {
    private final Connection conn;
    private final Statement st;

    PreparedStatement(Connection conn, Statement st) {
        this.conn = conn;
        this.st = st;
    }

    /**
     * The SQL it was prepared from.
     *
     * @return the SQL
     */
    public String getQuery() {
        return st.sql;
    }

    /**
     * Its parameters' type OIDs (see {@link io.jasyncio.pg.types.Oid}).
     *
     * @return one OID per parameter, in order
     */
    public int[] getParameterTypes() {
        return st.paramOids();
    }

    /**
     * Its result columns' names (empty if it returns no rows).
     *
     * @return one name per column
     */
    public List<String> getColumnNames() {
        RowDescription d = st.columns();
        return d == null ? List.of() : List.of(d.names);
    }

    /**
     * Its result columns' type OIDs.
     *
     * @return one OID per column
     */
    public List<Integer> getColumnTypes() {
        RowDescription d = st.columns();
        List<Integer> r = new ArrayList<>();
        if (d != null) for (int o : d.typeOids) r.add(o);
        return r;
    }

    /**
     * Runs it and returns every row (asyncpg's {@code PreparedStatement.fetch()}).
     *
     * @param args the arguments, in order
     * @return the rows
     */
    @SuppressWarnings("unchecked")
    public List<Record> fetch(Object... args) {
        return (List<Record>) run(args, QueryRequest.ROWS, null);
    }

    /**
     * {@link #fetch(Object...)} within {@code timeout}.
     *
     * @param timeout at most this long (null: {@link ConnectOptions#commandTimeout()})
     * @param args the arguments, in order
     * @return the rows
     * @throws io.jasyncio.TimeoutError the time ran out (the query is cancelled on the server)
     */
    @SuppressWarnings("unchecked")
    public List<Record> fetch(Duration timeout, Object... args) {
        return (List<Record>) run(args, QueryRequest.ROWS, timeout);
    }

    /**
     * Runs it and returns the first row (asyncpg's {@code fetchrow()}).
     *
     * @param args the arguments, in order
     * @return the first row, or null
     */
    public Record fetchrow(Object... args) {
        return (Record) run(args, QueryRequest.ROW, null);
    }

    /**
     * Runs it and returns the first column of the first row (asyncpg's {@code fetchval()}).
     *
     * @param <T> the value's Java type
     * @param args the arguments, in order
     * @return the value, or null
     */
    @SuppressWarnings("unchecked")
    public <T> T fetchval(Object... args) {
        return (T) run(args, QueryRequest.VALUE, null);
    }

    /**
     * Runs it and returns the command tag.
     *
     * @param args the arguments, in order
     * @return the command tag
     */
    public String execute(Object... args) {
        return (String) run(args, QueryRequest.STATUS, null);
    }

    /**
     * Runs it once per row, as one batch (see {@link Connection#executemany}).
     *
     * @param rows the arguments of each run
     */
    public void executemany(Iterable<?> rows) {
        conn.s().executemany(st, rows, null);
    }

    /**
     * A cursor over its result for these arguments (in a transaction; closing this statement closes it).
     *
     * @param args the arguments, in order
     * @return the cursor, not yet opened
     */
    public Cursor cursor(Object... args) {
        return new Cursor(conn, st, args, Cursor.DEFAULT_PREFETCH, false);
    }

    private Object run(Object[] args, int mode, Duration timeout) {
        if (st.closed()) throw new InterfaceError("the prepared statement is closed");
        return conn.s().run(st, args, mode, Connection.seconds(timeout));
    }

    /** Deallocates it on the server (queued ahead of the connection's next request). */
    @Override
    public void close() {
        if (!st.closed() && !conn.isClosed()) conn.s().closeStatement(st);
    }
}
