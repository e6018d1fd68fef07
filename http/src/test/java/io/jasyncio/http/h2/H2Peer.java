package io.jasyncio.http.h2;

import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.Streams;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An HTTP/2 client written frame by frame, for tests: it sends whatever frames a test builds (hostile ones too)
 * and reads the server's frames as they come. Runs in a task of the test's loop.
 */
final class H2Peer implements AutoCloseable {
    final StreamPair c;
    final FrameReader reader = new FrameReader(FrameReader.MAX_MAX_FRAME_SIZE);
    final HpackEncoder encoder = new HpackEncoder();
    final HpackDecoder decoder = new HpackDecoder(4096, 1 << 20);
    /** The server's SETTINGS, as received first. */
    Frame.Settings serverSettings;
    /** Frames read while waiting for others. */
    final List<Object> other = new ArrayList<>();
    /** Send WINDOW_UPDATE for each DATA frame received. */
    boolean autoWindow = true;
    long dataReceived;
    /** The windows the server gave this peer: the connection's, and each stream's credit beyond the initial 65,535. */
    long connWindow = 65_535;
    final Map<Integer, Long> streamCredit = new HashMap<>();

    /**
     * A response as read: status, fields, body, how the stream ended (null: END_STREAM), and the bytes of its
     * HEADERS, CONTINUATION and DATA frames as they came (frame headers included).
     */
    record Response(int status, List<HeaderField> headers, byte[] body, ErrorCode reset, long wireBytes) {
        String header(String name) {
            for (HeaderField f : headers) if (f.name().equals(name)) return f.value();
            return null;
        }

        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private H2Peer(StreamPair c) {
        this.c = c;
    }

    /** Connects, sends the preface and {@code settings}, and reads (and acknowledges) the server's SETTINGS. */
    static H2Peer open(int port, long... settings) throws Exception {
        return start(new H2Peer(Streams.openConnection("127.0.0.1", port)), settings);
    }

    /** {@link #open} over TLS, offering only h2 by ALPN (the server's certificate is TestCerts'). */
    static H2Peer openTls(int port, long... settings) throws Exception {
        javax.net.ssl.SSLContext ctx = io.jasyncio.http.TestCerts.client();
        javax.net.ssl.SSLParameters params = ctx.getDefaultSSLParameters();
        params.setApplicationProtocols(new String[] {"h2"});
        io.jasyncio.tls.TlsOptions tls = io.jasyncio.tls.TlsOptions.client(ctx).withServerHostname("localhost").withParameters(params);
        StreamPair c = Streams.openConnection("127.0.0.1", port, io.jasyncio.streams.StreamReader.DEFAULT_LIMIT,
                io.jasyncio.transport.ConnectOptions.overTls(tls));
        return start(new H2Peer(c), settings);
    }

    private static H2Peer start(H2Peer p, long... settings) {
        p.c.writer().write(FrameWriter.PREFACE);
        p.send(FrameWriter.settings(settings));
        Frame f = p.next();
        if (!(f instanceof Frame.Settings s) || s.ack()) throw new AssertionError("SETTINGS expected first, got " + f);
        p.serverSettings = s;
        p.send(FrameWriter.settingsAck());
        return p;
    }

    /**
     * h2c by Upgrade: sends {@code request} (an HTTP/1.1 head), reads the server's answer head; on a 101 sends the
     * preface and {@code settings} and reads the server's SETTINGS as {@link #open} does. Returns the peer and the
     * answer's head (the peer reads on after it, whatever the status).
     */
    static Map.Entry<H2Peer, String> upgrade(int port, String request, long... settings) throws Exception {
        H2Peer p = new H2Peer(Streams.openConnection("127.0.0.1", port));
        p.c.writer().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String head = new String(p.c.reader().readuntil("\r\n\r\n".getBytes()), java.nio.charset.StandardCharsets.US_ASCII);
        if (!head.startsWith("HTTP/1.1 101 ")) return Map.entry(p, head);
        p.c.writer().write(FrameWriter.PREFACE);
        p.send(FrameWriter.settings(settings));
        Frame f = p.next();
        if (!(f instanceof Frame.Settings s) || s.ack()) throw new AssertionError("SETTINGS expected first after the 101, got " + f);
        p.serverSettings = s;
        p.send(FrameWriter.settingsAck());
        return Map.entry(p, head);
    }

    void send(ByteBuffer frame) {
        byte[] b = new byte[frame.remaining()];
        frame.get(b);
        c.writer().write(b);
    }

    void sendAll(List<ByteBuffer> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer f : frames) {
            byte[] b = new byte[f.remaining()];
            f.get(b);
            out.writeBytes(b);
        }
        c.writer().write(out.toByteArray());
    }

    static List<HeaderField> get(String path, String... extra) {
        return request("GET", path, extra);
    }

    static List<HeaderField> request(String method, String path, String... extra) {
        List<HeaderField> l = new ArrayList<>(List.of(new HeaderField(":method", method), new HeaderField(":scheme", "http"),
                new HeaderField(":path", path), new HeaderField(":authority", "localhost")));
        for (int i = 0; i < extra.length; i += 2) l.add(new HeaderField(extra[i], extra[i + 1]));
        return l;
    }

    ByteBuffer headers(int stream, List<HeaderField> fields, boolean endStream) {
        return FrameWriter.headers(stream, encoder.encode(fields), endStream, 16_384);
    }

