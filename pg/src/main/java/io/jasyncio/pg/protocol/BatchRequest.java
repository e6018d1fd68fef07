package io.jasyncio.pg.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * executemany: a stream of Bind/Execute pairs — one per row, or one per multi-row INSERT — closed by a single Sync,
 * so the server runs the whole batch as one implicit transaction (all rows or none, as asyncpg's). The caller
 * writes the rows as the transport drains ({@link PgProtocol#beginStream}); the results (a BindComplete and
 * CommandComplete per statement) are only counted. Multi-row statements the batch needs first are made inside the
 * stream (Parse with the parameter types named, no round trip); which of them the server made is known at the
 * batch's ReadyForQuery ({@link #onReady}): after an error the server skips the rest, Parses included.
 *
 * <p>Threading: the connection's loop thread only.
 */
public final class BatchRequest extends Request<Void> {
    private static final String ABORT_PORTAL = "__jasyncio_abort__";

    private final List<Statement> parsed = new ArrayList<>();
    private int parseCompletes;
    private int commands;
    private Runnable onReady;

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

    /** Writes a Parse of {@code st}, made for this batch (see {@link #parsed}). */
    public void parse(Statement st, MessageBuffer out) {
        st.writeParse(out);
        parsed.add(st);
    }

    /** Writes a Bind of {@code st} with arguments already encoded ({@link Statement#bindEncoded}), and its Execute. */
    public void bindExecute(Statement st, MessageBuffer values, int from, int to, MessageBuffer out) {
        st.bindEncoded(out, values, from, to);
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

    /** The statements this batch sent a Parse for, in order. */
    public List<Statement> parsed() {
        return parsed;
    }

    /** How many of {@link #parsed} the server made (the first ones: it skips the rest after an error). */
    public int parsedOk() {
        return parseCompletes;
    }

    /** How many statements ran to completion: at an error, the index of the one that failed. */
    public int commandsCompleted() {
        return commands;
    }

    /** Runs {@code hook} at the batch's ReadyForQuery, also if its caller was cancelled meanwhile. */
    public void onReady(Runnable hook) {
        onReady = hook;
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
    protected void parseComplete() {
        parseCompletes++;
    }

    @Override
    protected void commandComplete(byte[] b, int off, int len) {
        commands++;
    }

    @Override
    protected void rowDescription(byte[] b, int off, int len) {}

    @Override
    protected void dataRow(byte[] b, int off, int len) {}

    @Override
    protected void portalSuspended() {}

    @Override
    protected void ready(char txStatus) {
        Runnable h = onReady;
        onReady = null;
        if (h != null) h.run();
        super.ready(txStatus);
    }

    @Override
    protected Void outcome() {
        return null;
    }
}
