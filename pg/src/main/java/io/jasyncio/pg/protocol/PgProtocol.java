package io.jasyncio.pg.protocol;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.pg.ConnectionDoesNotExistError;
import io.jasyncio.pg.PostgresError;
import io.jasyncio.pg.ProtocolError;
import io.jasyncio.pg.Record;
import io.jasyncio.pg.ServerMessage;
import io.jasyncio.pg.types.Types;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.BufferedProtocol;
import io.jasyncio.transport.Transport;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL's frontend/backend protocol v3 on a jasyncio transport: frames backend messages out of its own read
 * buffer (the transport reads straight into it; messages are decoded where they lie, and only the rows a caller
 * keeps are copied out), writes frontend messages into one reused buffer, and keeps the {@link Request}s in wire
 * order, each ending at its ReadyForQuery.
 *
 * <p><b>Pipelining.</b> A request's messages are encoded when it is submitted; they go out at once when nothing is
 * in flight, else with whatever else is submitted in the same loop turn, in one write (a callback at the end of
 * the turn). So 32 tasks querying one connection put 32 Bind/Execute groups on the wire together, and the
 * server answers them in order. Each request has its own Sync, so one failing does not affect the others — except,
 * when the connection asked for it (ConnectOptions.withGroupReads), reads queued in the same turn on an idle
 * connection, which share one Sync ({@link SyncGroup}: one transaction
 * and one ReadyForQuery for the server instead of one per query), with the same isolation kept by sending the
 * others again on their own when one of them fails.
 *
 * <p><b>Cancellation.</b> A request cancelled before its bytes left is dropped from the buffer if nothing was
 * queued after it. One already on the wire is stopped with a CancelRequest on a side connection — which stops
 * whatever the server runs when it arrives — so only when that can only be this request: nothing was sent after
 * it, and it is the one the server runs (the requests ahead of it have been answered; until then the cancel waits).
 * From the cancel on, nothing more is sent until the server has closed the side connection (the signal was
 * delivered) and the cancelled request's ReadyForQuery has come; a signal that came while the backend was still
 * reading the request's messages is ignored by PostgreSQL, so while the request runs on, the cancel is sent again
 * (after 50 ms, doubling up to 1 s). A request that cannot be cancelled that way (others
 * were pipelined after it) runs to its end and its result is dropped. The caller sees its
 * {@link io.jasyncio.CancelledError} at once either way.
 *
 * <p><b>Bounds.</b> A message longer than {@code maxMessageSize}, a length under 4 or an unknown message type is a
 * {@link ProtocolError} (the connection is closed; nothing is allocated for the claimed length). A query's rows
 * over {@code maxResultSize} bytes are dropped and the query fails with a
 * {@link io.jasyncio.pg.ResultTooLargeError}.
 *
 * <p>Threading: the loop's thread only (protocol callbacks, and the tasks of that loop calling it).
 */
public final class PgProtocol implements BufferedProtocol {
    /** What the connection above hears about, outside any request. */
    public interface Events {
        void notice(ServerMessage message);

        void notification(int pid, String channel, String payload);

        void lost(RuntimeException cause);
    }

    private static final int READ_BUFFER = 64 * 1024;
    private static final int ARENA = 16 * 1024;
    private static final int OFFSETS = 2048;

    public final EventLoop loop;
    public final Types types = new Types();
    final int maxMessageSize;
    final long maxResultSize;
    private Events events;
    Transport transport;

    // ---- reading
    private byte[] in = new byte[READ_BUFFER];
    private int rpos, rend;
    private ByteBuffer inView = ByteBuffer.wrap(in);

    // ---- writing
    final MessageBuffer out = new MessageBuffer(8 * 1024);
    private boolean flushScheduled;
    private final Runnable flusher = this::flushScheduled;
    private boolean writingPaused;
    private List<Future<Void>> drainWaiters;
    /** Reasons not to flush now: a cancel under way, a request streaming its own messages. */
    private int holds;
    private Request<?> streamOwner;
    private ArrayDeque<Future<Void>> streamQueue;

