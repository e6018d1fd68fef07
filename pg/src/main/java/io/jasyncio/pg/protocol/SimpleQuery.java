package io.jasyncio.pg.protocol;

/**
 * A simple Query ('Q'): one or more SQL commands separated by semicolons, no arguments, text results (dropped).
 * asyncpg's {@code execute(script)}. Completes with the last command's tag ("CREATE TABLE", "INSERT 0 1", ...).
 * The COPY requests are simple queries too, with the copy's own messages on top.
 *
 * <p>Threading: the connection's loop thread only.
 */
public class SimpleQuery extends Request<String> {
    private final String sql;
    private String status;

    public SimpleQuery(PgProtocol proto, String sql) {
        super(proto);
        this.sql = sql;
    }

    @Override
    protected void encode(MessageBuffer out) {
        query(out, sql);
    }

    /** Writes a Query message. */
    static void query(MessageBuffer out, String sql) {
        int at = out.begin('Q');
        out.putCString(sql);
        out.end(at);
    }

    @Override
    protected void rowDescription(byte[] b, int off, int len) {}

    @Override
    protected void dataRow(byte[] b, int off, int len) {}

    @Override
    protected void commandComplete(byte[] b, int off, int len) {
        status = Bytes.cstring(b, off, off + len);
    }

    @Override
    protected final String outcome() {
        return status;
    }
}
