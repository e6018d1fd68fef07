package io.jasyncio.http;

import java.io.ByteArrayOutputStream;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Response compression (aiohttp's {@code enable_compression}, Vert.x's {@code setCompressionSupported}): gzip or
 * deflate (the zlib format, RFC 9110 section 8.4.1.2), chosen by the request's {@code Accept-Encoding} q-values,
 * gzip first at equal weight. A body is compressed when its handler asked ({@link Response#enableCompression()},
 * {@link StreamResponse#enableCompression()}) or the runner compresses automatically
 * ({@link AppRunner#autoCompress(int)}: bodies of at least that many bytes with a textual content type).
 *
 * <p>It is not compressed for HEAD, for a status without a body (1xx, 204, 304), when the response already has
 * a {@code Content-Encoding}, or when the client accepts neither coding; then identity is sent even if the client
 * said {@code identity;q=0} (the exception RFC 9110 section 12.5.3 allows, as nginx does), but an automatic
 * compression below its threshold does compress for a client that refuses identity. A response that considered
 * compressing says {@code Vary: Accept-Encoding}, so caches keep the variants apart, and a strong {@code ETag} of
 * a compressed response is made weak (as nginx does: the bytes differ from the identity's).
 *
 * <p>Memory: a {@link Response}'s body is compressed into a new array no larger than the body plus a few bytes
 * per 16 KiB; a {@link StreamResponse} is compressed write by write, holding only the deflater's window.
 *
 * <p>Threading: one compressor per response, used in its handler's task.
 */
final class Compression {
    enum Mode {
        NEGOTIATE, GZIP, DEFLATE;

        static Mode forced(String coding) {
            return switch (coding == null ? "" : coding.toLowerCase(Locale.ROOT)) {
                case "gzip" -> GZIP;
                case "deflate" -> DEFLATE;
                default -> throw new IllegalArgumentException("a response is compressed with gzip or deflate, not " + coding);
            };
        }
    }

    /** The Accept-Encoding fields read at most (the parser bounds their size). */
    private static final int MAX_CODINGS = 64;

    private Compression() {}

    /** The coding to use for a request that accepts {@code acceptEncoding} (all its fields joined), or null. */
    static String negotiate(String acceptEncoding) {
        if (acceptEncoding == null) return null;
        double gzip = -1, deflate = -1, star = -1;
        int n = 0;
        for (String part : acceptEncoding.split(",")) {
            if (part.isBlank()) continue; // RFC 9110 section 5.6.1: empty list elements are ignored
            if (++n > MAX_CODINGS) break;
            String[] p = part.split(";");
            String coding = p[0].trim().toLowerCase(Locale.ROOT);
            double q = 1;
            for (int i = 1; i < p.length; i++) {
                String a = p[i].trim();
                if (a.length() > 2 && (a.charAt(0) == 'q' || a.charAt(0) == 'Q') && a.charAt(1) == '=') {
                    try {
                        q = Double.parseDouble(a.substring(2).trim());
                    } catch (NumberFormatException e) {
                        q = 0; // a weight that cannot be read accepts nothing
                    }
                    if (!(q >= 0 && q <= 1)) q = 0;
                }
            }
            switch (coding) {
                case "gzip", "x-gzip" -> gzip = Math.max(gzip, q);
                case "deflate" -> deflate = Math.max(deflate, q);
                case "*" -> star = Math.max(star, q);
                default -> { }
            }
        }
        if (gzip < 0) gzip = star;
        if (deflate < 0) deflate = star;
        if (gzip <= 0 && deflate <= 0) return null;
        return gzip >= deflate ? "gzip" : "deflate";
    }

    /** Whether {@code acceptEncoding} refuses an uncompressed body ({@code identity;q=0}, or {@code *;q=0} alone). */
    static boolean identityRefused(String acceptEncoding) {
        if (acceptEncoding == null) return false;
        Boolean identity = null, star = null;
        for (String part : acceptEncoding.split(",")) {
            String[] p = part.split(";");
            String coding = p[0].trim().toLowerCase(Locale.ROOT);
            boolean zero = false;
            for (int i = 1; i < p.length; i++) {
                String a = p[i].trim().replace(" ", "");
                if (a.matches("[qQ]=0(\\.0{0,3})?")) zero = true;
            }
            if (coding.equals("identity")) identity = zero;
            else if (coding.equals("*")) star = zero;
        }
        return identity != null ? identity : star != null && star;
    }

    private static boolean textual(String contentType) {
        if (contentType == null) return false;
        String t = contentType.toLowerCase(Locale.ROOT);
        int semi = t.indexOf(';');
        if (semi >= 0) t = t.substring(0, semi).trim();
        if (t.equals("text/event-stream")) return false; // events must go out as written, not when a block fills
        return t.startsWith("text/") || t.equals("application/json") || t.equals("application/javascript")
                || t.equals("application/xml") || t.endsWith("+json") || t.endsWith("+xml")
                || t.equals("application/x-www-form-urlencoded") || t.equals("image/svg+xml");
    }

    /** The coding {@code resp} is to be sent with for {@code r}, or null; adds {@code Vary} when it considered one. */
    static String choose(Request r, Mode mode, Headers respHeaders, int status, int autoMin, long size, String contentType) {
        if (mode == null && autoMin < 0) return null;
        if (r.method().equals("HEAD") || HttpStatus.bodyless(status) || respHeaders.contains("Content-Encoding")) return null;
        if (mode == null && !textual(contentType)) return null;
        String accept = r.headers().contains("Accept-Encoding") ? String.join(",", r.headers().getAll("Accept-Encoding")) : null;
        addVary(respHeaders);
        if (mode == Mode.GZIP) return "gzip";
        if (mode == Mode.DEFLATE) return "deflate";
        String coding = negotiate(accept);
        if (coding == null) return null;
        if (mode == null && size >= 0 && size < autoMin && !identityRefused(accept)) return null;
        return coding;
    }

    private static void addVary(Headers h) {
        for (String v : h.getAll("Vary")) {
            for (String t : v.split(",")) {
                String x = t.trim();
                if (x.equalsIgnoreCase("Accept-Encoding") || x.equals("*")) return;
            }
        }
        h.add("Vary", "Accept-Encoding");
    }

    /** {@code resp} compressed for {@code r} when it should be (see the class comment); else {@code resp} itself. */
    static Response apply(Request r, Response resp, int autoMin) {
        Mode mode = resp.compression();
        if (mode == null && autoMin < 0 || resp.getClass() != Response.class) return resp; // a subclass is not in memory
        Headers h = resp.headers();
        String coding = choose(r, mode, h, resp.status(), autoMin, resp.body().length, h.get("Content-Type"));
        if (coding == null) return resp;
        Compressor c = new Compressor(coding);
        byte[] body;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, resp.body().length / 4));
            out.writeBytes(c.compress(resp.body()));
            out.writeBytes(c.finish());
            body = out.toByteArray();
        } finally {
            c.end();
        }
        Response z = new Response(resp.status(), body, null);
        for (String name : h.names()) {
            for (String v : h.getAll(name)) z.headers().add(name, v);
        }
        z.headers().set("Content-Encoding", coding);
        weakenEtag(z.headers());
        return z;
    }

    /** A strong ETag names exact bytes: the compressed ones are not the identity's. */
    static void weakenEtag(Headers h) {
        String etag = h.get("ETag");
        if (etag != null && etag.startsWith("\"")) h.set("ETag", "W/" + etag);
    }

    /**
     * A gzip (RFC 1952) or zlib (RFC 1950) stream made piece by piece with a {@link Deflater}, holding only its
     * window and a 16 KiB output buffer. {@link #end()} frees the deflater's native memory.
     */
    static final class Compressor {
        private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
        private final Deflater deflater;
        private final boolean gzip;
        private final CRC32 crc;
        private final byte[] buf = new byte[16 * 1024];
        private boolean started;
        private long inputLength;

        Compressor(String coding) {
            this.gzip = coding.equals("gzip");
            this.deflater = new Deflater(6, gzip); // gzip: raw deflate inside our own header and trailer
            this.crc = gzip ? new CRC32() : null;
        }

        /** The compressed bytes {@code data} yields now (possibly none: the deflater keeps a window). */
        byte[] compress(byte[] data) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            start(out);
            if (gzip) crc.update(data);
            inputLength += data.length;
            deflater.setInput(data);
            while (!deflater.needsInput()) {
                int n = deflater.deflate(buf, 0, buf.length, Deflater.NO_FLUSH);
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }

        /** The rest of the stream: what the deflater held, and gzip's trailer. */
        byte[] finish() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            start(out);
            deflater.finish();
            while (!deflater.finished()) {
                int n = deflater.deflate(buf);
                out.write(buf, 0, n);
            }
            if (gzip) {
                long v = crc.getValue();
                for (int i = 0; i < 4; i++) out.write((int) (v >>> (8 * i)));
                for (int i = 0; i < 4; i++) out.write((int) (inputLength >>> (8 * i)));
            }
            return out.toByteArray();
        }

        void end() {
            deflater.end();
        }

        private void start(ByteArrayOutputStream out) {
            if (started) return;
            started = true;
            if (gzip) out.writeBytes(GZIP_HEADER);
        }
    }
}