    // ---- requests
    private final ArrayDeque<Request<?>> inFlight = new ArrayDeque<>();
    /** How many requests in flight are not reads that may be grouped: while any is, nothing is grouped. */
    private int ungroupable;
    /** Whether reads may share a Sync at all (ConnectOptions.withGroupReads: off by default). */
    private final boolean groupReads;
    /** The last request whose bytes were handed to the transport. */
    private Request<?> lastFlushed;
    /** A cancelled request whose CancelRequest is due (when it reaches the head) or under way. */
    private Request<?> cancelTarget;
    /** Whether a CancelRequest was sent for the target; whether a side connection is under way. */
    private boolean cancelStarted;
    private boolean cancelInProgress;
    /** The wait before the cancel is sent again, while the target still runs; its timer. */
    private double cancelRetryDelay;
    private io.jasyncio.TimerHandle cancelRetry;

    // ---- session
    Startup startup;
    private Future<Integer> sslAnswer;
    int backendPid, backendSecret;
    private char txStatus = 'I';
    final Map<String, String> serverParams = new HashMap<>();
    private RuntimeException lostWith;

    // ---- row storage shared by the records of this connection's results
    private byte[] arena;
    private int arenaPos;
    private int[] offsets;
    private int offsetsPos;

    public PgProtocol(EventLoop loop, int maxMessageSize, long maxResultSize, boolean groupReads) {
        this.loop = loop;
        this.groupReads = groupReads;
        this.maxMessageSize = maxMessageSize;
        this.maxResultSize = maxResultSize;
    }

    public void setEvents(Events events) {
        this.events = events;
    }

    // ================================================================ transport callbacks

    @Override
    public void connectionMade(BaseTransport t) {
        transport = (Transport) t;
    }

    /** After STARTTLS: the TLS transport replaces the plain one. */
    public void setTransport(Transport t) {
        transport = t;
    }

    public Transport transport() {
        return transport;
    }

    @Override
    public ByteBuffer getBuffer(int sizeHint) {
        if (in.length - rend < 512) makeRoom(512);
        return inView.limit(in.length).position(rend);
    }

    /** Makes at least {@code need} free bytes after {@code rend}: compacts, or grows (bounded by the caller). */
    private void makeRoom(int need) {
        int pending = rend - rpos;
        if (rpos > 0 && in.length - pending >= need) {
            System.arraycopy(in, rpos, in, 0, pending);
        } else {
            byte[] bigger = new byte[Math.max(in.length * 2, pending + need)];
            System.arraycopy(in, rpos, bigger, 0, pending);
            in = bigger;
            inView = ByteBuffer.wrap(in);
        }
        rpos = 0;
        rend = pending;
    }

    @Override
    public void bufferUpdated(int nbytes) {
        rend += nbytes;
        if (sslAnswer != null) {
            sslAnswered();
            return;
        }
        try {
            parse();
        } catch (ProtocolViolation e) {
            protocolError(e.getMessage());
        }
    }

    private void parse() {
        byte[] b = in;
        int p = rpos;
        while (rend - p >= 5) {
            int len = Bytes.getInt(b, p + 1);
            if (len < 4 || len > maxMessageSize) {
                rpos = p;
                throw new ProtocolViolation(len < 4
                        ? "message length " + len + " is invalid (type '" + printable(b[p]) + "')"
                        : "message of type '" + printable(b[p]) + "' claims " + len + " bytes, over maxMessageSize "
                                + maxMessageSize + ": a corrupt stream or a server not speaking the protocol");
            }
            if (rend - p - 1 < len) {
                // An incomplete message: make room for all of it (it fits maxMessageSize) before reading more.
                rpos = p;
                if (in.length - p < len + 1) makeRoom(len + 1 - (rend - p));
                return;
            }
            byte type = b[p];
            rpos = p + 1 + len;
            try {
                dispatch(type, b, p + 5, len - 4);
            } catch (ProtocolViolation e) {
                throw e;
            } catch (RuntimeException e) {
                // Ours, not the stream's (a value that does not decode): that request fails, the connection goes on.
                Request<?> r = inFlight.peekFirst();
                if (r == null || type == 'Z') throw new ProtocolViolation("handling message '" + printable(type) + "' failed: " + e);
                r.clientError(e);
            }
            if (lostWith != null) return;
            b = in;
            p = rpos;
        }
        rpos = p;
        if (rpos == rend) {
            rpos = rend = 0;
            if (in.length > READ_BUFFER) { // a huge message passed: do not keep its buffer
                in = new byte[READ_BUFFER];
                inView = ByteBuffer.wrap(in);
            }
        }
    }

