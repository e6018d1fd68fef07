package io.jasyncio.http;

import io.jasyncio.streams.IncompleteReadError;
import io.jasyncio.streams.LimitOverrunError;
import io.jasyncio.streams.StreamReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of a response body as they are framed on the wire — {@code Content-Length}, chunked, or until the
 * connection closes — still content-coded. Reads a piece at a time, so nothing but the reader's bounded
 * buffer is held.
 *
 * <p>Threading: the loop's thread, one reading task at a time.
 */
final class BodyReader {
    private static final byte[] CRLF = {'\r', '\n'};

    private final StreamReader in;
    private final String what;
    private final boolean chunked;
    private final boolean toEof;
    /** Bytes left: of the whole body (length framing) or of the current chunk (chunked; -1 before the first). */
    private long left;
    private boolean done;
    /** Wire bytes taken so far, and the most the reader will take (set when the body is read into memory). */
    private long taken;
    private long refuseOver = Long.MAX_VALUE;

    private BodyReader(StreamReader in, String what, boolean chunked, boolean toEof, long length) {
        this.in = in;
        this.what = what;
        this.chunked = chunked;
        this.toEof = toEof;
        this.left = chunked ? -1 : length;
        this.done = !chunked && !toEof && length == 0;
    }

    /** The body of a response with {@code head} to {@code method}. */
    static BodyReader of(StreamReader in, String method, ResponseHead head, String what) throws IOException {
        int s = head.status();
        if (method.equals("HEAD") || s == 204 || s == 304 || s == 101 || s < 200) return new BodyReader(in, what, false, false, 0);
        Headers h = head.headers();
        if (h.contains("Transfer-Encoding")) {
            String te = String.join(",", h.getAll("Transfer-Encoding")).trim().toLowerCase(java.util.Locale.ROOT);
            if (!te.endsWith("chunked")) return new BodyReader(in, what, false, true, -1);
            return new BodyReader(in, what, true, false, -1);
        }
        if (h.contains("Content-Length")) {
            java.util.List<String> all = h.getAll("Content-Length");
            long n;
            try {
                n = Long.parseLong(all.get(0).trim());
            } catch (NumberFormatException e) {
                throw new IOException(what + ": invalid Content-Length " + all.get(0));
            }
            for (String v : all) if (!v.trim().equals(all.get(0).trim())) throw new IOException(what + ": conflicting Content-Length values " + all);
            if (n < 0) throw new IOException(what + ": invalid Content-Length " + n);
            return new BodyReader(in, what, false, false, n);
        }
        return new BodyReader(in, what, false, true, -1);
    }

    /**
     * Refuses, at once, a body whose announced length (or next chunk) would pass {@code max} bytes, rather
     * than waiting for bytes it will not keep.
     */
    void refuseOver(long max) throws IOException {
        refuseOver = max;
        if (!chunked && !toEof) check(left);
    }

    private void check(long more) throws IOException {
        if (taken + more > refuseOver) {
            throw new IOException(what + ": the response body is larger than " + refuseOver
                    + " bytes, the most this session reads into memory (give the session a larger maxBody, or read content() as a stream)");
        }
    }

    /** Whether the body was read to its end. */
    boolean done() {
        return done;
    }

    /** Whether the body ends with the connection (which then cannot be reused). */
    boolean endsWithConnection() {
        return toEof;
    }

    /** Whether the body's length is given in advance. */
    long declaredLength() {
        return chunked || toEof ? -1 : left;
    }

    /** Up to {@code max} bytes, waiting for at least one; an empty array at the end. */
    byte[] next(int max) throws IOException {
        if (done) return new byte[0];
        try {
            if (toEof) {
                byte[] b = in.read(max);
                if (b.length == 0) done = true;
                taken += b.length;
                check(0);
                return b;
            }
            if (chunked && left <= 0) {
                if (left == 0) expectCrlf();
                left = chunkSize();
                check(left);
                if (left == 0) {
                    // Trailer fields: read and dropped; bounded in all as a head is
                    long trailers = 0;
                    for (int n; (n = in.readuntil(CRLF).length) > 2; ) {
                        trailers += n;
                        if (trailers > in.limit()) throw new IOException(what + ": the chunked body's trailer fields pass " + in.limit() + " bytes");
                    }
                    done = true;
                    return new byte[0];
                }
            }
            byte[] b = in.read((int) Math.min(max, left));
            if (b.length == 0) {
                throw new IOException(what + ": the connection closed with " + left + " bytes of the body "
                        + (chunked ? "chunk " : "") + "still to come");
            }
            left -= b.length;
            taken += b.length;
            if (!chunked && left == 0) done = true;
            return b;
        } catch (IncompleteReadError e) {
            throw new IOException(what + ": the connection closed in the middle of the chunked body", e);
        } catch (LimitOverrunError e) {
            throw new IOException(what + ": a chunk-size or trailer line of the response is longer than " + in.limit() + " bytes", e);
        }
    }

    private void expectCrlf() throws IOException {
        byte[] end = in.readexactly(2);
        if (end[0] != '\r' || end[1] != '\n') throw new IOException(what + ": a chunk does not end with CRLF");
    }

    private long chunkSize() throws IOException {
        String line = new String(in.readuntil(CRLF), StandardCharsets.ISO_8859_1).trim();
        int semi = line.indexOf(';');
        String hex = (semi < 0 ? line : line.substring(0, semi)).trim();
        if (hex.isEmpty() || hex.length() > 15 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IOException(what + ": invalid chunk size in the response: " + line.substring(0, Math.min(line.length(), 40)));
        }
        return Long.parseLong(hex, 16);
    }
}
