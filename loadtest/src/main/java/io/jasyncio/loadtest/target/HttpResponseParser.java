package io.jasyncio.loadtest.target;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An incremental HTTP/1.1 response parser that does only what a load generator needs: the status, where the
 * answer ends (Content-Length, chunked, or the connection's close), and whether the connection stays open.
 * With {@code capture} it also keeps the header fields and the body (up to {@code maxBody} bytes) for a
 * scenario's checks; without, the body is skipped unread. 1xx interim answers are passed over; lines may end
 * in CRLF or a bare LF.
 *
 * <p>Bounds: the status line and headers (and a chunked body's trailers) together at most
 * {@value #MAX_HEAD} bytes, a chunk-size line at most {@value #MAX_CHUNK_LINE}; a captured body at most
 * {@code maxBody}. Anything over, or not HTTP, is a {@link ProtocolViolation}.
 *
 * <p>Threading: the event loop's thread only (one per connection).
 */
public final class HttpResponseParser implements ResponseReader {
    /** The most bytes of a status line and headers (or a chunked body's trailers). */
    public static final int MAX_HEAD = 64 * 1024;
    /** The longest chunk-size line, in bytes. */
    public static final int MAX_CHUNK_LINE = 1024;

    private enum State { STATUS, HEADERS, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE }

    private final boolean capture;
    private final int maxBody;
    private boolean headRequest;

    private State state = State.STATUS;
    private byte[] line = new byte[256];
    private int lineLength;
    private int headBytes;
    private int status;
    private boolean http10;
    private boolean keepAlive;
    private boolean closeToken;
    private boolean keepAliveToken;
    private long contentLength;
    private boolean chunked;
    private long remaining;
    private boolean started;
    private List<String[]> headers;
    private ByteArrayOutputStream body;

    /** The last answer, when capturing. */
    private Response last;

    /**
     * A captured answer: status, header fields (names in lower case, in order) and body.
     *
     * <p>Threading: immutable once complete (the body array is not copied: do not change it).
     *
     * @param status the status code
     * @param headers the header fields as {name, value} pairs, names in lower case, in order
     * @param body the body (empty if none)
     */
    public record Response(int status, List<String[]> headers, byte[] body) {
        /**
         * The first value of header {@code name} (any case), or null.
         *
         * @param name the header's name
         * @return its first value, or null
         */
        public String header(String name) {
            for (String[] h : headers) if (h[0].equalsIgnoreCase(name)) return h[1];
            return null;
        }

        /**
         * The body as UTF-8 text.
         *
         * @return the text
         */
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * A parser; {@code capture} keeps headers and body (up to {@code maxBody} bytes); {@code headRequest}: every
     * answer is to a HEAD request, so none has a body.
     *
     * @param capture whether to keep headers and body
     * @param maxBody the largest body kept, in bytes (over it: a ProtocolViolation)
     * @param headRequest whether every answer is to a HEAD request
     */
    public HttpResponseParser(boolean capture, int maxBody, boolean headRequest) {
        this.capture = capture;
        this.maxBody = maxBody;
        this.headRequest = headRequest;
    }

    /**
     * Whether the next answer is to a HEAD request (a scenario's client sets this before each request).
     *
     * @param head true if the next request is a HEAD
     */
    public void headRequest(boolean head) {
        this.headRequest = head;
    }

    /**
     * The last complete answer, when capturing.
     *
     * @return the answer, or null before the first or without capture
     */
    public Response last() {
        return last;
    }

    @Override
    public boolean midAnswer() {
        return started;
    }

    @Override
    public void feed(ByteBuffer data, ResponseSink sink) {
        if (data.hasArray()) {
            int p = data.arrayOffset() + data.position();
            int end = data.arrayOffset() + data.limit();
            data.position(data.limit());
            feed(data.array(), p, end, sink);
            return;
        }
        // A direct buffer (the transports read into one): copied in bulk, a chunk at a time, and parsed from the
        // array; reading it a byte at a time costs a bounds and liveness check per byte.
        byte[] chunk = SCRATCH.get();
        while (data.hasRemaining()) {
            int n = Math.min(chunk.length, data.remaining());
            data.get(chunk, 0, n);
            feed(chunk, 0, n, sink);
        }
    }

    /** One chunk per loop thread for {@link #feed}: parsers run on their loop's thread, one call at a time. */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[16 * 1024]);

    /** Consumes {@code a[p, end)}. */
    private void feed(byte[] a, int p, int end, ResponseSink sink) {
        while (p < end) {
            switch (state) {
                case STATUS, HEADERS, CHUNK_SIZE, CHUNK_END, TRAILERS -> {
                    started = true;
                    int next = readLine(a, p, end);
                    if (next < 0) return;
                    p = next;
                    onLine(sink);
                    lineLength = 0;
                }
                case BODY, CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, end - p);
                    take(a, p, n);
                    p += n;
                    remaining -= n;
                    if (remaining == 0) {
                        if (state == State.BODY) complete(sink);
                        else state = State.CHUNK_END;
                    }
                }
                case UNTIL_CLOSE -> {
                    take(a, p, end - p);
                    p = end;
                }
            }
        }
    }

    /** Keeps {@code n} body bytes from {@code a[p]} when capturing. */
    private void take(byte[] a, int p, int n) {
        if (!capture) return;
        if (body.size() + (long) n > maxBody) {
            throw new ProtocolViolation("the answer's body is over the " + maxBody + "-byte limit");
        }
        body.write(a, p, n);
    }

    /**
     * Adds the bytes of {@code a[p, end)} up to and including the next LF to the line: returns where the rest
     * starts once the line is complete, -1 when all of it was taken and the line goes on.
     */
    private int readLine(byte[] a, int p, int end) {
        int limit = state == State.CHUNK_SIZE || state == State.CHUNK_END ? MAX_CHUNK_LINE : MAX_HEAD - headBytes;
        int lf = p;
        while (lf < end && a[lf] != '\n') lf++;
        int n = lf - p;
        if (lineLength + n > limit) {
            throw new ProtocolViolation(state == State.CHUNK_SIZE || state == State.CHUNK_END
                    ? "a chunk-size line over " + MAX_CHUNK_LINE + " bytes"
                    : "the answer's head is over " + MAX_HEAD + " bytes");
        }
        if (lineLength + n > line.length) {
            line = java.util.Arrays.copyOf(line, Math.min(Math.max(line.length * 2, lineLength + n), MAX_HEAD));
        }
        System.arraycopy(a, p, line, lineLength, n);
        lineLength += n;
        if (lf == end) return -1;
        if (lineLength > 0 && line[lineLength - 1] == '\r') lineLength--;
        return lf + 1;
    }

    private void onLine(ResponseSink sink) {
        if (state != State.CHUNK_SIZE && state != State.CHUNK_END) headBytes += lineLength + 2;
        switch (state) {
            case STATUS -> statusLine();
            case HEADERS -> {
                if (lineLength == 0) endOfHead(sink);
                else headerLine();
            }
            case CHUNK_SIZE -> chunkSize();
            case CHUNK_END -> {
                if (lineLength != 0) throw new ProtocolViolation("a chunk's data is not followed by CRLF");
                state = State.CHUNK_SIZE;
            }
            case TRAILERS -> {
                if (lineLength == 0) complete(sink);
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void statusLine() {
        // HTTP/1.x SP 3DIGIT [SP reason]
        if (lineLength < 12 || line[0] != 'H' || line[1] != 'T' || line[2] != 'T' || line[3] != 'P' || line[4] != '/'
                || line[5] != '1' || line[6] != '.' || (line[7] != '0' && line[7] != '1') || line[8] != ' '
                || !digit(line[9]) || !digit(line[10]) || !digit(line[11]) || (lineLength > 12 && line[12] != ' ')) {
            throw new ProtocolViolation("not an HTTP/1.x status line: '" + shown() + "'");
        }
        status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
        http10 = line[7] == '0';
        closeToken = false;
        keepAliveToken = false;
        contentLength = -1;
        chunked = false;
        if (capture) {
            headers = new ArrayList<>();
            body = new ByteArrayOutputStream();
        }
        state = State.HEADERS;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    private String shown() {
        int n = Math.min(lineLength, 80);
        return new String(line, 0, n, StandardCharsets.ISO_8859_1) + (lineLength > n ? "..." : "");
    }

    private void headerLine() {
        int colon = -1;
        for (int i = 0; i < lineLength; i++) {
            if (line[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon < 1) throw new ProtocolViolation("a header line without a name and a colon: '" + shown() + "'");
        int vs = colon + 1;
        int ve = lineLength;
        while (vs < ve && (line[vs] == ' ' || line[vs] == '\t')) vs++;
        while (ve > vs && (line[ve - 1] == ' ' || line[ve - 1] == '\t')) ve--;
        if (nameIs(colon, "content-length")) {
            long v = 0;
            if (vs == ve) throw new ProtocolViolation("an empty Content-Length");
            for (int i = vs; i < ve; i++) {
                if (!digit(line[i]) || v > (Long.MAX_VALUE - 9) / 10) throw new ProtocolViolation("a bad Content-Length: '" + shown() + "'");
                v = v * 10 + (line[i] - '0');
            }
            if (contentLength >= 0 && contentLength != v) throw new ProtocolViolation("two different Content-Length values");
            contentLength = v;
        } else if (nameIs(colon, "transfer-encoding")) {
            chunked = endsWithToken(vs, ve, "chunked");
            if (!chunked) throw new ProtocolViolation("a Transfer-Encoding whose last coding is not chunked: '" + shown() + "'");
        } else if (nameIs(colon, "connection")) {
            closeToken |= containsToken(vs, ve, "close");
            keepAliveToken |= containsToken(vs, ve, "keep-alive");
        }
        if (capture) {
            headers.add(new String[] {new String(line, 0, colon, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT),
                    new String(line, vs, ve - vs, StandardCharsets.ISO_8859_1)});
        }
    }

    /** Whether the header name (line[0, end)) is {@code lower}, ignoring case. */
    private boolean nameIs(int end, String lower) {
        if (end != lower.length()) return false;
        for (int i = 0; i < end; i++) {
            int c = line[i];
            if (c >= 'A' && c <= 'Z') c += 32;
            if (c != lower.charAt(i)) return false;
        }
        return true;
    }

    /** Whether the comma-separated list in line[from, to) has the token {@code lower} (any case), without allocating. */
    private boolean containsToken(int from, int to, String lower) {
        int i = from;
        while (i < to) {
            int end = i;
            while (end < to && line[end] != ',') end++;
            if (tokenIs(i, end, lower)) return true;
            i = end + 1;
        }
        return false;
    }

    /** Whether the last element of the comma-separated list in line[from, to) is {@code lower} (any case). */
    private boolean endsWithToken(int from, int to, String lower) {
        int start = to;
        while (start > from && line[start - 1] != ',') start--;
        return tokenIs(start, to, lower);
    }

    /** Whether line[from, to), less surrounding blanks, is {@code lower}, ignoring case. */
    private boolean tokenIs(int from, int to, String lower) {
        while (from < to && (line[from] == ' ' || line[from] == '\t')) from++;
        while (to > from && (line[to - 1] == ' ' || line[to - 1] == '\t')) to--;
        if (to - from != lower.length()) return false;
        for (int k = 0; k < lower.length(); k++) {
            int c = line[from + k];
            if (c >= 'A' && c <= 'Z') c += 32;
            if (c != lower.charAt(k)) return false;
        }
        return true;
    }

    private void endOfHead(ResponseSink sink) {
        keepAlive = http10 ? keepAliveToken && !closeToken : !closeToken;
        if (status >= 100 && status < 200 && status != 101) { // interim: the real answer follows
            state = State.STATUS;
            headBytes = 0;
            return;
        }
        if (headRequest || status == 204 || status == 304 || status == 101) {
            complete(sink);
        } else if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (contentLength >= 0) {
            remaining = contentLength;
            if (remaining == 0) complete(sink);
            else state = State.BODY;
        } else {
            keepAlive = false;
            state = State.UNTIL_CLOSE;
        }
    }

    private void chunkSize() {
        long size = 0;
        int digits = 0;
        for (int i = 0; i < lineLength; i++) {
            byte b = line[i];
            int d = b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10 : b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;
            if (d < 0) {
                if (b == ';' || b == ' ' || b == '\t') break;
                throw new ProtocolViolation("a bad chunk-size line: '" + shown() + "'");
            }
            if (++digits > 15) throw new ProtocolViolation("a chunk size over 15 hex digits");
            size = size * 16 + d;
        }
        if (digits == 0) throw new ProtocolViolation("a chunk-size line without a size: '" + shown() + "'");
        if (size == 0) {
            state = State.TRAILERS;
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
    }

    private void complete(ResponseSink sink) {
        if (capture) last = new Response(status, List.copyOf(headers), body.toByteArray());
        state = State.STATUS;
        headBytes = 0;
        started = false;
        int s = status;
        sink.response(s >= 400 ? (s >= 500 ? "http_5xx" : "http_4xx") : null, s, keepAlive);
    }

    @Override
    public boolean eof(ResponseSink sink) {
        if (state == State.UNTIL_CLOSE) {
            complete(sink);
            return true;
        }
        return false;
    }
}
