package io.jasyncio.http.h2;

import io.jasyncio.Asyncio;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.TimeoutError;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One request stream of an {@link Http2ServerConnection} (RFC 9113 §5.1, as the server sees it): the request
 * head, its body as it arrives ({@link #setBodyListener}), and the response, sent with {@link #sendHeaders} and
 * {@link #sendData}, which wait for the client's flow-control windows and for it to take what was written.
 *
 * <p>Threading: the connection's loop; {@code sendHeaders} and {@code sendData} from the stream's task.
 */
public final class ServerStream {
    /** What arrives of the request body, in order; at most the stream's window is held until it is consumed. */
    public interface BodyListener {
        void data(byte[] data);

        /** The body has ended (END_STREAM). */
        void end();

        /** The body will not end: the stream was reset or the connection lost. */
        void aborted(IOException e);
    }

    private final Http2ServerConnection conn;
    private final int id;
    private final List<HeaderField> requestHeaders;
    /** What the client said the body's length is (content-length), or -1. */
    private final long declaredLength;
    private long receivedLength;
    Task<Void> task;
    // §5.1 states, as two halves: the client's side (remote) and ours (local)
    boolean remoteClosed;
    boolean localClosed;
    boolean reset;
    /** Window we have for sending to the client on this stream (may go negative after a SETTINGS change). */
    long sendWindow;
    /** Bytes the client may still send on this stream before our next WINDOW_UPDATE. */
    long recvWindow;
    /** Body bytes the handler consumed that no WINDOW_UPDATE has returned yet. */
    int unacked;
    private BodyListener listener;
    /** Data that came before a listener was set (bounded by the stream window). */
    private ArrayDeque<byte[]> early;
    private boolean earlyEnd;
    private IOException failure;
    /** A send waiting for window or for the client to take data. */
    Future<Void> waiter;
    private boolean responseStarted;
    /** The response's frames given to the connection: HEADERS, CONTINUATION and DATA, frame headers included. */
    private long sentBytes;
    /** An extended CONNECT (RFC 8441): a tunnel both ways (a WebSocket), whose request body has no deadline. */
    final boolean tunnel;
    /** Body bytes received and not yet consumed by the handler (given back to the connection window when it ends). */
    long held;

    ServerStream(Http2ServerConnection conn, int id, List<HeaderField> requestHeaders, long declaredLength, long sendWindow, long recvWindow) {
        this.conn = conn;
        this.id = id;
        this.requestHeaders = requestHeaders;
        this.declaredLength = declaredLength;
        this.sendWindow = sendWindow;
        this.recvWindow = recvWindow;
        this.tunnel = header(":protocol") != null;
    }

    public int id() {
        return id;
    }

    /** The request's header list: the pseudo-headers ({@code :method}, {@code :path}, ...) first, as received. */
    public List<HeaderField> requestHeaders() {
        return requestHeaders;
    }

    /** The first value of header {@code name} (lower case), or null. */
    public String header(String name) {
        for (HeaderField f : requestHeaders) if (f.name().equals(name)) return f.value();
        return null;
    }

    /** Whether the request has no body to come (it ended with its head, or its body has been received). */
    public boolean requestComplete() {
        return remoteClosed && !reset;
    }

    /** Whether the response's head has been sent. */
    public boolean responseStarted() {
        return responseStarted;
    }

    /** Whether the response has ended (END_STREAM sent) or the stream was reset. */
    public boolean responseEnded() {
        return localClosed || reset;
    }

    /**
     * Where the request body goes from now on: what arrived before is given at once. Consumed bytes must be
     * reported with {@link #consumed(int)}, or the client stops at the stream's window.
     */
    public void setBodyListener(BodyListener l) {
        listener = l;
        if (early != null) {
            ArrayDeque<byte[]> q = early;
            early = null;
            for (byte[] b : q) l.data(b);
        }
        if (failure != null) l.aborted(failure);
        else if (earlyEnd) l.end();
    }

    /** The handler has taken {@code n} body bytes: the client may send as many more. */
    public void consumed(int n) {
        conn.consumed(this, n);
    }

    /**
     * {@return the bytes of this stream's response sent so far: its HEADERS, CONTINUATION and DATA frames, the
     * 9-byte frame headers included (what an access log's {@code %b} reports, as over HTTP/1.1 the head, the chunk
     * framing and the body)}
     */
    public long sentBytes() {
        return sentBytes;
    }

    /** Sends the response head (or trailers); {@code endStream} when no body follows. */
    public void sendHeaders(List<HeaderField> fields, boolean endStream) throws IOException {
        checkOpen();
        responseStarted = true;
        if (endStream) localClosed = true;
        sentBytes += conn.writeHeaders(this, fields, endStream);
        if (endStream) conn.localEnded(this);
    }

    /**
     * Sends {@code len} body bytes, in DATA frames within the windows, waiting (in this task) for the client to open
     * them and to take what was written; {@code endStream} ends the response. A client that opens no window or
     * takes nothing for the send timeout gets the stream (or the connection) ended, and this throws.
     */
    public void sendData(byte[] b, int off, int len, boolean endStream) throws IOException {
        checkOpen();
        if (!responseStarted) throw new IllegalStateException("send the response head first");
        while (true) {
            checkOpen();
            int n = conn.sendable(this, len);
            if (n > 0 || len == 0) {
                boolean last = endStream && n == len;
                if (last) localClosed = true;
                conn.writeData(this, b, off, n, last);
                sentBytes += 9 + n;
                off += n;
                len -= n;
                if (last) {
                    conn.localEnded(this);
                    return;
                }
                if (len == 0) return;
                continue;
            }
            waitForRoom();
        }
    }

    /** Waits until a window opens or the client takes data, up to the send timeout. */
    private void waitForRoom() throws IOException {
        Future<Void> w = conn.loop().createFuture();
        waiter = w;
        try {
            Asyncio.waitFor(w, conn.options().sendTimeout());
        } catch (TimeoutError e) {
            conn.sendStalled(this);
            throw new IOException("HTTP/2 stream " + id + ": the client opened no flow-control window and took nothing for "
                    + conn.options().sendTimeout() + " s");
        } finally {
            waiter = null;
        }
    }

    void wake() {
        Future<Void> w = waiter;
        if (w != null && !w.done()) w.setResult(null);
    }

    /** Resets the stream (RST_STREAM {@code code}): the client stops sending, the response ends here. */
    public void reset(ErrorCode code) {
        conn.resetStream(this, code, true);
    }

    private void checkOpen() throws IOException {
        if (reset) throw new IOException("HTTP/2 stream " + id + " was reset" + (failure != null ? ": " + failure.getMessage() : ""));
        if (localClosed) throw new IllegalStateException("the response of stream " + id + " has ended already");
        if (conn.lost()) throw new EOFException("the client has gone");
    }

    // ---------------------------------------------------------------- fed by the connection

    /** Body bytes; false when they overrun the declared content-length. */
    boolean receive(byte[] data, boolean end) {
        receivedLength += data.length;
        if (declaredLength >= 0 && (receivedLength > declaredLength || end && receivedLength != declaredLength)) return false;
        if (data.length > 0) {
            if (listener != null) listener.data(data);
            else {
                if (early == null) early = new ArrayDeque<>();
                early.add(data);
            }
        }
        if (end) {
            if (listener != null) listener.end();
            else earlyEnd = true;
        }
        return true;
    }

    /** Whether the header block alone was wrong about the length: END_STREAM with content-length > 0. */
    boolean lengthMismatchAtEnd() {
        return declaredLength > 0;
    }

    void abort(IOException e) {
        if (failure == null) failure = e;
        if (listener != null && !remoteClosed) listener.aborted(e);
        wake();
    }

    @Override
    public String toString() {
        return "<ServerStream " + id + (reset ? " reset" : "") + (remoteClosed ? " remote-closed" : "") + (localClosed ? " local-closed" : "") + ">";
    }
}
