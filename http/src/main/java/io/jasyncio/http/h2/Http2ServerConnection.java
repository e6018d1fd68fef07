package io.jasyncio.http.h2;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Task;
import io.jasyncio.TimerHandle;
import io.jasyncio.http.UpgradedProtocol;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.Transport;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The server side of one HTTP/2 connection (RFC 9113) as a jasyncio protocol: the client's preface and SETTINGS,
 * then each request stream answered in a task of its own by a {@link StreamHandler}, concurrently, with flow
 * control both ways, PING, GOAWAY and RST_STREAM.
 *
 * <p>Bounded against a hostile client, per {@link Http2Options}: concurrent streams (a reset stream counts until its
 * handler has ended), header lists (HPACK-decoded size) and header blocks (compressed bytes and CONTINUATION frames),
 * request body bytes held (the connection's and each stream's receive window: a client cannot send more than the
 * handlers have consumed), stream resets (a token bucket: rapid reset, CVE-2023-44487), control frames per second
 * (SETTINGS, PING, PRIORITY and empty DATA floods), control answers queued while the client does not read, and
 * time: the preface and a header block must come within the idle timeout, an idle connection is closed after it, a
 * request body that stops for it fails its reader, a response the client opens no window for (or takes nothing of)
 * for the send timeout is ended. A client past a bound gets GOAWAY ENHANCE_YOUR_CALM (or the RFC's error) and the
 * connection is closed.
 *
 * <p>Threading: the loop's thread only, as every protocol.
 */
public final class Http2ServerConnection implements UpgradedProtocol {
    private static final int DEFAULT_WINDOW = 65_535;
    /** Control answers (SETTINGS and PING ACKs) queued while the client reads nothing, before it is a flood. */
    static final int MAX_QUEUED_ACKS = 1000;

    private final EventLoop loop;
    private final Http2Options options;
    private final StreamHandler handler;
    private Transport transport;
    /** Frames produced, written together once per read and per loop iteration. */
    private FrameBuffer out;
    /** The response header block being encoded (reused). */
    private final BlockBuffer encoded = new BlockBuffer();
    private final FrameReader reader = new FrameReader(FrameReader.DEFAULT_MAX_FRAME_SIZE);
    private final HpackDecoder decoder;
    private final HpackEncoder encoder = new HpackEncoder();
    private final Map<Integer, ServerStream> streams = new HashMap<>();
    private int prefaceMatched;
    private boolean settingsSeen;
    private int lastStreamId;
    /** Streams whose handlers have not ended (open, or reset with their handler still running). */
    private int active;
    // flow control: ours to send, and the client's to send
    private long connSendWindow = DEFAULT_WINDOW;
    private long connRecvWindow;
    private int connUnacked;
    private long peerInitialWindow = DEFAULT_WINDOW;
    private int peerMaxFrameSize = FrameReader.DEFAULT_MAX_FRAME_SIZE;
    // the header block being received
    private final HeaderBlock block;
    // token buckets
    private double resetTokens;
    private double resetStamp;
    private final ControlFrameBudget controlBudget;
    private int acksWhilePaused;
    private boolean writingPaused;
    /** We sent GOAWAY: no new streams; closes once the open ones end. */
    private boolean goingAway;
    /** A connection error was sent, or the connection is closing: nothing more is read. */
    private boolean closing;
    private boolean lost;
    /** h2c by Upgrade: the client's HTTP2-Settings and the request that becomes stream 1, until connectionMade. */
    private Frame.Settings upgradeSettings;
    private List<HeaderField> upgradeRequest;
    /** SETTINGS_ENABLE_CONNECT_PROTOCOL: extended CONNECT (RFC 8441, WebSockets over HTTP/2) is taken. */
    private boolean connectProtocol = true;
    private TimerHandle sweeper;
    private TimerHandle abortTimer;
    private double lastFrameAt;
    private double idleSince;

    public Http2ServerConnection(EventLoop loop, Http2Options options, StreamHandler handler) {
        this.loop = loop;
        this.options = options;
        this.handler = handler;
        this.decoder = new HpackDecoder(4096, options.maxHeaderListSize());
        this.block = new HeaderBlock(options.maxHeaderListSize(), options.maxContinuationFrames());
        this.resetTokens = options.maxResetsBurst();
        this.controlBudget = new ControlFrameBudget(options.maxControlFramesPerSecond(), 0);
        this.connRecvWindow = options.connectionWindow();
    }

    EventLoop loop() {
        return loop;
    }

    Http2Options options() {
        return options;
    }

    boolean lost() {
        return lost;
    }

    /** Streams whose handlers have not ended. */
    public int activeStreams() {
        return active;
    }

    /** Bytes held for this connection beyond the handlers' own: unparsed input and unsent output. */
    public long bufferedBytes() {
        return reader.buffered() + block.size() + (transport == null ? 0 : out.size() + transport.getWriteBufferSize());
    }

    /**
     * Makes this connection the continuation of an HTTP/1.1 {@code Upgrade: h2c} request (RFC 7540 §3.2), once its
     * 101 is sent: {@code clientSettings} (its {@code HTTP2-Settings}) apply as the client's first SETTINGS, acknowledged
     * by the 101 itself, and {@code request} becomes stream 1, half-closed (remote), answered over HTTP/2. The
     * client's preface and SETTINGS must follow as on any connection. Call before {@link #connectionMade}.
     */
    public void upgradedFrom(Frame.Settings clientSettings, List<HeaderField> request) {
        if (transport != null) throw new IllegalStateException("upgradedFrom after connectionMade");
        upgradeSettings = clientSettings;
        upgradeRequest = request;
    }

    /** Whether to advertise and take extended CONNECT (RFC 8441: WebSockets over HTTP/2); on unless set off before {@link #connectionMade}. */
    public void setConnectProtocol(boolean enabled) {
        if (transport != null) throw new IllegalStateException("setConnectProtocol after connectionMade");
        connectProtocol = enabled;
    }

    @Override
    public void connectionMade(BaseTransport t) {
        transport = (Transport) t;
        out = new FrameBuffer(loop, transport);
        lastFrameAt = idleSince = resetStamp = loop.time();
        controlBudget.restart(lastFrameAt);
        List<Long> s = new ArrayList<>(List.of((long) Frame.Settings.MAX_CONCURRENT_STREAMS, (long) options.maxConcurrentStreams(),
                (long) Frame.Settings.MAX_HEADER_LIST_SIZE, (long) options.maxHeaderListSize()));
        if (connectProtocol) {
            s.add((long) Frame.Settings.ENABLE_CONNECT_PROTOCOL);
            s.add(1L);
        }
        if (options.streamWindow() != DEFAULT_WINDOW) {
            s.add((long) Frame.Settings.INITIAL_WINDOW_SIZE);
            s.add((long) options.streamWindow());
        }
        out.add(FrameWriter.settings(s.stream().mapToLong(Long::longValue).toArray()));
        if (options.connectionWindow() > DEFAULT_WINDOW) {
            out.add(FrameWriter.windowUpdate(0, options.connectionWindow() - DEFAULT_WINDOW));
        }
        double period = Math.max(0.05, Math.min(options.idleTimeout(), options.sendTimeout()) / 4);
        sweeper = loop.callLater(period, () -> sweep(period));
        if (upgradeRequest != null) {
            applySettings(upgradeSettings);
            lastStreamId = 1;
            openStream(1, upgradeRequest, -1, true);
            upgradeRequest = null;
        }
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        if (closing || lost) return;
        out.beginRead();
        try {
            read(data);
        } finally {
            out.endRead();
        }
    }

    private void read(ByteBuffer data) {
        lastFrameAt = loop.time();
        if (prefaceMatched < FrameWriter.PREFACE.length) {
            while (data.hasRemaining() && prefaceMatched < FrameWriter.PREFACE.length) {
                if (data.get() != FrameWriter.PREFACE[prefaceMatched++]) {
                    connectionError(Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "the client connection preface was expected (RFC 9113 §3.4)"));
                    return;
                }
            }
            if (!data.hasRemaining()) return;
        }
        reader.feed(data);
        while (!closing && !lost) {
            try {
                Frame f = reader.next();
                if (f == null) break;
                onFrame(f);
            } catch (Http2Exception e) {
                if (e.isConnectionError()) {
                    connectionError(e);
                    return;
                }
                streamError(e);
            }
        }
    }

    private void onFrame(Frame f) {
        if (!settingsSeen) {
            if (!(f instanceof Frame.Settings s) || s.ack()) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "the client's first frame must be SETTINGS (RFC 9113 §3.4), got " + f);
            }
            settingsSeen = true;
        }
        switch (f) {
            case Frame.Settings s -> onSettings(s);
            case Frame.Ping p -> {
                control("PING");
                if (!p.ack()) writeAck(FrameWriter.ping(true, p.data()));
            }
            case Frame.Headers h -> {
                if (block.headers(h)) headerBlockDone();
            }
            case Frame.Continuation c -> {
                if (block.continuation(c)) headerBlockDone();
            }
            case Frame.Data d -> onData(d);
            case Frame.WindowUpdate w -> onWindowUpdate(w);
            case Frame.RstStream r -> onReset(r);
            case Frame.Priority p -> control("PRIORITY");
            case Frame.GoAway g -> {
                goingAway = true; // the client opens no more streams; those open are answered
                maybeFinish();
            }
            case Frame.PushPromise p -> throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "a client sent PUSH_PROMISE");
        }
    }

    // ---------------------------------------------------------------- control frames

    private void onSettings(Frame.Settings s) {
        control("SETTINGS");
        if (s.ack()) return;
        applySettings(s);
        writeAck(FrameWriter.settingsAck());
    }

    private void applySettings(Frame.Settings s) {
        for (int i = 0; i < s.ids().length; i++) {
            long v = s.values()[i];
            switch (s.ids()[i]) {
                case Frame.Settings.HEADER_TABLE_SIZE -> encoder.setMaxTableSize((int) Math.min(v, 4096));
                case Frame.Settings.INITIAL_WINDOW_SIZE -> peerInitialWindow = InitialWindowSize.apply(peerInitialWindow, v,
                        streams.values(), (st, d) -> st.sendWindow += d, ServerStream::id, ServerStream::wake);
                case Frame.Settings.MAX_FRAME_SIZE -> peerMaxFrameSize = (int) v;
                default -> { } // MAX_CONCURRENT_STREAMS concerns pushes (we make none); the rest are the client's own
            }
        }
    }

    /** A control frame from the client: within the per-second budget, or the connection ends. */
    private void control(String what) {
        controlBudget.spend(loop.time(), what);
    }

    private void writeAck(ByteBuffer ack) {
        if (writingPaused && ++acksWhilePaused > MAX_QUEUED_ACKS) {
            throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, MAX_QUEUED_ACKS + " control answers queued while the client reads nothing");
        }
        out.add(ack);
    }

    private void onWindowUpdate(Frame.WindowUpdate w) {
        if (w.streamId() == 0) {
            connSendWindow += w.increment();
            if (connSendWindow > Integer.MAX_VALUE) throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, "the connection's window over 2^31-1");
            for (ServerStream s : streams.values()) s.wake();
            return;
        }
        ServerStream s = streams.get(w.streamId());
        if (s == null) {
            if (w.streamId() > lastStreamId) throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE on idle stream " + w.streamId());
            return; // a stream closed meanwhile
        }
        s.sendWindow += w.increment();
        if (s.sendWindow > Integer.MAX_VALUE) throw Http2Exception.stream(s.id(), ErrorCode.FLOW_CONTROL_ERROR, "stream window over 2^31-1");
        s.wake();
    }

    private void onReset(Frame.RstStream r) {
        if (r.streamId() > lastStreamId) throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "RST_STREAM on idle stream " + r.streamId());
        ServerStream s = streams.get(r.streamId());
        countReset();
        if (s != null) resetStream(s, r.error(), false);
    }

    /** One more stream reset (by the client, or by us for its fault): within the bucket, or the connection ends. */
    private void countReset() {
        double now = loop.time();
        resetTokens = Math.min(options.maxResetsBurst(), resetTokens + (now - resetStamp) * options.maxResetsPerSecond());
        resetStamp = now;
        if (--resetTokens < 0) {
            throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "streams reset faster than " + options.maxResetsPerSecond()
                    + " a second after a burst of " + options.maxResetsBurst() + " (rapid reset)");
        }
    }

    // ---------------------------------------------------------------- headers

    private void headerBlockDone() {
        int id = block.stream();
        boolean blockEndStream = block.endStream();
        List<HeaderField> fields = block.decode(decoder); // always: the table must stay in step
        if (id <= lastStreamId) { // trailers, or a stream that is no more
            ServerStream s = streams.get(id);
            if (s == null || s.remoteClosed) throw Http2Exception.connection(ErrorCode.STREAM_CLOSED, "HEADERS on closed stream " + id);
            HeaderBlock.checkTrailers(id, blockEndStream, fields);
            endOfRequest(s, new byte[0]);
            return;
        }
        lastStreamId = id;
        if (goingAway) {
            out.add(FrameWriter.rstStream(id, ErrorCode.REFUSED_STREAM));
            return;
        }
        long length;
        try {
            length = checkRequest(id, fields, connectProtocol);
            if (blockEndStream && length > 0) throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "content-length " + length + " without a body");
        } catch (Http2Exception e) {
            if (e.getMessage().contains("connection-specific field upgrade")) badRequest(id, e.getMessage());
            streamError(e);
            return;
        }
        if (active >= options.maxConcurrentStreams()) {
            countReset();
            out.add(FrameWriter.rstStream(id, ErrorCode.REFUSED_STREAM));
            return;
        }
        openStream(id, fields, length, blockEndStream);
    }

    /** A new request stream, answered by the handler in a task of its own. */
    private void openStream(int id, List<HeaderField> fields, long length, boolean endStream) {
        ServerStream s = new ServerStream(this, id, fields, length, peerInitialWindow, options.streamWindow());
        streams.put(id, s);
        active++;
        if (endStream) endOfRequest(s, new byte[0]);
        Task<Void> t = new Task<>(loop, () -> {
            handler.handle(s);
            return null;
        }, null, true);
        s.task = t;
        t.addDoneCallback(f -> handlerEnded(s, t));
    }

    /**
     * A malformed request the client may not see as such (an HTTP/1.1 {@code Upgrade}, a WebSocket opened as over
     * HTTP/1.1): a 400 saying why goes first, when the windows take it (RFC 9113 §8.1.1 allows it); the stream is
     * reset after it.
     */
    private void badRequest(int id, String why) {
        byte[] body = ("400 Bad Request: " + why + ". Over HTTP/2 a WebSocket opens with an extended CONNECT (RFC 8441).\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (lost || closing || peerInitialWindow < body.length || connSendWindow < body.length || body.length > peerMaxFrameSize) return;
        List<HeaderField> head = List.of(new HeaderField(":status", "400"), new HeaderField("content-type", "text/plain; charset=utf-8"),
                new HeaderField("content-length", Integer.toString(body.length)));
        out.add(FrameWriter.headers(id, encoder.encode(head), false, peerMaxFrameSize));
        connSendWindow -= body.length;
        out.add(FrameWriter.data(id, body, 0, body.length, true));
    }

    /**
     * RFC 9113 §8.2-8.3: the request's pseudo-headers and fields; the content-length, or -1. With
     * {@code connectProtocol}, an extended CONNECT (RFC 8441 §4: {@code :protocol}, {@code :scheme}, {@code :path}
     * and {@code :authority}) is a request; a plain CONNECT is not served.
     */
    private static long checkRequest(int id, List<HeaderField> fields, boolean connectProtocol) {
        String method = null, scheme = null, path = null, protocol = null, authority = null;
        boolean regular = false;
        long length = -1;
        for (HeaderField f : fields) {
            String n = f.name();
            if (n.startsWith(":")) {
                if (regular) throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "pseudo-header " + n + " after a regular field");
                switch (n) {
                    case ":method" -> method = once(id, method, f);
                    case ":scheme" -> scheme = once(id, scheme, f);
                    case ":path" -> path = once(id, path, f);
                    case ":authority" -> authority = once(id, authority, f);
                    case ":protocol" -> {
                        if (!connectProtocol) throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, ":protocol without SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441 §3)");
                        protocol = once(id, protocol, f);
                    }
                    default -> throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "unknown pseudo-header " + n);
                }
                continue;
            }
            regular = true;
            for (int i = 0; i < n.length(); i++) {
                char c = n.charAt(i);
                if (c >= 'A' && c <= 'Z' || c <= ' ' || c >= 0x7f || c == ':') {
                    throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "an invalid field name: " + n);
                }
            }
            String v = f.value();
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c == 0 || c == '\r' || c == '\n') throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "NUL, CR or LF in field " + n);
            }
            switch (n) {
                case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade" ->
                        throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "connection-specific field " + n + " (RFC 9113 §8.2.2)");
                case "te" -> {
                    if (!v.equals("trailers")) throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "te: " + v);
                }
                case "content-length" -> {
                    long l;
                    try {
                        l = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        l = -1;
                    }
                    if (l < 0 || length >= 0 && length != l) throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "content-length: " + v);
                    length = l;
                }
                default -> { }
            }
        }
        if (protocol != null) {
            if (!"CONNECT".equals(method)) throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, ":protocol on a " + method + ", not a CONNECT (RFC 8441 §4)");
            if (authority == null) throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "an extended CONNECT without :authority");
        } else if (method == null || "CONNECT".equals(method)) {
            throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, method == null ? "no :method" : "CONNECT is not served (only extended CONNECT, RFC 8441)");
        }
        if (scheme == null || path == null || path.isEmpty()) throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "no :scheme or :path");
        return length;
    }

    private static String once(int id, String seen, HeaderField f) {
        if (seen != null) throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "pseudo-header " + f.name() + " twice");
        return f.value();
    }

    // ---------------------------------------------------------------- data

    private void onData(Frame.Data d) {
        int id = d.streamId();
        connRecvWindow -= d.flowLength();
        if (connRecvWindow < 0) throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, "DATA beyond the connection's window");
        ServerStream s = streams.get(id);
        if (s == null) {
            if (id > lastStreamId) throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "DATA on idle stream " + id);
            credit(d.flowLength()); // a stream closed or refused meanwhile: its bytes are dropped
            return;
        }
        if (s.remoteClosed) {
            credit(d.flowLength());
            if (s.reset) return;
            throw Http2Exception.stream(id, ErrorCode.STREAM_CLOSED, "DATA after END_STREAM");
        }
        s.recvWindow -= d.flowLength();
        if (s.recvWindow < 0) {
            credit(d.flowLength());
            throw Http2Exception.stream(id, ErrorCode.FLOW_CONTROL_ERROR, "DATA beyond the stream's window");
        }
        int padding = d.flowLength() - d.data().length;
        if (padding > 0) consumedBytes(s, padding);
        if (d.data().length == 0 && !d.endStream()) control("empty DATA");
        if (s.reset) {
            consumedBytes(s, d.data().length);
            return;
        }
        s.held += d.data().length;
        if (d.endStream()) endOfRequest(s, d.data());
        else if (!s.receive(d.data(), false)) throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "more DATA than content-length");
    }

    private void endOfRequest(ServerStream s, byte[] last) {
        s.remoteClosed = true;
        if (!s.receive(last, true)) throw Http2Exception.stream(s.id(), ErrorCode.PROTOCOL_ERROR, "DATA not matching content-length");
    }

    /** The handler took {@code n} body bytes of {@code s}. */
    void consumed(ServerStream s, int n) {
        if (lost || closing) return;
        s.held -= n;
        consumedBytes(s, n);
    }

    private void consumedBytes(ServerStream s, int n) {
        credit(n);
        if (s.remoteClosed || s.reset) return;
        s.unacked += n;
        if (s.unacked >= options.streamWindow() / 2) {
            s.recvWindow += s.unacked;
            out.add(FrameWriter.windowUpdate(s.id(), s.unacked));
            s.unacked = 0;
        }
    }

    /** {@code n} bytes of the connection's window are free again. */
    private void credit(int n) {
        if (n <= 0 || lost || closing) return;
        connUnacked += n;
        if (connUnacked >= options.connectionWindow() / 4) {
            connRecvWindow += connUnacked;
            out.add(FrameWriter.windowUpdate(0, connUnacked));
            connUnacked = 0;
        }
    }

    // ---------------------------------------------------------------- sending (from the streams' tasks)

    /** Writes {@code fields} as HEADERS (and CONTINUATION) frames; returns their size, frame headers included. */
    int writeHeaders(ServerStream s, List<HeaderField> fields, boolean endStream) {
        encoded.reset();
        encoder.encode(fields, encoded);
        int n = encoded.size();
        int size = FrameWriter.headersSize(n, peerMaxFrameSize);
        FrameWriter.headers(out.room(size), s.id(), encoded.array(), n, endStream, peerMaxFrameSize);
        out.added();
        return size;
    }

    /** How much of {@code len} may be sent on {@code s} now. */
    int sendable(ServerStream s, int len) {
        if (writingPaused) return 0;
        return (int) Math.max(0, Math.min(Math.min(len, peerMaxFrameSize), Math.min(s.sendWindow, connSendWindow)));
    }

    void writeData(ServerStream s, byte[] b, int off, int n, boolean endStream) {
        s.sendWindow -= n;
        connSendWindow -= n;
        FrameWriter.data(out.room(9 + n), s.id(), b, off, n, endStream);
        out.added();
    }

    void localEnded(ServerStream s) {
        // nothing yet: the stream is done once its handler ends (handlerEnded)
    }

    /** A send waited out the send timeout: the stream ends, or the whole connection when its window is the cause. */
    void sendStalled(ServerStream s) {
        if (writingPaused || connSendWindow <= 0) {
            goAwayAndClose(ErrorCode.NO_ERROR, "the client took nothing and opened no window for " + options.sendTimeout() + " s");
        } else {
            resetStream(s, ErrorCode.CANCEL, true);
        }
    }

    // ---------------------------------------------------------------- stream ends

    void resetStream(ServerStream s, ErrorCode code, boolean send) {
        if (s.reset) return;
        s.reset = true;
        if (send && !lost && !closing) out.add(FrameWriter.rstStream(s.id(), code));
        s.abort(new IOException("HTTP/2 stream " + s.id() + " reset with " + code));
        Task<Void> t = s.task;
        if (t != null && !t.done() && t.cancelling() == 0 && t != Asyncio.currentTask()) t.cancel(); // once: a handler may take its time to end
    }

    private void streamError(Http2Exception e) {
        ServerStream s = streams.get(e.streamId());
        if (s != null) resetStream(s, e.code(), true);
        else if (!lost && !closing) out.add(FrameWriter.rstStream(e.streamId(), e.code()));
        countReset();
    }

    private void handlerEnded(ServerStream s, Task<Void> t) {
        active--;
        streams.remove(s.id());
        if (s.held > 0) credit((int) s.held); // what the handler left unread
        s.held = 0;
        if (!t.cancelled() && t.exception() != null && !(t.exception() instanceof IOException)) {
            loop.callExceptionHandler(ExceptionContext.builder("Unexpected error in an HTTP/2 stream handler").exception(t.exception())
                    .put("stream", s).put("transport", transport).build());
        }
        if (!lost && !closing && !s.reset) {
            if (!s.localClosed) {
                s.reset = true;
                out.add(FrameWriter.rstStream(s.id(), ErrorCode.INTERNAL_ERROR));
            } else if (!s.remoteClosed) { // answered without the whole request body: the client may stop (§8.1)
                s.reset = true;
                out.add(FrameWriter.rstStream(s.id(), ErrorCode.NO_ERROR));
            }
        }
        if (streams.isEmpty()) idleSince = loop.time();
        maybeFinish();
    }

    private void maybeFinish() {
        if (goingAway && streams.isEmpty() && !closing && !lost) close();
    }

    // ---------------------------------------------------------------- connection ends

    private void connectionError(Http2Exception e) {
        goAwayAndClose(e.code(), e.getMessage());
    }

    private void goAwayAndClose(ErrorCode code, String debug) {
        if (closing || lost) return;
        out.add(FrameWriter.goAway(lastStreamId, code, debug));
        close();
    }

    /** Closes the transport once it has sent what it holds, or after the send timeout; every handler is cancelled. */
    private void close() {
        closing = true;
        for (ServerStream s : List.copyOf(streams.values())) {
            s.abort(new EOFException("the HTTP/2 connection is closing"));
            Task<Void> t = s.task;
            if (t != null && !t.done() && t.cancelling() == 0 && t != Asyncio.currentTask()) t.cancel(); // once: a handler may take its time to end
        }
        out.flush();
        transport.close();
        if (!lost) abortTimer = loop.callLater(options.sendTimeout(), () -> {
            if (!lost) {
                out.discard();
                transport.abort();
            }
        });
    }

    /** Graceful shutdown (the runner's cleanup): GOAWAY, no new streams, the open ones answered, then close. */
    @Override
    public void serverShutdown() {
        if (goingAway || closing || lost) return;
        goingAway = true;
        out.add(FrameWriter.goAway(lastStreamId, ErrorCode.NO_ERROR, "server shutting down"));
        maybeFinish();
    }

    /**
     * Past the runner's shutdown timeout: cancels every stream's handler and drops the connection. Returns a task
     * that ends once every handler has (the runner waits for it before its cleanup hooks), or null if none runs.
     */
    public Task<Void> abort() {
        List<Task<Void>> running = new ArrayList<>();
        for (ServerStream s : streams.values()) {
            Task<Void> t = s.task;
            if (t != null && !t.done()) {
                if (t.cancelling() == 0) t.cancel();
                running.add(t);
            }
        }
        closing = true;
        out.discard();
        transport.abort();
        if (running.isEmpty()) return null;
        return new Task<>(loop, () -> {
            Asyncio.wait(running);
            return null;
        }, "h2-handlers-ending", false);
    }

    /** Timeouts, checked a few times per timeout: the preface and header blocks, idleness, stalled request bodies. */
    private void sweep(double period) {
        if (lost) return;
        double now = loop.time();
        if (!closing) {
            if ((prefaceMatched < FrameWriter.PREFACE.length || !settingsSeen || reader.inHeaderBlock() || reader.buffered() > 0)
                    && now - lastFrameAt >= options.idleTimeout()) {
                goAwayAndClose(ErrorCode.PROTOCOL_ERROR, "no complete frame for " + options.idleTimeout() + " s");
            } else if (streams.isEmpty() && now - idleSince >= options.idleTimeout()) {
                goAwayAndClose(ErrorCode.NO_ERROR, "idle for " + options.idleTimeout() + " s");
            } else if (now - lastFrameAt >= options.idleTimeout()) {
                for (ServerStream s : List.copyOf(streams.values())) {
                    if (!s.remoteClosed && !s.reset && !s.tunnel) resetStream(s, ErrorCode.CANCEL, true); // its body stopped coming
                }
            }
        }
        sweeper = loop.callLater(period, () -> sweep(period));
    }

    @Override
    public void pauseWriting() {
        writingPaused = true;
    }

    @Override
    public void resumeWriting() {
        writingPaused = false;
        acksWhilePaused = 0;
        for (ServerStream s : streams.values()) s.wake();
    }

    @Override
    public boolean eofReceived() {
        return false;
    }

    @Override
    public void connectionLost(Throwable exc) {
        lost = true;
        closing = true;
        if (out != null) out.discard();
        if (sweeper != null) sweeper.cancel();
        if (abortTimer != null) abortTimer.cancel();
        for (ServerStream s : List.copyOf(streams.values())) {
            s.abort(new EOFException("the client closed the HTTP/2 connection"));
            Task<Void> t = s.task;
            if (t != null && !t.done() && t.cancelling() == 0) t.cancel();
        }
    }

    @Override
    public void handlerEnded(Transport t) {
        // the HTTP/1.1 connection this one replaced had no handler of its own running
    }

    /** Transport writes made so far (for tests: frames are written together). */
    long transportWrites() {
        return out == null ? 0 : out.writes();
    }

    /** A reusable header block: the encoder writes into it, the frames are made from its array. */
    private static final class BlockBuffer extends ByteArrayOutputStream {
        byte[] array() {
            return buf;
        }
    }

    @Override
    public String toString() {
        return "<Http2ServerConnection streams=" + streams.size() + " last=" + lastStreamId + (goingAway ? " going-away" : "") + ">";
    }
}
