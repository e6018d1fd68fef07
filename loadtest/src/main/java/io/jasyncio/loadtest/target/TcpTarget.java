package io.jasyncio.loadtest.target;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;

/**
 * A raw TCP request/response target ({@code tcp://host:port}): the same payload sent over and over, each answer
 * framed by {@link TcpFraming}. Drives line protocols, length-prefixed ones and echo servers. With LINE framing
 * a newline is added to the payload if it has none; with LENGTH the 4-byte length is put in front.
 *
 * <p>Bounds: an answer of at most {@value #MAX_ANSWER} bytes (a longer line or length is a
 * {@link ProtocolViolation}).
 *
 * <p>Threading: immutable.
 */
public final class TcpTarget implements Wire {
    /** The largest answer, in bytes (and the largest payload). */
    public static final int MAX_ANSWER = 16 * 1024 * 1024;

    private final String host;
    private final int port;
    private final TcpFraming framing;
    private final ByteBuffer request;

    /**
     * A target sending {@code payload} to {@code host:port}, its answers framed by {@code framing}.
     *
     * @param host the host name or address
     * @param port the port, 1 to 65535
     * @param framing how answers end (and how the payload is framed)
     * @param payload the request's bytes (with LINE, without a newline but perhaps a last one)
     * @throws IllegalArgumentException a bad port, an empty or oversized payload, or a LINE payload with a newline
     *     inside
     */
    public TcpTarget(String host, int port, TcpFraming framing, byte[] payload) {
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be 1 to 65535, got " + port);
        if (payload.length == 0) throw new IllegalArgumentException("a TCP request needs a payload (--body)");
        if (payload.length > MAX_ANSWER) throw new IllegalArgumentException("the payload is over " + MAX_ANSWER + " bytes");
        this.host = host;
        this.port = port;
        this.framing = framing;
        byte[] bytes = switch (framing) {
            case LINE -> {
                for (int i = 0; i < payload.length - 1; i++) {
                    if (payload[i] == '\n') throw new IllegalArgumentException("a line request holds no newline but its last byte");
                }
                if (payload[payload.length - 1] == '\n') yield payload;
                byte[] b = java.util.Arrays.copyOf(payload, payload.length + 1);
                b[payload.length] = '\n';
                yield b;
            }
            case LENGTH -> {
                ByteBuffer b = ByteBuffer.allocate(4 + payload.length);
                b.putInt(payload.length).put(payload);
                yield b.array();
            }
            case ECHO -> payload;
        };
        this.request = Wire.direct(bytes);
    }

    /**
     * {@code tcp://host:port}.
     *
     * @param url {@code tcp://host:port}
     * @param framing how answers end
     * @param payload the request's bytes
     * @return the target
     * @throws IllegalArgumentException not such a URL, or a bad payload
     */
    public static TcpTarget parse(String url, TcpFraming framing, byte[] payload) {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + url + "' is not a URL: " + e.getReason());
        }
        if (!"tcp".equalsIgnoreCase(u.getScheme()) || u.getHost() == null || u.getPort() < 0) {
            throw new IllegalArgumentException("a TCP target is tcp://host:port, got '" + url + "'");
        }
        String h = u.getHost();
        if (h.startsWith("[")) h = h.substring(1, h.length() - 1);
        return new TcpTarget(h, u.getPort(), framing, payload);
    }

    /**
     * How its answers end.
     *
     * @return the framing
     */
    public TcpFraming framing() {
        return framing;
    }

    @Override
    public ByteBuffer request() {
        return request.duplicate();
    }

    @Override
    public ResponseReader newReader() {
        return new Reader(framing, request.remaining());
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String name() {
        return "tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + " (" + framing.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    /** Frames answers by line, length prefix or echoed size. */
    static final class Reader implements ResponseReader {
        private final TcpFraming framing;
        private final int echoSize;
        private long need = -1;     // LENGTH: bytes of the current answer's payload still to come; -1 reading the prefix
        private int prefixRead;
        private int prefix;
        private long got;           // LINE/ECHO: bytes of the current answer so far

        Reader(TcpFraming framing, int echoSize) {
            this.framing = framing;
            this.echoSize = echoSize;
        }

        @Override
        public void feed(ByteBuffer data, ResponseSink sink) {
            switch (framing) {
                case LINE -> {
                    int p = data.position();
                    int end = data.limit();
                    while (p < end) {
                        byte b = data.get(p++);
                        got++;
                        if (b == '\n') {
                            got = 0;
                            sink.response(null, 0, true);
                        } else if (got > MAX_ANSWER) {
                            throw new ProtocolViolation("an answer line over " + MAX_ANSWER + " bytes");
                        }
                    }
                    data.position(end);
                }
                case ECHO -> {
                    while (data.hasRemaining()) {
                        int n = (int) Math.min(data.remaining(), echoSize - got);
                        data.position(data.position() + n);
                        got += n;
                        if (got == echoSize) {
                            got = 0;
                            sink.response(null, 0, true);
                        }
                    }
                }
                case LENGTH -> {
                    while (data.hasRemaining()) {
                        if (need < 0) {
                            prefix = (prefix << 8) | (data.get() & 0xFF);
                            if (++prefixRead == 4) {
                                if (prefix < 0 || prefix > MAX_ANSWER) {
                                    throw new ProtocolViolation("an answer length of " + Integer.toUnsignedString(prefix)
                                            + " bytes, over the " + MAX_ANSWER + "-byte limit");
                                }
                                need = prefix;
                                prefix = 0;
                                prefixRead = 0;
                            }
                        } else {
                            int n = (int) Math.min(data.remaining(), need);
                            data.position(data.position() + n);
                            need -= n;
                        }
                        if (need == 0) {
                            need = -1;
                            sink.response(null, 0, true);
                        }
                    }
                }
            }
        }

        @Override
        public boolean eof(ResponseSink sink) {
            return false;
        }

        @Override
        public boolean midAnswer() {
            return got > 0 || prefixRead > 0 || need >= 0;
        }
    }
}
