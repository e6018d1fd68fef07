package io.jasyncio.pg.protocol;

import io.jasyncio.Future;
import io.jasyncio.pg.PostgresError;

/**
 * One unit of work on the wire, ending with the server's ReadyForQuery: a query (Bind/Execute/Sync), a prepare
 * (Parse/Describe/Sync), a simple query, a batch, a COPY. It is the future its caller awaits: the protocol hands it
 * the backend messages that answer it, in order, and it completes at its ReadyForQuery — with its result, or with
 * the first error the server sent for it.
 *
 * <p>Cancelling it (a cancelled task cancels what it awaits) completes it at once as cancelled, and tells the
 * protocol, which asks the server to stop it (see {@link PgProtocol}); the messages still coming for it are read
 * and dropped.
 *
 * <p>Threading: the connection's loop thread only.
 */
public abstract class Request<T> extends Future<T> {
    protected final PgProtocol proto;
    /** The first error for this request: one the server sent, or a value that could not be decoded. */
    protected RuntimeException error;
    /** Where this request's bytes start and end in the protocol's output buffer, until they are flushed. */
    int outStart, outEnd;
    /** Whether its bytes have been handed to the transport. */
    boolean flushed;

    protected Request(PgProtocol proto) {
        super(proto.loop);
        this.proto = proto;
    }

    /** Writes this request's messages, ending with Sync (one that streams its own is begun with {@link PgProtocol#beginStream}). */
    protected abstract void encode(MessageBuffer out);

    /** The result, at ReadyForQuery when no error came (Future.result() is what callers see). */
    protected abstract T outcome();

    // ---------------------------------------------------------------- backend messages (defaults: unexpected)

    protected void parseComplete() {}

    protected void bindComplete() {}

    protected void closeComplete() {}

    protected void parameterDescription(byte[] b, int off, int len) {
        throw unexpected("ParameterDescription");
    }

    protected void rowDescription(byte[] b, int off, int len) {
        throw unexpected("RowDescription");
    }

    protected void noData() {}

    protected void dataRow(byte[] b, int off, int len) {
        throw unexpected("DataRow");
    }

    protected void commandComplete(byte[] b, int off, int len) {}

    protected void emptyQuery() {}

    protected void portalSuspended() {
        throw unexpected("PortalSuspended");
    }

    /** COPY FROM STDIN run as a query: refused (see {@link PgProtocol#refuseCopyIn}). */
    protected void copyInResponse(byte[] b, int off, int len) {
        proto.refuseCopyIn(this);
    }

    /** COPY TO STDOUT run as a query: its data is read and dropped. */
    protected void copyOutResponse(byte[] b, int off, int len) {}

    protected void copyData(byte[] b, int off, int len) {}

    protected void copyDone() {}

    /** An ErrorResponse for this request: the server now skips to the Sync, and ReadyForQuery follows. */
    protected void error(PostgresError e) {
        if (error == null) error = e;
    }

    /**
     * A message for this request could not be handled on our side (a value that does not decode): the request fails
     * with {@code e} at its ReadyForQuery; the stream itself is intact, so the connection goes on.
     */
    protected void clientError(RuntimeException e) {
        if (error == null) error = e;
    }

    /** ReadyForQuery: this request is over. Completes it, unless it was cancelled meanwhile. */
    protected void ready(char txStatus) {
        if (done()) return;
        if (error != null) setException(error);
        else setResult(outcome());
    }

    /** The connection broke before this request's ReadyForQuery. */
    protected void lost(RuntimeException e) {
        if (!done()) setException(e);
    }

    protected final ProtocolViolation unexpected(String what) {
        return new ProtocolViolation("unexpected " + what + " for " + getClass().getSimpleName());
    }

    @Override
    public boolean cancel(String msg) {
        if (!super.cancel(msg)) return false;
        proto.requestCancelled(this);
        return true;
    }
}