    private static String printable(byte t) {
        return t >= 32 && t < 127 ? String.valueOf((char) t) : String.format("\\x%02x", t & 0xff);
    }

    private void dispatch(byte type, byte[] b, int off, int len) {
        switch (type) {
            case 'N' -> {
                ServerMessage m = ServerMessage.parse(b, off, len);
                if (events != null) events.notice(m);
                return;
            }
            case 'A' -> {
                notification(b, off, len);
                return;
            }
            case 'S' -> {
                int end = off + len;
                int z = Bytes.indexOfNul(b, off, end);
                serverParams.put(Bytes.utf8(b, off, z - off), Bytes.cstring(b, z + 1, end));
                return;
            }
            default -> { }
        }
        if (startup != null) {
            startup.message(type, b, off, len);
            return;
        }
        Request<?> r = inFlight.peekFirst();
        if (r == null) {
            if (type == 'E') { // e.g. FATAL at shutdown, with nothing in flight: the connection is about to close
                ServerMessage m = ServerMessage.parse(b, off, len);
                lose(new ConnectionDoesNotExistError("the server ended the connection: " + m.describe(), PostgresError.of(m)));
                return;
            }
            throw new ProtocolViolation("unexpected message '" + printable(type) + "' with no query in flight");
        }
        switch (type) {
            case 'D' -> r.dataRow(b, off, len);
            case '2' -> r.bindComplete();
            case 'C' -> r.commandComplete(b, off, len);
            case 'Z' -> {
                if (len != 1) throw new ProtocolViolation("ReadyForQuery of " + len + " bytes");
                txStatus = (char) b[off];
                dequeue(inFlight.pollFirst());
                r.ready(txStatus);
                if (r == cancelTarget) cancelTargetDone();
                else if (cancelTarget != null && !cancelStarted && inFlight.peekFirst() == cancelTarget) sendCancel();
                if (inFlight.isEmpty()) out.shrink();
            }
            case '1' -> r.parseComplete();
            case 'T' -> r.rowDescription(b, off, len);
            case 't' -> r.parameterDescription(b, off, len);
            case 'n' -> r.noData();
            case 's' -> r.portalSuspended();
            case '3' -> r.closeComplete();
            case 'I' -> r.emptyQuery();
            case 'E' -> {
                ServerMessage m = ServerMessage.parse(b, off, len);
                PostgresError e = PostgresError.of(m);
                if ("FATAL".equals(m.severityEn()) || "PANIC".equals(m.severityEn())) {
                    lose(new ConnectionDoesNotExistError("the server ended the connection: " + m.describe(), e));
                    return;
                }
                r.error(e);
            }
            case 'G' -> r.copyInResponse(b, off, len);
            case 'H' -> r.copyOutResponse(b, off, len);
            case 'd' -> r.copyData(b, off, len);
            case 'c' -> r.copyDone();
            case 'W' -> throw new ProtocolViolation("CopyBothResponse (replication) is not supported");
            default -> throw new ProtocolViolation("unknown message type '" + printable(type) + "'");
        }
    }

    private void notification(byte[] b, int off, int len) {
        int end = off + len;
        if (len < 6) throw new ProtocolViolation("NotificationResponse too short");
        int pid = Bytes.getInt(b, off);
        int z = Bytes.indexOfNul(b, off + 4, end);
        String channel = Bytes.utf8(b, off + 4, z - off - 4);
        String payload = Bytes.cstring(b, z + 1, end);
        if (events != null) events.notification(pid, channel, payload);
    }

