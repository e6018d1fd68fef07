package io.jasyncio.http;

import java.io.IOException;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Undoes a response's {@code Content-Encoding} ({@code gzip}, {@code x-gzip} or {@code deflate}) a piece at a
 * time: each {@link #next} inflates at most {@code max} bytes, so a compression bomb costs time, not memory
 * (the buffered reads of {@link ClientResponse} bound the total).
 *
 * <p>Threading: the loop's thread, one reading task at a time.
 */
final class ContentDecoder {
    /** Where the compressed bytes come from. */
    @FunctionalInterface
    interface Source {
        byte[] next(int max) throws IOException;
    }

    private static final int GZIP_HEADER_MAX = 64 * 1024;

    private final Source in;
    private final boolean gzip;
    private final String what;
    private Inflater inflater;
    private byte[] header = new byte[0]; // gzip: the header bytes gathered so far
    private boolean finished;

    private ContentDecoder(Source in, boolean gzip, String what) {
        this.in = in;
        this.gzip = gzip;
        this.what = what;
    }

    /** A decoder for {@code encoding}, or null when there is nothing to undo (identity, absent, unknown). */
    static ContentDecoder of(String encoding, Source in, String what) {
        if (encoding == null) return null;
        String e = encoding.trim().toLowerCase(Locale.ROOT);
        if (e.equals("gzip") || e.equals("x-gzip")) return new ContentDecoder(in, true, what);
        if (e.equals("deflate")) return new ContentDecoder(in, false, what);
        return null;
    }

    /** Up to {@code max} inflated bytes; an empty array at the end. */
    byte[] next(int max) throws IOException {
        byte[] out = new byte[max];
        while (!finished) {
            if (inflater == null || inflater.needsInput()) {
                byte[] b = in.next(64 * 1024);
                if (b.length == 0) {
                    if (inflater == null && header.length == 0) return new byte[0]; // an empty body
                    throw new IOException(what + ": the compressed body ends before its compressed stream does");
                }
                if (inflater == null) {
                    b = start(b);
                    if (b == null) continue;
                }
                inflater.setInput(b);
            }
            try {
                int n = inflater.inflate(out);
                if (inflater.finished()) {
                    finished = true;
                    drain();
                }
                if (n > 0) return n == max ? out : java.util.Arrays.copyOf(out, n);
                if (inflater.needsDictionary()) throw new IOException(what + ": a deflate stream that needs a preset dictionary");
            } catch (DataFormatException e) {
                throw new IOException(what + ": the body is not valid " + (gzip ? "gzip" : "deflate") + " data: " + e.getMessage(), e);
            }
        }
        return new byte[0];
    }

    /** Reads the rest of the wire body (a gzip trailer, padding) so the connection can be reused. */
    private void drain() throws IOException {
        inflater.end();
        long extra = 0;
        for (byte[] b; (b = in.next(64 * 1024)).length > 0; ) {
            extra += b.length;
            if (extra > 64 * 1024) throw new IOException(what + ": more than 64 KiB after the end of the compressed stream");
        }
    }

    /** Makes the inflater once the stream's header is known; returns the bytes past it, or null for more. */
    private byte[] start(byte[] b) throws IOException {
        if (!gzip) {
            // "deflate" is zlib-wrapped (RFC 9110), but some servers send raw deflate: tell them apart
            boolean zlib = (b[0] & 0x0F) == 8 && b.length > 1 && ((b[0] & 0xFF) * 256 + (b[1] & 0xFF)) % 31 == 0;
            inflater = new Inflater(!zlib);
            return b;
        }
        byte[] all = java.util.Arrays.copyOf(header, header.length + b.length);
        System.arraycopy(b, 0, all, header.length, b.length);
        header = all;
        int end = gzipHeaderEnd(all);
        if (end < 0) {
            if (all.length > GZIP_HEADER_MAX) throw new IOException(what + ": a gzip header longer than 64 KiB");
            return null;
        }
        inflater = new Inflater(true);
        header = new byte[0];
        return java.util.Arrays.copyOfRange(all, end, all.length);
    }

    /** RFC 1952 2.3: the header's length, or -1 when more bytes are needed. */
    private int gzipHeaderEnd(byte[] h) throws IOException {
        if (h.length < 10) return -1;
        if ((h[0] & 0xFF) != 0x1f || (h[1] & 0xFF) != 0x8b || h[2] != 8) throw new IOException(what + ": the body is not gzip data");
        int flags = h[3] & 0xFF;
        int i = 10;
        if ((flags & 4) != 0) { // FEXTRA
            if (h.length < i + 2) return -1;
            i += 2 + ((h[i] & 0xFF) | (h[i + 1] & 0xFF) << 8);
        }
        for (int bit : new int[] {8, 16}) { // FNAME, FCOMMENT: zero-terminated
            if ((flags & bit) != 0) {
                while (i < h.length && h[i] != 0) i++;
                if (i >= h.length) return -1;
                i++;
            }
        }
        if ((flags & 2) != 0) i += 2; // FHCRC
        return i <= h.length ? i : -1;
    }

    /** Frees the inflater's native memory when the body is abandoned. */
    void close() {
        if (inflater != null) inflater.end();
    }
}
