package io.jasyncio.http.h2;

import io.jasyncio.Asyncio;
import io.jasyncio.Future;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One request of an {@link Http2ClientConnection}: its body sent with {@link #write} (as the server's flow-control
 * windows allow), the response's head awaited with {@link #awaitHead()}, its body read with {@link #read(int)} —
 * the stream's and the connection's windows given back as it is read, so at most a window of unread bytes is held.
 * {@link #cancel()} abandons it (RST_STREAM CANCEL).
 *
 * <p>Threading: the loop's thread; one task sends and reads it.
 */
public final class ClientStream {
    /**
     * A response's head: its status and header fields (lower-case names, no pseudo-headers).
     *
     * <p>Threading: immutable.
     *
     * @param status the response's status code
     * @param fields the response's header fields
     */
    public record Head(int status, List<HeaderField> fields) {}

    private final Http2ClientConnection conn;
    private final int id;
    long sendWindow;
    long recvWindow;
    int unacked;
    long buffered;
    boolean localClosed;
    boolean remoteClosed;
    boolean reset;
    Head head;
    /** The request's method was HEAD: a response's content-length describes no content here (RFC 9110 §9.3.2). */
    boolean headRequest;
    /** The response's content-length, or -1: DATA must add up to it (RFC 9113 §8.1.1). */
    long declaredLength = -1;
    /** Response body bytes received so far. */
    long receivedLength;
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private byte[] first;
    private int firstAt;
    private IOException error;
    /** The server ended the stream with NO_ERROR after its response: the rest of the request body is not wanted. */
    private boolean bodyNotWanted;
    private Future<Object> readWake;
    private Future<Object> sendWake;

    ClientStream(Http2ClientConnection conn, int id, long sendWindow, int recvWindow) {
        this.conn = conn;
        this.id = id;
        this.sendWindow = sendWindow;
        this.recvWindow = recvWindow;
    }

    /** {@return the stream's id} */
    public int id() {
        return id;
    }

    /**
     * Sends {@code len} bytes of the request body ({@code end}: the last), waiting for the server's windows and
     * for the transport to take them. Returns false when the server answered and ended the stream without wanting
     * the rest (RFC 9113 §8.1): nothing more is sent. A reset or a failed connection is an {@link IOException}.
     *
     * @param b the array holding the bytes
     * @param off where they start
     * @param len how many
     * @param end whether these are the body's last bytes
     * @return true if sent, false if the server no longer wants the body
     * @throws IOException if the stream was reset or the connection failed
     * @throws IllegalStateException if the body was ended already
     */
    public boolean write(byte[] b, int off, int len, boolean end) throws IOException {
        if (localClosed) throw new IllegalStateException("stream " + id + "'s request body was already ended");
        while (true) {
            if (bodyNotWanted) return false;
            if (error != null) throw error;
            int n = conn.sendable(this, len);
            if (n == 0 && len > 0) {
                sendWake = Asyncio.getRunningLoop().createFuture();
                try {
                    Asyncio.await(sendWake);
                } finally {
                    sendWake = null;
                }
                continue;
            }
            boolean last = end && n == len;
            conn.writeData(this, b, off, n, last);
            off += n;
            len -= n;
            conn.drain();
            if (len == 0 && (!end || last)) return true;
        }
    }

    /**
     * The response's content-length as the connection checked it (every DATA frame is counted against it), or -1:
     * none was given, or the response has no content (to a HEAD request, a 204 or a 304).
     *
     * @return the declared length, or -1
     */
    public long declaredLength() {
        return declaredLength;
    }

    /**
     * Waits for the response's head (informational responses skipped).
     *
     * @return the final response's head
     * @throws IOException if the stream was reset or the connection failed first
     */
    public Head awaitHead() throws IOException {
        while (head == null) {
            if (error != null) throw error;
            waitForReader();
        }
        return head;
    }

    /**
     * Up to {@code max} bytes of the response body, waiting for at least one; an empty array at its end.
     *
     * @param max the most bytes to return
     * @return the bytes, empty at the end of the body
     * @throws IOException if the stream was reset or the connection failed
     */
    public byte[] read(int max) throws IOException {
        while (true) {
            if (first == null) first = chunks.poll();
            if (first != null) {
                int n = Math.min(max, first.length - firstAt);
                byte[] out = firstAt == 0 && n == first.length ? first : java.util.Arrays.copyOfRange(first, firstAt, firstAt + n);
                firstAt += n;
                if (firstAt == first.length) {
                    first = null;
                    firstAt = 0;
                }
                buffered -= n;
                conn.consumed(this, n);
                return out;
            }
            if (error != null && !bodyNotWanted) throw error;
            if (remoteClosed || bodyNotWanted) return new byte[0];
            waitForReader();
        }
    }

    /**
     * Whether {@link #read} would return at once: body bytes are buffered, or the stream has ended or failed.
     *
     * @return true if a read would not wait
     */
    public boolean readable() {
        return first != null || !chunks.isEmpty() || remoteClosed || bodyNotWanted || error != null;
    }

    /**
     * Whether the whole response was received and read.
     *
     * @return true once the body was read to its end
     */
    public boolean done() {
        return remoteClosed && first == null && chunks.isEmpty();
    }

    /** Abandons the stream (RST_STREAM CANCEL) unless it ended; what was received and unread is dropped. */
    public void cancel() {
        chunks.clear();
        first = null;
        conn.cancel(this);
    }

    private void waitForReader() {
        readWake = Asyncio.getRunningLoop().createFuture();
        try {
            Asyncio.await(readWake);
        } finally {
            readWake = null;
        }
    }

    void head(int status, List<HeaderField> fields) {
        head = new Head(status, java.util.Collections.unmodifiableList(fields)); // a list of this block's own: no copy
        wakeReader();
    }

    void received(byte[] data) {
        if (data.length == 0) return;
        chunks.add(data);
        buffered += data.length;
        wakeReader();
    }

    /** The stream ended in error: {@code afterAnswer}, a RST_STREAM NO_ERROR, which ends only the request's body. */
    void fail(IOException e, boolean afterAnswer) {
        if (afterAnswer && head != null) {
            bodyNotWanted = true;
            remoteClosed = true;
        }
        if (error == null) error = e;
        wakeReader();
        wakeSender();
    }

    void wakeReader() {
        if (readWake != null && !readWake.done()) readWake.setResult(null);
    }

    void wakeSender() {
        if (sendWake != null && !sendWake.done()) sendWake.setResult(null);
    }

    @Override
    public String toString() {
        return "<ClientStream " + id + (head != null ? " " + head.status() : "") + (remoteClosed ? " ended" : "") + (error != null ? " failed" : "") + ">";
    }
}
