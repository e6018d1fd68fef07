package io.jasyncio.http;

import java.util.ArrayDeque;

/**
 * The requests of one {@link HttpConnection} parsed ahead of the one being answered (HTTP/1.1 pipelining), and
 * the bounds on them: at most {@link #MAX_PIPELINED} requests and {@link #READ_AHEAD} bytes, parsed or not, are
 * held for the requests after the one being answered; past them the connection stops reading its client.
 *
 * <p>Threading: the loop's thread only.
 */
final class PipelinedRequests {
    /** Requests parsed ahead of the one being answered (pipelining depth) before reading pauses. */
    static final int MAX_PIPELINED = 16;
    /** Bytes held for the requests after the one being answered (parsed or not) before reading pauses. */
    static final int READ_AHEAD = 64 * 1024;

    private ArrayDeque<Request> queue;
    /** What the queued requests hold ({@link Request#heldBytes()}). */
    private long heldBytes;
    /** A queued request asks to switch protocols: nothing after it is parsed as HTTP until it is answered. */
    private boolean upgradePending;
    /** The request being received asked for a 100 Continue that has not been sent. */
    private boolean continueOwed;

    /**
     * Parses what the parser holds into requests, up to {@link #MAX_PIPELINED} waiting; the rest stays raw.
     * Throws the parser's {@link HttpError} for a request it refuses.
     */
    void parseAhead(RequestParser parser) {
        if (upgradePending) return;
        Request r;
        while ((queue == null || queue.size() < MAX_PIPELINED) && (r = parser.next()) != null) {
            if (queue == null) queue = new ArrayDeque<>(2);
            queue.add(r);
            heldBytes += r.heldBytes();
            continueOwed = false; // its body came without the invitation: none is owed any more
            if (r.asksUpgrade()) { // what follows may be another protocol's bytes (a WebSocket's frames)
                upgradePending = true;
                break;
            }
        }
        if (parser.takeContinue()) continueOwed = true;
    }

    /** The next request to answer, or null. */
    Request poll() {
        Request r = queue == null ? null : queue.poll();
        if (r != null) heldBytes -= r.heldBytes();
        return r;
    }

    boolean isEmpty() {
        return queue == null || queue.isEmpty();
    }

    /** Whether the bounds are reached, with {@code unparsed} bytes not yet parsed into requests. */
    boolean full(long unparsed) {
        return queue != null && queue.size() >= MAX_PIPELINED || heldBytes + unparsed >= READ_AHEAD;
    }

    /** What the queued requests hold. */
    long heldBytes() {
        return heldBytes;
    }

    /** The request that asked to switch protocols has been answered (and did not switch): parse on. */
    void upgradeAnswered() {
        upgradePending = false;
    }

    boolean continueOwed() {
        return continueOwed;
    }

    void continueSent() {
        continueOwed = false;
    }
}
