package io.jasyncio.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A response body as a stream (aiohttp's {@code response.content}, a {@code StreamReader}): {@link #read(int)},
 * {@link #readAny()}, {@link #readLine()}, {@link #readExactly(int)}, {@link #iterChunked(int)}. Bytes come
 * off the connection as they are asked for — decompressed when the response is — so a body of any size is
 * read in bounded memory, and a server that sends too fast is held back by TCP. Each wait is bounded by the
 * request's {@link ClientTimeout} ({@code sockRead} and {@code total}). Reaching the end gives the connection
 * back to the pool.
 *
 * <p>Threading: one task of the session's loop at a time.
 */
public final class ResponseContent {
    /** The longest line {@link #readLine()} returns: 64 KiB (aiohttp's default read limit, 2**16). */
    public static final int LINE_LIMIT = 64 * 1024;
    private static final int PIECE = 64 * 1024;

    /** Where the body's bytes come from, and what to do at the end. */
    interface Source {
        byte[] next(int max) throws IOException;

        void ended();

        /** Whether {@link #next} returns without waiting (then no timeout need be armed); false when unknown. */
        default boolean ready() {
            return false;
        }
    }

    private final Source source;
    private final Deadlines deadlines;
    private byte[] pending = new byte[0];
    private int pendingAt;
    private boolean eof;

    ResponseContent(Source source, Deadlines deadlines) {
        this.source = source;
        this.deadlines = deadlines;
    }

    /** Whether the whole body was read. */
    public boolean atEof() {
        return eof && pendingAt == pending.length;
    }

    /** Up to {@code n} bytes, waiting for at least one; an empty array at the end. */
    public byte[] read(int n) throws IOException {
        if (n <= 0) throw new IllegalArgumentException("read(n) needs n > 0; read everything with ClientResponse.read()");
        if (pendingAt < pending.length) {
            int k = Math.min(n, pending.length - pendingAt);
            byte[] out = java.util.Arrays.copyOfRange(pending, pendingAt, pendingAt + k);
            pendingAt += k;
            return out;
        }
        if (eof) return new byte[0];
        byte[] b = source.ready() ? source.next(n) : deadlines.read(() -> source.next(n));
        if (b.length == 0) {
            eof = true;
            source.ended();
        }
        return b;
    }

    /** What is there, up to 64 KiB, waiting for at least a byte (aiohttp's {@code readany}). */
    public byte[] readAny() throws IOException {
        return read(PIECE);
    }

    /** Exactly {@code n} bytes; the body ending first is an {@link IOException}. */
    public byte[] readExactly(int n) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(n, PIECE));
        while (out.size() < n) {
            byte[] b = read(n - out.size());
            if (b.length == 0) throw new IOException("the body ended after " + out.size() + " of the " + n + " bytes asked for");
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    /**
     * A line, ending with {@code \n} (kept), or what is left at the end (empty: the end). A line longer than
     * {@link #LINE_LIMIT} is an {@link IOException}.
     */
    public byte[] readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            if (pendingAt == pending.length) {
                byte[] b = read(PIECE);
                if (b.length == 0) return line.toByteArray();
                pending = b;
                pendingAt = 0;
            }
            int from = pendingAt;
            while (pendingAt < pending.length && pending[pendingAt] != '\n') pendingAt++;
            boolean found = pendingAt < pending.length;
            if (found) pendingAt++;
            line.write(pending, from, pendingAt - from);
            if (line.size() > LINE_LIMIT) throw new IOException("a line of the body is longer than " + LINE_LIMIT + " bytes");
            if (found) return line.toByteArray();
        }
    }

    /** The body in pieces of at most {@code n} bytes (aiohttp's {@code iter_chunked}); a read error is unchecked. */
    public Iterable<byte[]> iterChunked(int n) {
        if (n <= 0) throw new IllegalArgumentException("iterChunked(n) needs n > 0");
        return () -> new Iterator<>() {
            private byte[] next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    try {
                        next = read(n);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                return next.length > 0;
            }

            @Override
            public byte[] next() {
                if (!hasNext()) throw new NoSuchElementException();
                byte[] b = next;
                next = null;
                return b;
            }
        };
    }

    /** Everything left, refusing more than {@code max} bytes (an {@link IOException} naming the limit). */
    byte[] readAll(long max, String what) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] b; (b = readAny()).length > 0; ) {
            if (out.size() + (long) b.length > max) {
                throw new IOException(what + ": the response body is larger than " + max
                        + " bytes, the most this session reads into memory (give the session a larger maxBody, or read content() as a stream)");
            }
            out.writeBytes(b);
        }
        return out.toByteArray();
    }
}
