package io.jasyncio.pg;

import io.jasyncio.pg.protocol.PortalRequest;
import io.jasyncio.pg.protocol.Statement;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A server-side cursor over a query's result (asyncpg's {@code Cursor}): rows come in batches, so a result of any
 * size is read in bounded memory. Iterate it ({@code for (Record r : conn.cursor(sql))}: batches of
 * {@code prefetch} rows, 50 by default), or call {@link #fetch(int)}, {@link #fetchrow()} and {@link #forward(int)}.
 * Like asyncpg's, it must be used inside a transaction (a portal lives until the transaction ends), and closes with
 * it; {@link #close()} frees it earlier.
 *
 * <p>Threading: the connection's loop thread only; iteration suspends the calling task while a batch is fetched.
 */
public final class Cursor implements Iterable<Record>, AutoCloseable {
    static final int DEFAULT_PREFETCH = 50;
    private final Connection conn;
    private final Statement st;
    private final Object[] args;
    private final int prefetch;
    private String portal;
    private boolean exhausted;
    private boolean closed;

    /** Whether the statement was prepared for this cursor alone (closing a statement closes its portals). */
    private final boolean ownsStatement;

    Cursor(Connection conn, Statement st, Object[] args, int prefetch, boolean ownsStatement) {
        this.ownsStatement = ownsStatement;
        if (prefetch < 1) throw new IllegalArgumentException("prefetch must be at least 1, got " + prefetch);
        this.conn = conn;
        this.st = st;
        this.args = args;
        this.prefetch = prefetch;
    }

    /** Binds the portal, fetching {@code n} rows in the same round trip. */
    private List<Record> open(int n) {
        Session s = conn.s();
        if (s.proto.txStatus() == 'I') {
            throw new InterfaceError("a cursor can only be used inside a transaction (its portal ends with the "
                    + "transaction): wrap it in conn.transaction(() -> ...)");
        }
        portal = "__jasyncio_portal_" + (++s.portals);
        return step(args, n, false);
    }

    private List<Record> step(Object[] bindArgs, int n, boolean close) {
        Session s = conn.s();
        PortalRequest r = new PortalRequest(s.proto, st, bindArgs, portal, n, close);
        s.submit(r);
        List<Record> rows = s.await(r, null);
        if (n > 0 && !r.suspended()) exhausted = true;
        return rows;
    }

    /**
     * The next {@code n} rows (fewer at the end; none when exhausted).
     *
     * @param n how many rows, at least 1
     * @return the rows; empty once exhausted
     */
    public List<Record> fetch(int n) {
        if (n < 1) throw new IllegalArgumentException("n must be at least 1, got " + n);
        if (closed) throw new InterfaceError("the cursor is closed");
        if (portal == null) return open(n);
        if (exhausted) return List.of();
        return step(null, n, false);
    }

    /**
     * The next row, or null at the end.
     *
     * @return the row, or null
     */
    public Record fetchrow() {
        List<Record> r = fetch(1);
        return r.isEmpty() ? null : r.get(0);
    }

    /**
     * Skips {@code n} rows; returns how many were skipped (MOVE FORWARD).
     *
     * @param n how many rows to skip, at least 1
     * @return how many were skipped (fewer than {@code n} at the end)
     */
    public int forward(int n) {
        if (n < 1) throw new IllegalArgumentException("n must be at least 1, got " + n);
        if (closed) throw new InterfaceError("the cursor is closed");
        if (portal == null) {
            open(0); // bind only
            exhausted = false;
        }
        String status = conn.s().executeScript("MOVE FORWARD " + n + " IN " + Session.quoteIdent(portal), null);
        int moved = Integer.parseInt(status.substring(status.lastIndexOf(' ') + 1));
        if (moved < n) exhausted = true;
        return moved;
    }

    /** Iterates the remaining rows, fetching {@code prefetch} at a time. */
    @Override
    public Iterator<Record> iterator() {
        return new Iterator<>() {
            private final ArrayDeque<Record> batch = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                if (batch.isEmpty() && !closed && !(portal != null && exhausted)) batch.addAll(fetch(prefetch));
                return !batch.isEmpty();
            }

            @Override
            public Record next() {
                if (!hasNext()) throw new NoSuchElementException();
                return batch.pollFirst();
            }
        };
    }

    /** Closes the portal on the server (if the transaction has not already). Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (conn.isClosed()) return;
        try {
            if (portal != null && conn.s().proto.txStatus() == 'T') step(null, 0, true);
        } finally {
            if (ownsStatement) conn.s().closeStatement(st);
        }
    }
}