    void sendHeaders(int stream, List<HeaderField> fields, boolean endStream) {
        send(headers(stream, fields, endStream));
    }

    /** Sends {@code body} in DATA frames of at most 16 KiB, the last with END_STREAM (the windows are the test's). */
    void sendData(int stream, byte[] body, boolean endStream) {
        int off = 0;
        do {
            int n = Math.min(16_384, body.length - off);
            send(FrameWriter.data(stream, body, off, n, endStream && off + n == body.length));
            off += n;
        } while (off < body.length);
    }

    /** The next frame from the server, or null at EOF. */
    Frame next() {
        while (true) {
            Frame f = reader.next();
            if (f != null) {
                if (f instanceof Frame.WindowUpdate w) {
                    if (w.streamId() == 0) connWindow += w.increment();
                    else streamCredit.merge(w.streamId(), (long) w.increment(), Long::sum);
                }
                if (f instanceof Frame.Data d) {
                    dataReceived += d.flowLength();
                    if (autoWindow && d.flowLength() > 0) {
                        try { // the server may have closed already, after its last DATA
                            send(FrameWriter.windowUpdate(0, d.flowLength()));
                            send(FrameWriter.windowUpdate(d.streamId(), d.flowLength()));
                        } catch (Exception e) {
                            if (!(e instanceof java.io.IOException)) throw new AssertionError(e);
                        }
                    }
                }
                return f;
            }
            byte[] b;
            try {
                b = c.reader().read(65_536);
            } catch (Exception e) { // a reset connection (or a write of ours that found it closed): EOF too
                if (e instanceof java.io.IOException) return null;
                throw e;
            }
            if (b.length == 0) return null;
            reader.feed(ByteBuffer.wrap(b));
        }
    }

    /** Reads stream {@code id}'s response to its end (END_STREAM or RST_STREAM); other frames are kept in {@link #other}. */
    Response response(int id) {
        int status = -1;
        List<HeaderField> fields = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        boolean endAfterBlock = false;
        long wire = 0;
        while (true) {
            Frame f = next();
            if (f == null) throw new AssertionError("EOF before the end of stream " + id + "; other frames: " + other);
            if (f.streamId() != id) {
                if (f instanceof Frame.Headers h) { // keep the decoder in step
                    List<HeaderField> l = decoder.decode(h.fragment());
                    other.add(new Decoded(h.streamId(), l, h.endStream()));
                } else {
                    other.add(f);
                }
                if (f instanceof Frame.GoAway g && g.error() != ErrorCode.NO_ERROR) throw new AssertionError("GOAWAY while reading stream " + id + ": " + g.error() + " " + new String(g.debugData()));
                continue;
            }
            switch (f) {
                case Frame.Headers h -> {
                    endAfterBlock = h.endStream();
                    wire += 9 + h.fragment().length; // the server sends neither padding nor priority
                    block.writeBytes(h.fragment());
                    if (h.endHeaders()) {
                        status = headBlockEnded(block, status, fields);
                        if (endAfterBlock) return new Response(status, fields, body.toByteArray(), null, wire);
                    }
                }
                case Frame.Continuation k -> {
                    wire += 9 + k.fragment().length;
                    block.writeBytes(k.fragment());
                    if (k.endHeaders()) {
                        status = headBlockEnded(block, status, fields);
                        if (endAfterBlock) return new Response(status, fields, body.toByteArray(), null, wire);
                    }
                }
                case Frame.Data d -> {
                    wire += 9 + d.flowLength();
                    body.writeBytes(d.data());
                    if (d.endStream()) return new Response(status, fields, body.toByteArray(), null, wire);
                }
                case Frame.RstStream r -> {
                    return new Response(status, fields, body.toByteArray(), r.error(), wire);
                }
                default -> other.add(f);
            }
        }
    }

    /**
     * Decodes the header block collected in {@code block} (then emptied); the first block of a response is its
     * head, whose fields go to {@code fields}. Returns the response's status (read from the head).
     */
    private int headBlockEnded(ByteArrayOutputStream block, int status, List<HeaderField> fields) {
        List<HeaderField> l = decoder.decode(block.toByteArray());
        block.reset();
        if (status >= 0) return status; // trailers: decoded to keep the decoder in step
        fields.addAll(l);
        return Integer.parseInt(l.get(0).value());
    }

    /** A HEADERS frame of another stream, decoded (its block in one frame). */
    record Decoded(int streamId, List<HeaderField> fields, boolean endStream) {}

    /** Reads until GOAWAY (returned) or EOF (null). */
    Frame.GoAway goAway() {
        Frame f;
        while ((f = next()) != null) {
            if (f instanceof Frame.GoAway g) return g;
            if (f instanceof Frame.Headers h && h.endHeaders()) decoder.decode(h.fragment());
            other.add(f);
        }
        return null;
    }

    /** Reads to EOF; whether the server closed the connection (it did if this returns). */
    void readToEof() {
        while (next() != null) { }
    }

    /** The RST_STREAM frames among {@link #other}, by stream. */
    Map<Integer, ErrorCode> resets() {
        Map<Integer, ErrorCode> m = new HashMap<>();
        for (Object f : other) if (f instanceof Frame.RstStream r) m.put(r.streamId(), r.error());
        return m;
    }

    @Override
    public void close() {
        c.writer().close();
    }
}
