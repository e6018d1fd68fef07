package io.jasyncio.pg.protocol;

import io.jasyncio.pg.Record;
import io.jasyncio.pg.ResultTooLargeError;
import java.util.ArrayList;
import java.util.List;

/**
 * A cursor's step on a named portal: Bind (the first time), Execute with a row limit, Close (the last time), each
 * ended by Sync. Within a transaction a named portal outlives the Sync, so each step is one round trip for at most
 * {@code limit} rows: a large result streams in bounded memory.
 *
 * <p>Threading: the connection's loop thread only.
 */
public final class PortalRequest extends Request<List<Record>> {
    private final Statement st;
    private final Object[] bindArgs;
    private final String portal;
    private final int limit;
    private final boolean close;
    private ArrayList<Record> rows;
    private long bytes;
    private boolean suspended;
    private boolean tooLarge;

    /**
     * @param bindArgs arguments to Bind the portal with first, or null if it is bound
     * @param limit rows to fetch (0: none)
     * @param close close the portal after
     */
    public PortalRequest(PgProtocol proto, Statement st, Object[] bindArgs, String portal, int limit, boolean close) {
        super(proto);
        this.st = st;
        this.bindArgs = bindArgs;
        this.portal = portal;
        this.limit = limit;
        this.close = close;
    }

    @Override
    protected void encode(MessageBuffer out) {
        if (bindArgs != null) st.bind(out, portal, bindArgs, proto.types);
        if (limit > 0) Statement.execute(out, portal, limit);
        if (close) Statement.close(out, 'P', portal);
        Statement.sync(out);
    }

    @Override
    protected void dataRow(byte[] b, int off, int len) {
        if (st.columns == null) throw unexpected("DataRow");
        bytes += len;
        if (tooLarge) return;
        if (bytes > proto.maxResultSize) {
            tooLarge = true;
            rows = null;
            return;
        }
        if (rows == null) rows = new ArrayList<>();
        rows.add(proto.record(st.columns, b, off, len));
    }


    @Override
    protected void portalSuspended() {
        suspended = true;
    }

    /** Whether the portal has more rows (the server stopped at the limit). */
    public boolean suspended() {
        return suspended;
    }

    @Override
    protected void ready(char txStatus) {
        if (tooLarge && error == null && !done()) {
            setException(new ResultTooLargeError("one cursor fetch of " + limit + " rows is over " + proto.maxResultSize
                    + " bytes (ConnectOptions.maxResultSize): fetch fewer rows at a time"));
            return;
        }
        super.ready(txStatus);
    }

    @Override
    protected List<Record> outcome() {
        return rows == null ? List.of() : rows;
    }
}
