package io.jasyncio.pg.protocol;

/**
 * executemany: a stream of Bind/Execute pairs, one per row, closed by a single Sync, so the server runs the whole
 * batch as one implicit transaction (all rows or none, as asyncpg's). The caller writes the rows as the transport
 * drains ({@link PgProtocol#beginStream}); the results (a BindComplete and CommandComplete per row) are only
 * counted.
 *
 * <p>Threading: the connection's loop thread only.
 */
public final class BatchRequest extends Request<Void> {
    private static final String ABORT_PORTAL = "__jasyncio_abort__";

    public BatchRequest(PgProtocol proto) {
        super(proto);
    }

    @Override
    protected void encode(MessageBuffer out) {
        throw new IllegalStateException("a batch writes itself");
    }

    /** Writes one row's Bind and Execute. */
    public void bindExecute(Statement st, Object[] args, MessageBuffer out) {
        st.bind(out, "", args, proto.types);
        Statement.execute(out, "", 0);
    }

    /** Writes the Sync that ends the batch. */
    public void finish(MessageBuffer out) {
        Statement.sync(out);
    }

    /** Whether the server has already refused a row. */
    public boolean failed() {
        return error != null;
    }

    /**
     * Ends a batch abandoned midway: Describe of a portal that does not exist is an error, which rolls the implicit
     * transaction back at the Sync, so the rows already sent do not commit.
     */
    public static void abort(MessageBuffer out) {
        int at = out.begin('D');
        out.putByte('P');
        out.putCString(ABORT_PORTAL);
        out.end(at);
        Statement.sync(out);
    }

    @Override
    protected void rowDescription(byte[] b, int off, int len) {}

    @Override
    protected void dataRow(byte[] b, int off, int len) {}

    @Override
    protected void portalSuspended() {}

    @Override
    protected Void outcome() {
        return null;
    }
}
