package io.jasyncio.pg.protocol;

import io.jasyncio.Future;

/**
 * COPY ... FROM STDIN, as a simple Query: the server answers CopyInResponse, then reads CopyData until CopyDone
 * (or CopyFail), and completes with the command tag ("COPY 1000000"). The caller streams the data
 * ({@link PgProtocol#beginStream}); {@link #started()} tells it when the server is ready for it.
 *
 * <p>Threading: the connection's loop thread only.
 */
public final class CopyInRequest extends SimpleQuery {
    private final Future<Boolean> started;

    public CopyInRequest(PgProtocol proto) {
        super(proto, null);
        started = proto.loop.createFuture();
    }

    @Override
    protected void encode(MessageBuffer out) {
        throw new IllegalStateException("a COPY writes itself");
    }

    /** Writes the COPY command. */
    public static void query(MessageBuffer out, String sql) {
        SimpleQuery.query(out, sql);
    }

    /** Completes with true when the server is in COPY IN mode, false if the command failed (the request says why). */
    public Future<Boolean> started() {
        return started;
    }

    /** Starts a CopyData message; {@link MessageBuffer#end} it after its bytes. */
    public static int beginData(MessageBuffer out) {
        return out.begin('d');
    }

    public static void done(MessageBuffer out) {
        out.putByte('c');
        out.putInt(4);
    }

    public static void fail(MessageBuffer out, String why) {
        int at = out.begin('f');
        out.putCString(why.replace('\0', ' '));
        out.end(at);
    }

    @Override
    protected void copyInResponse(byte[] b, int off, int len) {
        if (!started.done()) started.setResult(true);
    }

    @Override
    protected void ready(char txStatus) {
        if (!started.done()) started.setResult(false);
        super.ready(txStatus);
    }

    @Override
    protected void lost(RuntimeException e) {
        if (!started.done()) started.setException(e);
        super.lost(e);
    }
}
