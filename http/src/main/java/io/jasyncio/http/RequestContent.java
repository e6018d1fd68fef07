package io.jasyncio.http;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * A request body read as it arrives (aiohttp's {@code request.content}, a {@code StreamReader}): {@link #read(int)},
 * {@link #readAny()}, {@link #readChunk()}, {@link #readLine()}, {@link #readExactly(int)}, {@link #atEof()}. Each
 * read waits, in the handler's task, until the client has sent something, so a body of any size is handled in
 * bounded memory: the server stops reading from the socket while more than {@link #HIGH_WATER} bytes wait here
 * unread, and reads again once the handler has taken them (flow control reaches the client as TCP backpressure).
 *
 * <p>The runner's body timeouts apply while a read waits for the client (not while the handler is busy
 * elsewhere): a body that trickles below the minimum rate makes the waiting read throw an {@link HttpError} 408,
 * which the handler may let through as its answer. A client that goes away makes it throw an {@link EOFException};
 * a body whose chunked framing turns out malformed, an {@link HttpError} 400. A request that asked for
 * {@code 100 Continue} gets it when the handler first reads (so a handler that refuses a body never invites it).
 *
 * <p>Threading: the loop's thread, in the handler's task.
 */
public final class RequestContent {
    /** Unread bytes above which the server stops reading the socket (plus at most one read, 256 KiB). */
    public static final int HIGH_WATER = 64 * 1024;
    /** The longest line {@link #readLine()} returns (asyncio's stream limit). */
    public static final int MAX_LINE = 64 * 1024;

    /**
     * One piece of a body: its bytes and whether an HTTP chunk ends with it (aiohttp's {@code readchunk}).
     *
     * <p>Threading: immutable (the array is the chunk's own: do not change it).
     *
     * @param data the bytes, empty at the end of the body
     * @param endOfHttpChunk whether an HTTP chunk of a chunked body ends with them
     */
    public record Chunk(byte[] data, boolean endOfHttpChunk) {}

    /** What the connection learns from the reader: a first read, and room made by consuming. */
    interface Listener {
        void firstRead(RequestContent reader);

        void consumed(RequestContent reader);

        /** For a body that was read whole before its handler ran. */
        Listener NONE = new Listener() {
            @Override
            public void firstRead(RequestContent reader) {}

            @Override
            public void consumed(RequestContent reader) {}
        };
    }

    /** A reader holding a whole body already read. */
    static RequestContent of(byte[] body) {
        RequestContent r = new RequestContent(null, Listener.NONE, false);
        r.announce(body.length);
        r.feed(body, 0, body.length);
        r.feedEof();
        return r;
    }

    private final EventLoop loop;
    private final Listener listener;
    private final ArrayDeque<byte[]> pieces = new ArrayDeque<>();
    /** Pieces after which an HTTP chunk ended (as identities in a parallel deque). */
    private final ArrayDeque<Boolean> chunkEnds = new ArrayDeque<>();
    private int offset; // into the first piece
    private long buffered;
    private long received;
    /** Bytes the client has announced (Content-Length, or the chunk sizes read so far). */
    private long announced;
    private boolean eof;
    private Exception failure;
    private Future<Void> waiter;
    private boolean read;
    final boolean expectContinue;

    RequestContent(EventLoop loop, Listener listener, boolean expectContinue) {
        this.loop = loop;
        this.listener = listener;
        this.expectContinue = expectContinue;
    }

    // ---------------------------------------------------------------- fed by the parser (loop thread)

    void feed(byte[] buf, int off, int len) {
        if (len == 0 || eof) return;
        feedOwned(Arrays.copyOfRange(buf, off, off + len));
    }

    /** Adds {@code piece}, which the caller gives away (it is not copied). */
    void feedOwned(byte[] piece) {
        int len = piece.length;
        if (len == 0 || eof) return;
        pieces.add(piece);
        chunkEnds.add(false);
        buffered += len;
        received += len;
        wake();
    }

    /** The client announced {@code n} more bytes (a Content-Length, or a chunk's size). */
    void announce(long n) {
        announced = announced + n < 0 ? Long.MAX_VALUE : announced + n;
    }

    /** The HTTP chunk that was being fed has ended. */
    void endChunk() {
        if (!chunkEnds.isEmpty()) {
            chunkEnds.removeLast();
            chunkEnds.add(true);
        }
    }

    void feedEof() {
        eof = true;
        wake();
    }

    /** Makes waiting and later reads throw {@code e} (the body will not be completed). */
    void fail(Exception e) {
        if (eof && failure == null && buffered == 0) return; // complete already: nothing is lost
        if (failure == null) failure = e;
        wake();
    }

    /** Whether the body ended with an error (a timeout, malformed framing, the client gone). */
    boolean failed() {
        return failure != null;
    }

    /** Bytes received and not yet read by the handler. */
    long buffered() {
        return buffered;
    }

    /** Whether the whole body has been received (read or not). */
    boolean complete() {
        return eof;
    }

    /**
     * Bytes received so far.
     *
     * @return the body's bytes received from the client, read by the handler or not
     */
    public long received() {
        return received;
    }

    private void wake() {
        Future<Void> w = waiter;
        if (w != null && !w.done()) w.setResult(null);
    }

    // ---------------------------------------------------------------- the handler's side

    /**
     * True once the whole body has been received and read (aiohttp's {@code at_eof()}).
     *
     * @return true at the end of the body
     */
    public boolean atEof() {
        return eof && buffered == 0;
    }

    /**
     * Up to {@code n} bytes, waiting for at least one; an empty array at the end of the body.
     *
     * @param n the most bytes to return, 0 or more
     * @return the bytes, empty at the end of the body
     * @throws IOException if the client goes away before the body ends
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public byte[] read(int n) throws IOException {
        if (n < 0) throw new IllegalArgumentException("read(n) takes n >= 0; use readAll() through request.body() for everything");
        if (n == 0) return new byte[0];
        if (!awaitData()) return new byte[0];
        return take((int) Math.min(n, buffered));
    }

    /**
     * Whatever has arrived (at least one byte, waiting for it), or an empty array at the end (aiohttp's
     * {@code readany}).
     *
     * @return the bytes, empty at the end of the body
     * @throws IOException if the client goes away before the body ends
     */
    public byte[] readAny() throws IOException {
        if (!awaitData()) return new byte[0];
        return take((int) Math.min(buffered, Integer.MAX_VALUE - 16));
    }

    /**
     * The next piece as it arrived, and whether an HTTP chunk ended with it; an empty piece at the end.
     *
     * @return the next chunk, its data empty at the end of the body
     * @throws IOException if the client goes away before the body ends
     */
    public Chunk readChunk() throws IOException {
        if (!awaitData()) return new Chunk(new byte[0], false);
        int n = pieces.peekFirst().length - offset;
        boolean end = chunkEnds.peekFirst();
        return new Chunk(take(n), end);
    }

    /**
     * Exactly {@code n} bytes; an {@link EOFException} if the body ends before them.
     *
     * @param n how many bytes, 0 or more
     * @return exactly {@code n} bytes
     * @throws IOException an {@link EOFException} if the body ends first, or if the client goes away
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public byte[] readExactly(int n) throws IOException {
        if (n < 0) throw new IllegalArgumentException("n must be >= 0, got " + n);
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(n, HIGH_WATER));
        while (out.size() < n) {
            byte[] b = read(n - out.size());
            if (b.length == 0) throw new EOFException("the body ended after " + out.size() + " of the " + n + " bytes expected");
            out.write(b, 0, b.length);
        }
        return out.toByteArray();
    }

    /**
     * The next line, with its {@code \n}; the rest of the body when it has no more newline; empty at the end. A
     * line longer than {@link #MAX_LINE} is an {@link HttpError} 400.
     *
     * @return the line with its {@code \n}, or the rest of the body, empty at its end
     * @throws IOException if the client goes away before the body ends
     */
    public byte[] readLine() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (awaitData()) {
            byte[] first = pieces.peekFirst();
            int nl = -1;
            for (int i = offset; i < first.length; i++) {
                if (first[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            int n = nl < 0 ? first.length - offset : nl - offset + 1;
            if (out.size() + n > MAX_LINE) throw new HttpError(400, "a line of the request body is longer than " + MAX_LINE + " bytes");
            byte[] b = take(n);
            out.write(b, 0, b.length);
            if (nl >= 0) break;
        }
        return out.toByteArray();
    }

    /**
     * The whole body, refused with an {@link HttpError} 413 as soon as it is known to exceed {@code limit} bytes
     * (what {@code request.body()} and the other buffered forms use).
     */
    byte[] readAll(long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.max(buffered, 16), HIGH_WATER));
        if (announced > limit) throw new HttpError(413, Request.tooLarge(limit)); // refused before it is sent
        while (awaitData()) {
            if (announced > limit || out.size() + buffered > limit) throw new HttpError(413, Request.tooLarge(limit));
            byte[] b = take((int) buffered);
            out.write(b, 0, b.length);
        }
        return out.toByteArray();
    }

    /** Waits until a byte is buffered (true) or the body has ended (false); throws the failure, if any. */
    private boolean awaitData() throws IOException {
        if (!read) {
            read = true;
            listener.firstRead(this);
        }
        while (buffered == 0) {
            if (failure != null) throw rethrow();
            if (eof) return false;
            if (waiter == null || waiter.done()) waiter = loop.createFuture();
            Asyncio.await(waiter);
        }
        return true;
    }

    private IOException rethrow() {
        if (failure instanceof HttpError h) throw h;
        if (failure instanceof IOException io) return new EOFException(io.getMessage());
        return new IOException(failure.getMessage(), failure);
    }

    private byte[] take(int n) {
        byte[] head = pieces.peekFirst();
        if (offset == 0 && n == head.length) { // a whole piece: handed over without a copy (it is ours alone)
            pieces.removeFirst();
            chunkEnds.removeFirst();
            buffered -= n;
            listener.consumed(this);
            return head;
        }
        byte[] out = new byte[n];
        int got = 0;
        while (got < n) {
            byte[] first = pieces.peekFirst();
            int k = Math.min(n - got, first.length - offset);
            System.arraycopy(first, offset, out, got, k);
            got += k;
            offset += k;
            if (offset == first.length) {
                pieces.removeFirst();
                chunkEnds.removeFirst();
                offset = 0;
            }
        }
        buffered -= n;
        listener.consumed(this);
        return out;
    }

    @Override
    public String toString() {
        return "<RequestContent " + received + " bytes received, " + buffered + " unread" + (eof ? ", complete" : "") + ">";
    }
}