    @Override
    public void pauseWriting() {
        writingPaused = true;
    }

    @Override
    public void resumeWriting() {
        writingPaused = false;
        List<Future<Void>> w = drainWaiters;
        drainWaiters = null;
        if (w != null) for (Future<Void> f : w) if (!f.done()) f.setResult(null);
    }

    @Override
    public void connectionLost(Throwable exc) {
        String why = exc == null ? "the server closed the connection" : "the connection broke: " + exc;
        lose(new ConnectionDoesNotExistError("connection was closed in the middle of operation (" + why + ")", exc));
    }

    /** Fails everything waiting on this connection with {@code e}, and closes the transport. Idempotent. */
    void lose(RuntimeException e) {
        if (lostWith != null) return;
        lostWith = e;
        if (sslAnswer != null && !sslAnswer.done()) sslAnswer.setException(e);
        if (startup != null) startup.lost(e);
        Request<?> r;
        while ((r = inFlight.pollFirst()) != null) r.lost(e);
        ungroupable = 0;
        resumeWriting();
        if (streamQueue != null) for (Future<Void> f : streamQueue) if (!f.done()) f.setException(e);
        streamQueue = null;
        if (transport != null && !transport.isClosing()) transport.abort();
        if (events != null) events.lost(e);
    }

    /** Closes the connection now, failing what is in flight with {@code e}. */
    public void loseWith(RuntimeException e) {
        lose(e);
    }

    /** Queues Terminate after everything submitted, and sends it; the server then closes the connection. */
    public void terminate() {
        if (lostWith != null) return;
        out.putByte('X');
        out.putInt(4);
        if (holds == 0) flush();
        else scheduleFlush();
    }

    /** Closes the connection for a protocol violation: nothing the server says after it can be trusted. */
    void protocolError(String what) {
        lose(new ProtocolError("protocol error from the server: " + what + "; the connection is closed"));
    }

    // ================================================================ state

    /** Null while the connection works; else why it does not. */
    public RuntimeException lostWith() {
        return lostWith;
    }

    /** The transaction status of the last ReadyForQuery: 'I' idle, 'T' in a transaction, 'E' in a failed one. */
    public char txStatus() {
        return txStatus;
    }

    void setTxStatus(char s) {
        txStatus = s;
    }

    public boolean idle() {
        return inFlight.isEmpty();
    }

    public int backendPid() {
        return backendPid;
    }

    public int backendSecret() {
        return backendSecret;
    }

    public String serverParameter(String name) {
        return serverParams.get(name);
    }

    public Map<String, String> serverParameters() {
        return Map.copyOf(serverParams);
    }

    // ================================================================ submitting

    /**
     * Encodes {@code r} and queues it in wire order; its bytes go out now if the connection is idle, else at the
     * end of this loop turn. An encoding error (a {@link io.jasyncio.pg.DataError}) leaves nothing behind and is
     * thrown to the caller. The caller then awaits {@code r}.
     */
    public void submit(Request<?> r) {
        checkUsable();
        if (r instanceof QueryRequest q && holds == 0 && joinGroup(q)) return;
        boolean wasIdle = inFlight.isEmpty() && out.size() == 0;
        int start = out.size();
        try {
            r.encode(out);
        } catch (RuntimeException | Error e) {
            out.truncate(start);
            throw e;
        }
        r.outStart = start;
        r.outEnd = out.size();
        enqueue(r);
        if (holds > 0) return;
        if (wasIdle) flush();
        else scheduleFlush();
    }

    private void enqueue(Request<?> r) {
        inFlight.addLast(r);
        if (!(r instanceof SyncGroup) && !(r instanceof QueryRequest q && q.groupable())) ungroupable++;
    }

    private void dequeue(Request<?> r) {
        if (r != null && !(r instanceof SyncGroup) && !(r instanceof QueryRequest q && q.groupable())) ungroupable--;
    }

