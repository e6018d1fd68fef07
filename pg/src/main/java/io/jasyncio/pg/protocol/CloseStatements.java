package io.jasyncio.pg.protocol;

import java.util.List;

/**
 * Close of several statements, with a Sync of its own (so an error in the next request cannot skip them): how a
 * connection drops the server-side statements its cache retired.
 *
 * <p>Threading: the connection's loop, as every {@link Request}.
 */
public final class CloseStatements extends Request<Void> {
    private final List<String> names;

    public CloseStatements(PgProtocol proto, List<String> names) {
        super(proto);
        this.names = names;
    }

    @Override
    protected void encode(MessageBuffer out) {
        for (String n : names) {
            int at = out.begin('C');
            out.putByte('S');
            out.putCString(n);
            out.end(at);
        }
        out.putByte('S');
        out.putInt(4);
    }

    @Override
    protected Void outcome() {
        return null;
    }

    @Override
    protected void ready(char txStatus) {
        if (!done()) setResult(null); // nobody awaits it; an error closing a statement is of no interest
    }

    @Override
    protected void lost(RuntimeException e) {
        if (!done()) setResult(null);
    }
}
