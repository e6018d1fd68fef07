package io.jasyncio.pg.protocol;

import io.jasyncio.pg.PostgresError;
import java.util.ArrayList;

/**
 * Queries of several tasks sent in one loop turn under one Sync: Bind/Execute for each, then a single Sync, so the
 * server ends one implicit transaction and sends (and flushes) one ReadyForQuery for all of them instead of one
 * each. On a busy pipelined connection that is most of the server's work per query for a small statement. Only
 * on a connection made with {@code ConnectOptions.withGroupReads(true)}: off by default (the costs below).
 *
 * <p><b>Isolation.</b> One Sync makes the group one implicit transaction: when a query fails, the server skips the
 * rest of the group and rolls back what the earlier ones did. So only queries that cannot change the transaction
 * status are grouped ({@link Statement#groupable}: a SELECT or VALUES without INTO or a locking clause, on an idle
 * connection), and an error keeps to its query: the query that failed gets its own error, and every other member
 * still waiting is sent again on its own, each with its own Sync ({@link QueryRequest#solo}) — so the queries of
 * other tasks see what they would have seen had each had its own Sync. An error that names no member (at the
 * commit) sends them all again. The caveat of a re-run: a SELECT that calls a function with effects outside the
 * transaction (a sequence's nextval, an advisory lock) runs those twice when another query of its group fails.
 *
 * <p><b>Latency.</b> The server sends its answers when its output buffer fills or at the Sync, so a group's first
 * answers wait for its last query: a quick read queued in the same turn as a slow one (and before it) is answered
 * when the slow one ends, where its own Sync would have answered it at once. At most {@link #MAX_MEMBERS} queries
 * share a Sync.
 *
 * <p><b>Cancellation.</b> A member cancelled before the group is written is taken out of the buffer when it is the
 * last member; one already sent runs to its end and its result is dropped (a CancelRequest would stop whichever
 * member the server runs at that moment), unless every member was cancelled: then the group is cancelled as one
 * request (see {@link PgProtocol}).
 *
 * <p>Threading: the connection's loop thread only.
 */
final class SyncGroup extends Request<Void> {
    /**
     * The most queries under one Sync: the group's reads hold their locks, and its first answers wait for its last
     * one, until the group's end.
     */
    static final int MAX_MEMBERS = 64;

    final ArrayList<QueryRequest> members = new ArrayList<>(4);
    /** The member the server's next message is about: each one ends at its CommandComplete or PortalSuspended. */
    private int current;
    /** The member the server reported an error for (-1: none; members.size(): after the last one, at the commit). */
    private int failed = -1;

    SyncGroup(PgProtocol proto) {
        super(proto);
    }

    @Override
    protected void encode(MessageBuffer out) {
        throw new IllegalStateException("a SyncGroup is formed in the output buffer, not encoded");
    }

    @Override
    protected Void outcome() {
        return null;
    }

    private QueryRequest member(String what) {
        if (current >= members.size()) throw unexpected(what + " after the group's last query");
        return members.get(current);
    }

    @Override
    protected void bindComplete() {
        member("BindComplete").bindComplete();
    }

    @Override
    protected void dataRow(byte[] b, int off, int len) {
        member("DataRow").dataRow(b, off, len);
    }

    @Override
    protected void noData() {
        member("NoData").noData();
    }

    @Override
    protected void commandComplete(byte[] b, int off, int len) {
        member("CommandComplete").commandComplete(b, off, len);
        current++;
    }

    @Override
    protected void portalSuspended() {
        member("PortalSuspended").portalSuspended();
        current++;
    }

    @Override
    protected void emptyQuery() {
        member("EmptyQueryResponse").emptyQuery();
        current++;
    }

    @Override
    protected void error(PostgresError e) {
        if (failed >= 0) return;
        failed = current;
        if (current < members.size()) members.get(current).error(e);
        else if (error == null) error = e;
    }

    @Override
    protected void clientError(RuntimeException e) {
        if (current < members.size()) members.get(current).clientError(e);
        else super.clientError(e);
    }

    @Override
    protected void ready(char txStatus) {
        if (failed < 0 || members.size() == 1) {
            if (failed >= members.size() && members.size() == 1) members.get(0).error((PostgresError) error);
            for (QueryRequest m : members) m.ready(txStatus);
        } else {
            // The group's transaction was rolled back: only the member that failed keeps its outcome.
            for (int i = 0; i < members.size(); i++) {
                QueryRequest m = members.get(i);
                if (i == failed) m.ready(txStatus);
                else if (!m.done()) proto.resubmitSolo(m);
            }
        }
        if (!done()) setResult(null);
    }

    @Override
    protected void lost(RuntimeException e) {
        for (QueryRequest m : members) m.lost(e);
        super.lost(e);
    }
}
