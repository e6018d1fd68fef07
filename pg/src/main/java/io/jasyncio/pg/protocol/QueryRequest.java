package io.jasyncio.pg.protocol;

import io.jasyncio.pg.Record;
import io.jasyncio.pg.ResultTooLargeError;
import java.util.ArrayList;
import java.util.List;

/**
 * Bind/Execute/Sync of a prepared statement with its arguments: the hot path. What it keeps of the result depends
 * on its mode: every row (fetch), the first row (fetchrow, Execute limited to one row as asyncpg does), the first
 * column of the first row decoded straight from the read buffer (fetchval), or the command tag (execute).
 *
 * <p>Threading: the connection's loop thread only.
 */
public final class QueryRequest extends Request<Object> {
    public static final int ROWS = 0, ROW = 1, VALUE = 2, STATUS = 3;

    private final Statement st;
    private final Object[] args;
    private final int mode;
    private final boolean closeAfter;
    private ArrayList<Record> rows;
    private Object value;
    private boolean gotRow;
    private String status;
    private long bytes;
    private boolean tooLarge;
    /** The group it was sent in under one Sync, if any ({@link SyncGroup}). */
    SyncGroup group;
    /** Sent again on its own after its group failed: never grouped again. */
    boolean solo;

    /**
     * @param closeAfter close the statement on the server after it runs (a statement that is not cached)
     */
    public QueryRequest(PgProtocol proto, Statement st, Object[] args, int mode, boolean closeAfter) {
        super(proto);
        this.st = st;
        this.args = args;
        this.mode = mode;
        this.closeAfter = closeAfter;
    }

    public Statement statement() {
        return st;
    }

    @Override
    protected void encode(MessageBuffer out) {
        encodeBody(out);
        if (closeAfter) Statement.close(out, 'S', st.name);
        Statement.sync(out);
    }

    /** Bind and Execute, without the Sync: a {@link SyncGroup} ends several of these with one. */
    void encodeBody(MessageBuffer out) {
        st.bind(out, "", args, proto.types);
        Statement.execute(out, "", mode == ROW || mode == VALUE ? 1 : 0);
    }

    /** Whether it may share a Sync with other queries: see {@link SyncGroup}. */
    boolean groupable() {
        return !closeAfter && !solo && st.groupable;
    }

    /** Forgets what its group's rolled-back run received, before it is sent again on its own. */
    void reset() {
        rows = null;
        value = null;
        gotRow = false;
        status = null;
        bytes = 0;
        tooLarge = false;
        error = null;
        group = null;
        solo = true;
        flushed = false;
    }

    @Override
    protected void dataRow(byte[] b, int off, int len) {
        RowDescription desc = st.columns;
        if (desc == null) throw unexpected("DataRow");
        switch (mode) {
            case ROWS -> {
                if (tooLarge) return;
                bytes += len;
                if (bytes > proto.maxResultSize) {
                    tooLarge = true;
                    rows = null;
                    return;
                }
                if (rows == null) rows = new ArrayList<>();
                rows.add(proto.record(desc, b, off, len));
            }
            case ROW -> {
                if (!gotRow) {
                    gotRow = true;
                    value = proto.record(desc, b, off, len);
                }
            }
            case VALUE -> {
                if (gotRow) return;
                gotRow = true;
                if (desc.size() == 0 || len < 6) return;
                int l = Bytes.getInt(b, off + 2);
                if (l < 0) return;
                if (l > len - 6) throw new ProtocolViolation("DataRow value longer than the row");
                value = desc.codecs[0].decode(b, off + 6, l, proto.types);
            }
            default -> { }
        }
    }

    @Override
    protected void commandComplete(byte[] b, int off, int len) {
        if (mode == STATUS) status = Bytes.cstring(b, off, off + len);
    }

    @Override
    protected void portalSuspended() {} // the one row fetchrow and fetchval asked for

    @Override
    protected void emptyQuery() {}

    @Override
    protected void ready(char txStatus) {
        if (tooLarge && error == null && !done()) {
            setException(new ResultTooLargeError("the result of \"" + Statement.brief(st.sql) + "\" is over "
                    + proto.maxResultSize + " bytes (ConnectOptions.maxResultSize): read it with a cursor, which streams "
                    + "it in bounded memory, or raise the bound"));
            return;
        }
        super.ready(txStatus);
    }

    @Override
    protected Object outcome() {
        return switch (mode) {
            case ROWS -> rows == null ? List.of() : rows;
            case STATUS -> status;
            default -> value;
        };
    }
}
