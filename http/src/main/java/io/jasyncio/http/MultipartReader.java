package io.jasyncio.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * A {@code multipart/*} body read part by part as it arrives (aiohttp's {@code MultipartReader}, RFC 2046 section
 * 5.1 and RFC 7578): {@link #next()} gives each {@link Part} with its headers, whose bytes are then read with
 * {@link Part#read(int)} (or whole, within a limit, with {@link Part#readAll(long)}). A part not read to its end is
 * skipped by the next {@link #next()}. Memory stays bounded whatever the sizes of the parts.
 *
 * <p>Bounds, each an {@link HttpError} 400 naming it: a part's header block of at most {@link #MAX_PART_HEAD}
 * bytes and {@link RequestParser#MAX_FIELDS} fields; a preamble of at most {@link #MAX_PREAMBLE} bytes; a body
 * that ends before its closing boundary. The runner's body timeouts apply to every read, as to
 * {@link RequestContent}'s.
 *
 * <p>Threading: the loop's thread, in the handler's task.
 */
public final class MultipartReader {
    /** The most bytes of one part's header block (aiohttp's max_field_size, 8190). */
    public static final int MAX_PART_HEAD = 8190;
    /** The most bytes before the first boundary. */
    public static final int MAX_PREAMBLE = 64 * 1024;

    private final RequestContent in;
    /** "\r\n--boundary": what ends a part. */
    private final byte[] delimiter;
    private byte[] buf = new byte[16 * 1024];
    private int start, end;
    private boolean inputEnded;
    private Part current;
    private boolean finished;
    private boolean started;

    private MultipartReader(RequestContent in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The reader of {@code request}'s body; a 400 when it is not {@code multipart/*} with a valid boundary. */
    static MultipartReader of(Request request) {
        String type = request.header("Content-Type");
        if (type == null || !HeaderParams.mainValue(type).startsWith("multipart/")) {
            throw new HttpError(400, "the request body is not multipart: Content-Type is " + type);
        }
        String boundary = HeaderParams.parse(type).get("boundary");
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
            throw new HttpError(400, "a multipart body needs a boundary of 1 to 70 characters (RFC 2046), got " + boundary);
        }
        for (int i = 0; i < boundary.length(); i++) {
            char c = boundary.charAt(i);
            if (c < ' ' || c > '~') throw new HttpError(400, "invalid character in the multipart boundary");
        }
        return new MultipartReader(request.content(), boundary);
    }

    /**
     * The next part, or null after the last one (the closing boundary).
     *
     * @return the next part, or null when the body's closing boundary was read
     * @throws IOException if the connection fails; an {@link HttpError} 400 for a malformed body
     */
    public Part next() throws IOException {
        if (finished) return null;
        if (current != null) {
            while (current.read(64 * 1024).length > 0) {
                // skip what the handler left of it
            }
        }
        current = null;
        if (!started) {
            started = true;
            skipPreamble();
        }
        // just after a delimiter: "--" closes the body, CRLF (after optional padding) starts a part
        need(2);
        if (buf[start] == '-' && buf[start + 1] == '-') {
            finished = true;
            return null;
        }
        int lineEnd = indexOf(new byte[] {'\r', '\n'}, start, Math.min(end, start + 256));
        while (lineEnd < 0) {
            if (end - start >= 256) throw new HttpError(400, "malformed multipart body: no line end after a boundary");
            fill();
            lineEnd = indexOf(new byte[] {'\r', '\n'}, start, end);
        }
        for (int i = start; i < lineEnd; i++) {
            if (buf[i] != ' ' && buf[i] != '\t') throw new HttpError(400, "malformed multipart body: text after a boundary");
        }
        start = lineEnd + 2;
        current = new Part(readHeaders());
        return current;
    }

    private void skipPreamble() throws IOException {
        byte[] first = Arrays.copyOfRange(delimiter, 2, delimiter.length); // "--boundary" at the very start
        need(first.length);
        if (startsWith(first, start)) {
            start += first.length;
            return;
        }
        long skipped = 0;
        while (true) {
            int i = indexOf(delimiter, start, end);
            if (i >= 0) {
                start = i + delimiter.length;
                return;
            }
            int keep = Math.min(end - start, delimiter.length - 1);
            skipped += end - start - keep;
            if (skipped > MAX_PREAMBLE) throw new HttpError(400, "the multipart preamble is longer than " + MAX_PREAMBLE + " bytes");
            start = end - keep;
            if (!fill()) throw new HttpError(400, "the multipart body has no boundary");
        }
    }

    private Headers readHeaders() throws IOException {
        int headEnd;
        while (true) {
            if (end - start >= 2 && buf[start] == '\r' && buf[start + 1] == '\n') {
                start += 2;
                return new Headers(); // no header fields
            }
            headEnd = indexOf(new byte[] {'\r', '\n', '\r', '\n'}, start, end);
            if (headEnd >= 0) break;
            if (end - start > MAX_PART_HEAD) throw new HttpError(400, "a multipart part's header is longer than " + MAX_PART_HEAD + " bytes");
            if (!fill()) throw new HttpError(400, "the multipart body ended in a part's header");
        }
        if (headEnd - start > MAX_PART_HEAD) throw new HttpError(400, "a multipart part's header is longer than " + MAX_PART_HEAD + " bytes");
        String block = new String(buf, start, headEnd - start, StandardCharsets.UTF_8);
        start = headEnd + 4;
        Headers h = new Headers();
        int fields = 0;
        for (String line : block.split("\r\n")) {
            if (++fields > RequestParser.MAX_FIELDS) throw new HttpError(400, "a multipart part has more than " + RequestParser.MAX_FIELDS + " header fields");
            int colon = line.indexOf(':');
            if (colon <= 0) throw new HttpError(400, "malformed header line in a multipart part");
            try {
                h.add(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, "invalid header in a multipart part: " + e.getMessage());
            }
        }
        return h;
    }

    /** Reads more of the body into the buffer; false at its end. */
    private boolean fill() throws IOException {
        if (inputEnded) return false;
        byte[] more = in.read(32 * 1024);
        if (more.length == 0) {
            inputEnded = true;
            return false;
        }
        if (start > 0 && end - start + more.length <= buf.length) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end + more.length > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, end + more.length));
        System.arraycopy(more, 0, buf, end, more.length);
        end += more.length;
        return true;
    }

    /** Makes {@code n} bytes available, or fails: the body ended before its closing boundary. */
    private void need(int n) throws IOException {
        while (end - start < n) {
            if (!fill()) throw new HttpError(400, "the multipart body ended before its closing boundary");
        }
    }

    private boolean startsWith(byte[] what, int at) {
        if (end - at < what.length) return false;
        for (int i = 0; i < what.length; i++) if (buf[at + i] != what[i]) return false;
        return true;
    }

    private int indexOf(byte[] what, int from, int to) {
        outer:
        for (int i = from; i <= to - what.length; i++) {
            for (int j = 0; j < what.length; j++) if (buf[i + j] != what[j]) continue outer;
            return i;
        }
        return -1;
    }

    /**
     * One part of a multipart body (aiohttp's {@code BodyPartReader}): its headers, then its bytes.
     *
     * <p>Threading: as its reader's.
     */
    public final class Part {
        private final Headers headers;
        private final Map<String, String> disposition;
        private boolean done;

        private Part(Headers headers) {
            this.headers = headers;
            String d = headers.get("Content-Disposition");
            this.disposition = d == null ? Map.of() : HeaderParams.parse(d);
        }

        /**
         * The part's own headers (aiohttp's {@code BodyPartReader.headers}).
         *
         * @return the headers
         */
        public Headers headers() {
            return headers;
        }

        /**
         * The form field's name ({@code Content-Disposition: form-data; name=...}), or null.
         *
         * @return the field name, or null
         */
        public String name() {
            return disposition.get("name");
        }

        /**
         * The uploaded file's name as the client gave it (never a path to trust), or null.
         *
         * @return the file name, or null
         */
        public String filename() {
            return disposition.get("filename");
        }

        /**
         * The part's {@code Content-Type}, or null.
         *
         * @return the content type, or null
         */
        public String contentType() {
            return headers.get("Content-Type");
        }

        /**
         * Up to {@code n} bytes of the part (at least one, waiting for it), or an empty array at its end.
         *
         * @param n the most bytes to return, 1 or more
         * @return the bytes read, empty at the part's end
         * @throws IOException if the connection fails; an {@link HttpError} 400 if the body ends before its closing
         *     boundary
         * @throws IllegalArgumentException if {@code n} is less than 1
         */
        public byte[] read(int n) throws IOException {
            if (n <= 0) throw new IllegalArgumentException("n must be > 0, got " + n);
            if (done) return new byte[0];
            while (true) {
                int d = indexOf(delimiter, start, end);
                if (d >= 0) {
                    if (d == start) { // the part ends here
                        start += delimiter.length;
                        done = true;
                        return new byte[0];
                    }
                    int k = Math.min(n, d - start);
                    byte[] out = Arrays.copyOfRange(buf, start, start + k);
                    start += k;
                    return out;
                }
                int safe = end - start - (delimiter.length - 1); // a delimiter may straddle what is still to come
                if (safe > 0) {
                    int k = Math.min(n, safe);
                    byte[] out = Arrays.copyOfRange(buf, start, start + k);
                    start += k;
                    return out;
                }
                if (!fill()) throw new HttpError(400, "the multipart body ended before its closing boundary");
            }
        }

        /**
         * The whole part; more than {@code limit} bytes is an {@link HttpError} 413.
         *
         * @param limit the most bytes accepted
         * @return the part's bytes
         * @throws IOException if the connection fails; an {@link HttpError} 413 past {@code limit}, 400 for a malformed
         *     body
         */
        public byte[] readAll(long limit) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] b; (b = read(64 * 1024)).length > 0; ) {
                if (out.size() + b.length > limit) throw new HttpError(413, "413: a multipart part is larger than " + limit + " bytes");
                out.write(b, 0, b.length);
            }
            return out.toByteArray();
        }

        @Override
        public String toString() {
            return "<Part name=" + name() + (filename() == null ? "" : " filename=" + filename()) + ">";
        }
    }
}