    /**
     * Puts {@code q} under the Sync of the query (or group) queued just before it in this loop turn, when both are
     * reads on an idle connection and nothing else is in flight that could start a transaction: see
     * {@link SyncGroup}. The buffer still ends with one Sync. Returns false when {@code q} is to be sent as usual.
     */
    private boolean joinGroup(QueryRequest q) {
        if (!groupReads || !q.groupable() || txStatus != 'I' || ungroupable > 0) return false;
        Request<?> last = inFlight.peekLast();
        if (last == null || last.flushed || last.done() || last.outEnd != out.size()) return false;
        SyncGroup g;
        if (last instanceof SyncGroup open) {
            if (open.members.size() >= SyncGroup.MAX_MEMBERS) return false;
            g = open;
        } else if (last instanceof QueryRequest prev && prev.groupable()) {
            g = new SyncGroup(this);
            g.outStart = prev.outStart;
            g.members.add(prev);
            prev.group = g;
            prev.outEnd -= 5; // its Sync becomes the group's
            inFlight.pollLast();
            inFlight.addLast(g);
        } else {
            return false;
        }
        out.truncate(out.size() - 5); // the Sync at the end of the buffer, written again below
        int start = out.size();
        try {
            q.encodeBody(out);
        } catch (RuntimeException | Error e) {
            out.truncate(start);
            Statement.sync(out);
            throw e;
        }
        q.outStart = start;
        q.outEnd = out.size();
        q.group = g;
        g.members.add(q);
        Statement.sync(out);
        g.outEnd = out.size();
        scheduleFlush();
        return true;
    }

    /** A member of a failed group, sent again with its own Sync (see {@link SyncGroup}). */
    void resubmitSolo(QueryRequest m) {
        m.reset();
        if (lostWith != null) {
            m.lost(lostWith);
            return;
        }
        submit(m);
    }

