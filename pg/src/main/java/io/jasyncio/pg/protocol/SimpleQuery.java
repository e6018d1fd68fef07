package io.jasyncio.pg.protocol;

/**
 * A simple Query ('Q'): one or more SQL commands separated by semicolons, no arguments, text results (dropped).
 * asyncpg's {@code execute(script)}. Completes with the last command's tag ("CREATE TABLE", "INSERT 0 1", ...).
 *
 * <p>Threading: the connection's loop thread only.
 */
public final class SimpleQuery extends Request<String> {
    private final String sql;
    private String status;

    public SimpleQuery(PgProtocol proto, String sql) {
        super(proto);
        this.sql = sql;
    }

    @Override
    protected void encode(MessageBuffer out) {
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
    protected String outcome() {
        return status;
    }
}