    private void checkUsable() {
        if (lostWith != null) {
            throw new ConnectionDoesNotExistError("the connection is closed: " + lostWith.getMessage(), lostWith);
        }
    }

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            loop.callSoon(flusher);
        }
    }

    private void flushScheduled() {
        flushScheduled = false;
        if (holds == 0) flush();
    }

    /** Hands the encoded bytes to the transport. */
    void flush() {
        if (out.size() == 0 || lostWith != null) return;
        // Mark what is now on the wire: the unflushed requests are the tail of the queue.
        Request<?> last = null;
        for (java.util.Iterator<Request<?>> it = inFlight.descendingIterator(); it.hasNext(); ) {
            Request<?> r = it.next();
            if (r.flushed) break;
            r.flushed = true;
            if (last == null) last = r;
        }
        if (last != null) lastFlushed = last;
        transport.write(out.view());
        out.clear();
    }

    /** Writes raw bytes at once, outside any request (SSLRequest, startup and authentication, Terminate). */
    void writeNow(MessageBuffer m) {
        transport.write(m.view());
        m.clear();
    }

    /**
     * For a request that writes its own messages after it reaches the wire (a batch, COPY IN): waits until the
     * requests queued before it have been flushed and no other stream is writing, then queues it as the last
     * request on the wire and holds everything submitted after it until {@link #endStream}. The caller then
     * writes with {@link #streamOut} and {@link #writeStream}.
     */
    public void beginStream(Request<?> r) {
        checkUsable();
        while (streamOwner != null || holds > 0) {
            Future<Void> turn = loop.createFuture();
            if (streamQueue == null) streamQueue = new ArrayDeque<>();
            streamQueue.add(turn);
            try {
                io.jasyncio.Asyncio.await(turn);
            } finally {
                streamQueue.remove(turn);
            }
            checkUsable();
        }
        flush();
        enqueue(r);
        r.flushed = true;
        lastFlushed = r;
        streamOwner = r;
        holds++;
    }

    /**
     * The buffer a stream encodes into: its own, since requests submitted while it streams are encoded into the
     * shared one, to be sent after it.
     */
    public MessageBuffer streamOut() {
        if (streamBuf == null) streamBuf = new MessageBuffer(64 * 1024);
        return streamBuf;
    }

    private MessageBuffer streamBuf;

    /**
     * Sends what the stream encoded; if the transport's buffer is over its high-water mark, waits (suspending the
     * calling task) until it drains. A lost connection is thrown.
     */
    public void writeStream() {
        checkUsable();
        if (streamBuf != null && streamBuf.size() > 0) {
            transport.write(streamBuf.view());
            streamBuf.clear();
        }
        while (writingPaused && lostWith == null) {
            Future<Void> f = loop.createFuture();
            if (drainWaiters == null) drainWaiters = new ArrayList<>();
            drainWaiters.add(f);
            io.jasyncio.Asyncio.await(f);
        }
        checkUsable();
    }

    /** The stream's last message is sent: what was submitted meanwhile may go. */
    public void endStream(Request<?> r) {
        if (streamOwner != r) return;
        streamBuf = null;
        streamOwner = null;
        release();
    }

    private void release() {
        holds--;
        if (holds > 0) return;
        if (streamQueue != null && !streamQueue.isEmpty()) {
            Future<Void> next = streamQueue.peekFirst();
            if (!next.done()) next.setResult(null);
        }
        flush();
    }

    /**
     * A query (not a COPY request) started COPY FROM STDIN: the server now reads CopyData. Answers CopyFail at once,
     * so the query fails. If other requests were already sent after it, the server reads their messages as COPY
     * input (and then skips to a Sync): the connection cannot be trusted any more and is closed.
     */
    void refuseCopyIn(Request<?> r) {
        MessageBuffer m = new MessageBuffer(128);
        int at = m.begin('f');
        m.putCString("COPY FROM STDIN cannot run as a query: use copyToTable or copyRecordsToTable");
        m.end(at);
        writeNow(m);
        if (r != lastFlushed) {
            lose(new ConnectionDoesNotExistError("a query started COPY FROM STDIN while other queries were pipelined after "
                    + "it, which the server would read as COPY data; the connection is closed. Use copyToTable or "
                    + "copyRecordsToTable for COPY FROM STDIN"));
        }
    }

    // ================================================================ cancellation

    /** A request's future was cancelled (its task was): see the class comment. */
    void requestCancelled(Request<?> r) {
        if (r instanceof QueryRequest q && q.group != null) {
            memberCancelled(q, q.group);
            return;
        }
        if (lostWith != null || r == streamOwner || !inFlight.contains(r)) return; // a stream stops itself
        if (!r.flushed) {
            if (r == inFlight.peekLast() && r.outEnd == out.size()) {
                out.truncate(r.outStart); // never sent: take it back
                dequeue(inFlight.pollLast());
            }
            return;
        }
        if (r != lastFlushed || cancelTarget != null || cancelCallback == null) return;
        // Nothing after it is on the wire; hold what comes next, and send the CancelRequest once the server runs it.
        cancelTarget = r;
        cancelStarted = false;
        cancelRetryDelay = 0.05;
        holds++;
        if (inFlight.peekFirst() == r) sendCancel();
    }

    /** A query of a group was cancelled: taken back if it is the last, unsent; the group cancelled if all were. */
    private void memberCancelled(QueryRequest q, SyncGroup g) {
        if (lostWith != null || !inFlight.contains(g)) return;
        if (!g.flushed && g == inFlight.peekLast() && g.outEnd == out.size() && q == g.members.getLast()) {
            out.truncate(q.outStart);
            g.members.removeLast();
            q.group = null;
            if (g.members.isEmpty()) {
                out.truncate(g.outStart);
                dequeue(inFlight.pollLast());
                return;
            }
            Statement.sync(out);
            g.outEnd = out.size();
            return;
        }
        for (QueryRequest m : g.members) if (!m.done()) return;
        g.cancel();
    }

    private void sendCancel() {
        cancelStarted = true;
        cancelInProgress = true;
        cancelCallback.run();
    }

    /** Set by the connection: starts the task that sends the CancelRequest (for the backend of this connection). */
    private Runnable cancelCallback;

    public void setCancelSender(Runnable sender) {
        cancelCallback = sender;
    }

    /**
     * The side connection is done: the server closed it (the signal was delivered), or it never got through. If the
     * target still runs, the signal may have come while the backend was still reading the target's messages, when
     * PostgreSQL ignores a cancel: it is sent again after a pause (doubling, up to a second). Nothing was sent after
     * the target, so a signal can only ever reach the target or an idle backend.
     */
    public void cancelFinished() {
        cancelInProgress = false;
        if (cancelTarget == null) return;
        if (!inFlight.contains(cancelTarget)) {
            cancelTargetDone();
            return;
        }
        if (lostWith != null) return;
        Request<?> target = cancelTarget;
        double delay = cancelRetryDelay;
        cancelRetryDelay = Math.min(1.0, cancelRetryDelay * 2);
        cancelRetry = loop.callLater(delay, () -> {
            cancelRetry = null;
            if (cancelTarget == target && !cancelInProgress && inFlight.contains(target) && lostWith == null) sendCancel();
        });
    }

    private void cancelTargetDone() {
        if (cancelInProgress) return; // wait for the side connection too
        if (cancelRetry != null) {
            cancelRetry.cancel();
            cancelRetry = null;
        }
        cancelTarget = null;
        release();
    }

    // ================================================================ rows

    /**
     * Copies a DataRow's body into the shared row storage and returns a Record over it. The body is a column count,
     * then per column a length (-1: NULL) and the value's bytes.
     */
    public Record record(RowDescription desc, byte[] b, int off, int len) {
        if (len < 2) throw new ProtocolViolation("DataRow too short");
        int n = Bytes.getShort(b, off) & 0xffff;
        if (n != desc.size()) throw new ProtocolViolation("DataRow of " + n + " columns for a result of " + desc.size());
        byte[] a = arena;
        int ap = arenaPos;
        if (a == null || a.length - ap < len) {
            if (len > ARENA / 4) { // a large row: its own array, the shared block stays
                a = new byte[len];
                ap = 0;
            } else {
                a = arena = new byte[ARENA];
                ap = arenaPos = 0;
            }
        }
        System.arraycopy(b, off, a, ap, len);
        if (a == arena) arenaPos += len;
        int[] o = offsets;
        int op = offsetsPos;
        if (o == null || o.length - op < n) {
            o = offsets = new int[Math.max(OFFSETS, n)];
            op = offsetsPos = 0;
        }
        int p = ap + 2;
        int end = ap + len;
        for (int i = 0; i < n; i++) {
            if (p + 4 > end) throw new ProtocolViolation("DataRow truncated");
            int l = Bytes.getInt(a, p);
            p += 4;
            if (l < 0) {
                o[op + i] = -1;
            } else {
                if (l > end - p) throw new ProtocolViolation("DataRow value longer than the row");
                o[op + i] = p;
                p += l;
            }
        }
        offsetsPos += n;
        return new Record(desc, a, o, op);
    }

    // ================================================================ SSL negotiation

    /** Sends SSLRequest and returns the server's one-byte answer ('S' or 'N'), suspending the calling task. */
    public int sslRequest() {
        MessageBuffer m = new MessageBuffer(8);
        m.putInt(8);
        m.putInt(80877103);
        sslAnswer = loop.createFuture();
        writeNow(m);
        Future<Integer> f = sslAnswer;
        try {
            return io.jasyncio.Asyncio.await(f);
        } finally {
            sslAnswer = null;
        }
    }

    private void sslAnswered() {
        Future<Integer> f = sslAnswer;
        sslAnswer = null;
        if (f.done()) { // the connect was cancelled (timed out) meanwhile
            rpos = rend = 0;
            return;
        }
        if (rend - rpos > 1) {
            // Bytes after the answer were not protected by TLS (CVE-2021-23222): refuse them.
            f.setException(new ProtocolError("the server sent data after its answer to SSLRequest, before the TLS "
                    + "handshake: refusing it (it could have been injected)"));
            rpos = rend = 0;
            return;
        }
        int answer = in[rpos];
        rpos = rend = 0;
        f.setResult(answer);
    }
}
