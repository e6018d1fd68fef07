package io.jasyncio.http.h2;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.TimerHandle;
import io.jasyncio.streams.StreamPair;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The client side of one HTTP/2 connection (RFC 9113) over a connected {@link StreamPair} (TLS that chose h2 by
 * ALPN, or cleartext with prior knowledge): the preface and SETTINGS, then requests as concurrent
 * {@link ClientStream}s, up to the server's SETTINGS_MAX_CONCURRENT_STREAMS (more wait their turn), with flow control
 * both ways, PING answered, RST_STREAM and GOAWAY honoured. A task of its own reads the frames.
 *
 * <p>Bounded against a hostile server, per {@link Http2ClientOptions}: the server must send SETTINGS within the
 * settings timeout; header blocks (compressed bytes, CONTINUATION frames, HPACK-decoded size); response body bytes
 * held unread (the connection's and each stream's receive window, given back only as the body is consumed); control
 * frames per second. A breach ends the connection with GOAWAY and fails its streams with an {@link IOException}
 * naming it.
 *
 * <p>Threading: the loop's thread only; the streams' methods are called from tasks of that loop.
 */
public final class Http2ClientConnection {
    private static final int DEFAULT_WINDOW = 65_535;
    private static final int READ_PIECE = 64 * 1024;
    /** The characters a response field name may hold (lower-case RFC 9110 tokens), as bits 0-63 and 64-127. */
    private static final long NAME_CHARS_LOW = nameChars(0), NAME_CHARS_HIGH = nameChars(64);

    private static long nameChars(int from) {
        long bits = 0;
        for (int c = from; c < from + 64; c++) {
            if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0) bits |= 1L << (c - from);
        }
        return bits;
    }

    private final EventLoop loop;
    private final StreamPair io;
    private final Http2ClientOptions options;
    private final String origin;
    private final FrameReader reader = new FrameReader(FrameReader.DEFAULT_MAX_FRAME_SIZE);
    private final HpackDecoder decoder;
    private final HpackEncoder encoder = new HpackEncoder();
    /** The request header block being encoded (reused). */
    private final BlockBuffer encoded = new BlockBuffer();
    /**
     * Frames not yet given to the transport: the HEADERS of the requests sent in one loop iteration, and what
     * answers one read (acks, WINDOW_UPDATEs), go out in one write. Null over a writer without a transport.
     */
    private final FrameBuffer out;
    private final Map<Integer, ClientStream> streams = new HashMap<>();
    private final ArrayDeque<Future<Object>> slotWaiters = new ArrayDeque<>();
    private final Future<Object> settingsSeen;
    private int nextStreamId = 1;
    private long peerMaxConcurrent = 100; // until the server's SETTINGS say (RFC 9113 §5.1.2 suggests no less)
    long peerInitialWindow = DEFAULT_WINDOW;
    private int peerMaxFrameSize = FrameReader.DEFAULT_MAX_FRAME_SIZE;
    private long connSendWindow = DEFAULT_WINDOW;
    private long connRecvWindow;
    private int connUnacked;
    /** GOAWAY's last-stream-id, or -1 before one came. */
    private int goAwayLast = -1;
    private IOException failure;
    // the header block being received
    private final HeaderBlock block;
    /**
     * The response fields that passed {@link #checkResponse}, by position: a server's responses repeat theirs as the
     * same HPACK table entries (the same immutable objects), which need no second look.
     */
    private final HeaderField[] checked = new HeaderField[16];
    private final ControlFrameBudget controlBudget;
    private Task<Void> readerTask;
    private TimerHandle settingsTimer;
    private TimerHandle idleTimer;
    private final double idleTimeout;
    private Runnable onClosed;
    private Runnable onEnded;
    /** Stream 1 when the connection began as an HTTP/1.1 {@code Upgrade: h2c}, else null. */
    private ClientStream upgraded;

    private Http2ClientConnection(StreamPair io, Http2ClientOptions options, String origin, double idleTimeout) {
        this.loop = Asyncio.getRunningLoop();
        this.io = io;
        this.options = options;
        this.origin = origin;
        this.idleTimeout = idleTimeout;
        this.decoder = new HpackDecoder(4096, options.maxHeaderListSize());
        this.block = new HeaderBlock(options.maxHeaderListSize(), options.maxContinuationFrames());
        this.connRecvWindow = options.connectionWindow();
        this.controlBudget = new ControlFrameBudget(options.maxControlFramesPerSecond(), loop.time());
        this.settingsSeen = loop.createFuture();
        this.out = io.writer().transport() == null ? null : new FrameBuffer(loop, io.writer().transport());
    }

    /**
     * Starts HTTP/2 on {@code io}: sends the preface and SETTINGS, and waits for the server's SETTINGS (at most the
     * options' settings timeout). {@code origin} names the server in errors; an idle connection (no stream open)
     * is closed after {@code idleTimeout} seconds (0: never).
     *
     * @param io the connection's streams (after TLS and ALPN {@code h2}, or plain for h2c)
     * @param options the connection's bounds
     * @param origin the server's {@code scheme://host:port}, for messages
     * @param idleTimeout seconds an idle connection is kept, 0 for ever
     * @return the connection, its SETTINGS exchanged
     * @throws IOException if the server breaks the protocol, sends no SETTINGS in time, or the connection fails
     */
    public static Http2ClientConnection start(StreamPair io, Http2ClientOptions options, String origin, double idleTimeout)
            throws IOException {
        Http2ClientConnection c = new Http2ClientConnection(io, options, origin, idleTimeout);
        c.begin();
        c.awaitSettings();
        return c;
    }

    /**
     * Starts HTTP/2 on {@code io} after the server answered {@code 101} to an {@code Upgrade: h2c} request (RFC 7540
     * §3.2) that carried {@link #upgradeSettings}: that request is stream 1, half-closed on this side, its response to
     * come as HTTP/2 ({@link #upgradedStream()}); {@code headRequest}: it was a HEAD. Then as {@link #start}.
     *
     * @param io the connection's streams, just past the {@code 101}
     * @param options the connection's bounds (those whose settings the request carried)
     * @param origin the server's {@code scheme://host:port}, for messages
     * @param idleTimeout seconds an idle connection is kept, 0 for ever
     * @param headRequest whether the upgraded request was a HEAD (its response has no body)
     * @return the connection, its SETTINGS exchanged
     * @throws IOException if the server breaks the protocol, sends no SETTINGS in time, or the connection fails
     */
    public static Http2ClientConnection startUpgraded(StreamPair io, Http2ClientOptions options, String origin, double idleTimeout,
            boolean headRequest) throws IOException {
        Http2ClientConnection c = new Http2ClientConnection(io, options, origin, idleTimeout);
        ClientStream s = new ClientStream(c, 1, c.peerInitialWindow, options.streamWindow());
        s.headRequest = headRequest;
        s.localClosed = true;
        c.streams.put(1, s);
        c.upgraded = s;
        c.nextStreamId = 3;
        c.begin();
        c.awaitSettings();
        return c;
    }

    /**
     * Stream 1 of a connection made by {@link #startUpgraded}: the response to the request that asked for it.
     *
     * @return stream 1
     * @throws IllegalStateException if the connection was not made by {@link #startUpgraded}
     */
    public ClientStream upgradedStream() {
        if (upgraded == null) throw new IllegalStateException("not an upgraded connection: " + this);
        return upgraded; // held here: it may have ended (and left the open streams) already
    }

    /**
     * The {@code HTTP2-Settings} value of an {@code Upgrade: h2c} request (RFC 7540 §3.2.1): the SETTINGS payload
     * these options send, in base64url without padding.
     *
     * @param options the options whose SETTINGS are sent
     * @return the header's value
     */
    public static String upgradeSettings(Http2ClientOptions options) {
        ByteBuffer f = settingsFrame(options);
        byte[] payload = new byte[f.remaining() - 9]; // past the frame's 9-byte header
        f.get(f.position() + 9, payload);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(payload);
    }

    private static ByteBuffer settingsFrame(Http2ClientOptions options) {
        return FrameWriter.settings(Frame.Settings.ENABLE_PUSH, 0,
                Frame.Settings.INITIAL_WINDOW_SIZE, options.streamWindow(),
                Frame.Settings.MAX_HEADER_LIST_SIZE, options.maxHeaderListSize());
    }

    private void awaitSettings() throws IOException {
        try {
            Asyncio.await(settingsSeen);
        } catch (Throwable e) {
            abort(new IOException(origin + ": HTTP/2 connection setup abandoned"));
            throw e;
        }
        // an upgraded connection may have ended already with stream 1's whole answer in: that answer stands
        if (failure != null && !(upgraded != null && upgraded.remoteClosed && upgraded.head != null)) throw failure;
    }

    private void begin() {
        ByteBuffer settings = settingsFrame(options);
        send(ByteBuffer.wrap(FrameWriter.PREFACE));
        send(settings);
        if (options.connectionWindow() > DEFAULT_WINDOW) {
            send(FrameWriter.windowUpdate(0, options.connectionWindow() - DEFAULT_WINDOW));
        }
        settingsTimer = loop.callLater(options.settingsTimeout(), () -> connectionError(Http2Exception.connection(
                ErrorCode.SETTINGS_TIMEOUT, "the server sent no SETTINGS within " + options.settingsTimeout() + " s")));
        readerTask = new Task<>(loop, () -> {
            readLoop();
            return null;
        }, "h2-client-reader " + origin, false);
    }

    /**
     * Whether a new request may go on this connection (open, no GOAWAY, stream ids left).
     *
     * @return true if {@link #open} may be called
     */
    public boolean acceptsStreams() {
        return failure == null && goAwayLast < 0 && nextStreamId > 0;
    }

    /**
     * Whether the connection has ended (failed, closed, or drained after GOAWAY).
     *
     * @return true once ended
     */
    public boolean isClosed() {
        return failure != null;
    }

    /**
     * Streams open now.
     *
     * @return the number of open streams
     */
    public int activeStreams() {
        return streams.size();
    }

    /**
     * Requests waiting for a stream (the server's SETTINGS_MAX_CONCURRENT_STREAMS reached).
     *
     * @return the number of waiting requests
     */
    public int waiting() {
        return slotWaiters.size();
    }

    /**
     * Called once when the connection takes no more streams: GOAWAY came, or it ended (for the pool sharing it).
     *
     * @param r the callback, run on the loop's thread
     */
    public void onClosed(Runnable r) {
        if (failure != null || goAwayLast >= 0) r.run(); // it took its last stream before anyone asked
        else onClosed = r;
    }

    /**
     * Called once when the connection has ended (failed or closed).
     *
     * @param r the callback, run on the loop's thread
     */
    public void onEnded(Runnable r) {
        if (failure != null) r.run(); // ended before anyone asked
        else onEnded = r;
    }

    /**
     * Opens a request stream with header list {@code fields} (pseudo-headers first), waiting while the server's
     * concurrent-stream limit is reached. {@code endStream}: the request has no body. Fails with
     * {@link StreamRefusedError} when the connection takes no new streams (GOAWAY), with an {@link IOException}
     * when it has failed.
     *
     * @param fields the request's header list
     * @param endStream whether the request has no body
     * @return the new stream
     * @throws IOException a {@link StreamRefusedError} when the request was not sent, or another if the connection
     *     failed
     */
    public ClientStream open(List<HeaderField> fields, boolean endStream) throws IOException {
        while (true) {
            if (failure != null) throw new StreamRefusedError(origin + ": the HTTP/2 connection ended before the request was sent (" + failure.getMessage() + ")");
            if (!acceptsStreams()) throw new StreamRefusedError(origin + ": the HTTP/2 connection is going away (GOAWAY); the request was not sent");
            if (streams.size() < peerMaxConcurrent && slotWaiters.isEmpty()) break;
            Future<Object> w = loop.createFuture();
            slotWaiters.add(w);
            try {
                Asyncio.await(w);
            } catch (Throwable e) {
                slotWaiters.remove(w);
                wakeSlot(); // a timeout or a cancellation: the turn passes on
                throw e;
            }
            slotWaiters.remove(w);
            if (streams.size() < peerMaxConcurrent && failure == null && acceptsStreams()) break;
        }
        return openNow(fields, endStream);
    }

    /**
     * {@link #open} when a stream can be opened at once (the connection takes streams, below the server's limit,
     * nobody waiting before), else null: the caller then uses {@link #open}, which waits.
     *
     * @param fields the request's header list
     * @param endStream whether the request has no body
     * @return the new stream, or null when it would have to wait
     */
    public ClientStream tryOpen(List<HeaderField> fields, boolean endStream) {
        if (failure != null || !acceptsStreams() || streams.size() >= peerMaxConcurrent || !slotWaiters.isEmpty()) return null;
        return openNow(fields, endStream);
    }

    private ClientStream openNow(List<HeaderField> fields, boolean endStream) {
        cancelIdleTimer();
        int id = nextStreamId;
        nextStreamId += 2; // past 2^31-1 it turns negative: no stream ids left, acceptsStreams() says so
        ClientStream s = new ClientStream(this, id, peerInitialWindow, options.streamWindow());
        s.headRequest = fields.get(0).value().equals("HEAD");
        streams.put(id, s);
        encoded.reset();
        encoder.encode(fields, encoded);
        int n = encoded.size();
        if (out != null) {
            FrameWriter.headers(out.room(FrameWriter.headersSize(n, peerMaxFrameSize)), id, encoded.array(), n, endStream, peerMaxFrameSize);
            out.added();
        } else {
            io.writer().write(FrameWriter.headers(id, encoded.toByteArray(), endStream, peerMaxFrameSize));
        }
        if (endStream) s.localClosed = true;
        if (!slotWaiters.isEmpty()) wakeSlot(); // another may fit too
        return s;
    }

    private void wakeSlot() {
        Future<Object> w = slotWaiters.peek();
        if (w != null && !w.done() && (failure != null || streams.size() < peerMaxConcurrent || !acceptsStreams())) w.setResult(null);
    }

    // ---------------------------------------------------------------- reading

    private void readLoop() {
        try {
            while (failure == null) {
                byte[] b = io.reader().read(READ_PIECE);
                if (b.length == 0) {
                    fail(new EOFException(origin + ": the server closed the HTTP/2 connection"));
                    return;
                }
                reader.feed(ByteBuffer.wrap(b));
                if (out != null) out.beginRead(); // what answers this read goes out in one write at its end
                try {
                    while (failure == null) {
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
                } finally {
                    if (out != null) out.endRead();
                }
            }
        } catch (CancelledError e) {
            fail(new IOException(origin + ": the HTTP/2 connection was closed"));
        } catch (Throwable e) {
            fail(new IOException(origin + ": the HTTP/2 connection failed: " + e, e));
        }
    }

    private void onFrame(Frame f) {
        if (!settingsSeen.done()) {
            if (!(f instanceof Frame.Settings s) || s.ack()) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "the server's first frame must be SETTINGS (RFC 9113 §3.4), got " + f);
            }
        }
        switch (f) {
            case Frame.Settings s -> onSettings(s);
            case Frame.Ping p -> {
                control("PING");
                if (!p.ack()) send(FrameWriter.ping(true, p.data()));
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
            case Frame.Priority p -> { }
            case Frame.GoAway g -> onGoAway(g);
            case Frame.PushPromise p -> throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "PUSH_PROMISE though SETTINGS_ENABLE_PUSH is 0");
        }
    }

    private void onSettings(Frame.Settings s) {
        control("SETTINGS");
        if (s.ack()) return;
        for (int i = 0; i < s.ids().length; i++) {
            long v = s.values()[i];
            switch (s.ids()[i]) {
                case Frame.Settings.HEADER_TABLE_SIZE -> encoder.setMaxTableSize((int) Math.min(v, 4096));
                case Frame.Settings.MAX_CONCURRENT_STREAMS -> peerMaxConcurrent = v;
                case Frame.Settings.INITIAL_WINDOW_SIZE -> peerInitialWindow = InitialWindowSize.apply(peerInitialWindow, v,
                        streams.values(), (st, d) -> st.sendWindow += d, ClientStream::id, ClientStream::wakeSender);
                case Frame.Settings.MAX_FRAME_SIZE -> peerMaxFrameSize = (int) v;
                default -> { }
            }
        }
        send(FrameWriter.settingsAck());
        if (!settingsSeen.done()) {
            settingsTimer.cancel();
            settingsSeen.setResult(null);
        }
        wakeSlotAll(); // MAX_CONCURRENT_STREAMS may have grown
    }

    private void wakeSlotAll() {
        long room = peerMaxConcurrent - streams.size();
        for (Future<Object> w : slotWaiters) {
            if (room-- <= 0) break;
            if (!w.done()) w.setResult(null);
        }
    }

    private void control(String what) {
        controlBudget.spend(loop.time(), what);
    }

    private void headerBlockDone() {
        int id = block.stream();
        boolean blockEndStream = block.endStream();
        List<HeaderField> fields = block.decode(decoder); // always: the table must stay in step
        ClientStream s = streams.get(id);
        if (s == null) {
            if (id >= nextStreamId || nextStreamId < 0) throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "HEADERS on idle stream " + id);
            return; // a stream we reset meanwhile
        }
        if (s.remoteClosed) throw Http2Exception.stream(id, ErrorCode.STREAM_CLOSED, "HEADERS after END_STREAM");
        if (s.head != null) { // trailers: checked, then ignored
            HeaderBlock.checkTrailers(id, blockEndStream, fields);
            checkLengthAtEnd(s);
            remoteEnded(s);
            return;
        }
        int status = checkResponse(id, fields);
        if (status < 200) { // informational (100, 103): the final response follows
            if (blockEndStream) throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "an informational response with END_STREAM");
            return;
        }
        // a response with no content (to HEAD, 204, 304) may say any content-length (RFC 9113 §8.1.1)
        if (!s.headRequest && status != 204 && status != 304) s.declaredLength = contentLength(id, fields);
        if (blockEndStream) checkLengthAtEnd(s);
        fields.remove(0); // :status: the decoder's list is this block's own, an ArrayList
        s.head(status, fields);
        if (blockEndStream) remoteEnded(s);
    }

    /** The response's content-length (every one the same), or -1 without one; malformed, a stream error. */
    private static long contentLength(int id, List<HeaderField> fields) {
        long length = -1;
        for (int i = 1; i < fields.size(); i++) {
            if (!fields.get(i).name().equals("content-length")) continue;
            String v = fields.get(i).value().trim();
            long n;
            try {
                n = v.isEmpty() || v.charAt(0) == '+' ? -1 : Long.parseLong(v);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 0 || length >= 0 && n != length) {
                throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "a response with content-length " + v
                        + (length >= 0 && n >= 0 ? " after " + length : "") + " (RFC 9113 §8.1.1)");
            }
            length = n;
        }
        return length;
    }

    /** RFC 9113 §8.1.1: at the stream's end, the DATA received must add up to the declared content-length. */
    private static void checkLengthAtEnd(ClientStream s) {
        if (s.declaredLength >= 0 && s.receivedLength != s.declaredLength) {
            throw Http2Exception.stream(s.id(), ErrorCode.PROTOCOL_ERROR, "the response ended after " + s.receivedLength
                    + " body bytes, but its content-length says " + s.declaredLength + " (RFC 9113 §8.1.1)");
        }
    }

    /**
     * RFC 9113 §8.3.2: {@code :status} first and only, valid fields (names lower-case tokens; values without NUL, CR,
     * LF, and Latin-1 as HPACK decodes them): what {@code Headers} would check, so the session adds them unchecked.
     */
    private int checkResponse(int id, List<HeaderField> fields) {
        if (fields.isEmpty() || !fields.get(0).name().equals(":status")) {
            throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "a response without :status first");
        }
        int status;
        try {
            status = Integer.parseInt(fields.get(0).value());
        } catch (NumberFormatException e) {
            status = -1;
        }
        if (status < 100 || status > 999) throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "a response with :status " + fields.get(0).value());
        for (int i = 1; i < fields.size(); i++) {
            HeaderField f = fields.get(i);
            int slot = i - 1;
            if (slot < checked.length && checked[slot] == f) continue; // this very field (a table entry) passed before
            String n = f.name();
            if (n.startsWith(":")) throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "pseudo-header " + n + " in a response");
            if (n.isEmpty()) throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "an empty field name");
            for (int k = 0; k < n.length(); k++) { // lower-case RFC 9110 token characters (§8.2.1 lets us refuse others)
                char c = n.charAt(k);
                if (c >= 128 || (c < 64 ? NAME_CHARS_LOW >>> c : NAME_CHARS_HIGH >>> (c - 64)) % 2 == 0) {
                    throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "an invalid field name: " + n);
                }
            }
            String v = fields.get(i).value();
            for (int k = 0; k < v.length(); k++) {
                char c = v.charAt(k);
                if (c == 0 || c == '\r' || c == '\n') throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "NUL, CR or LF in field " + n);
            }
            if (slot < checked.length) checked[slot] = f;
        }
        return status;
    }

    private void onData(Frame.Data d) {
        int id = d.streamId();
        connRecvWindow -= d.flowLength();
        if (connRecvWindow < 0) throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, "DATA beyond the connection's window");
        ClientStream s = streams.get(id);
        if (s == null) {
            if (id >= nextStreamId || nextStreamId < 0) throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "DATA on idle stream " + id);
            credit(d.flowLength()); // a stream we reset meanwhile: its bytes are dropped
            return;
        }
        if (s.remoteClosed) {
            credit(d.flowLength());
            throw Http2Exception.stream(id, ErrorCode.STREAM_CLOSED, "DATA after END_STREAM");
        }
        s.recvWindow -= d.flowLength();
        if (s.recvWindow < 0) {
            credit(d.flowLength());
            throw Http2Exception.stream(id, ErrorCode.FLOW_CONTROL_ERROR, "DATA beyond the stream's window");
        }
        if (s.head == null) {
            credit(d.flowLength());
            throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "DATA before the response's HEADERS");
        }
        credit(d.flowLength() - d.data().length); // padding: free at once
        if (d.data().length == 0 && !d.endStream()) control("empty DATA");
        s.receivedLength += d.data().length;
        if (s.declaredLength >= 0 && s.receivedLength > s.declaredLength || d.endStream() && s.declaredLength >= 0 && s.receivedLength != s.declaredLength) {
            credit(d.data().length); // the frame is dropped, its bytes given back
            if (s.receivedLength > s.declaredLength) {
                throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "more response body than its content-length of "
                        + s.declaredLength + " bytes (RFC 9113 §8.1.1)");
            }
            checkLengthAtEnd(s);
        }
        s.received(d.data());
        if (d.endStream()) remoteEnded(s);
    }

    private void onWindowUpdate(Frame.WindowUpdate w) {
        if (w.streamId() == 0) {
            connSendWindow += w.increment();
            if (connSendWindow > Integer.MAX_VALUE) throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, "the connection's send window over 2^31-1");
            for (ClientStream s : streams.values()) s.wakeSender();
            return;
        }
        ClientStream s = streams.get(w.streamId());
        if (s == null) {
            if (w.streamId() >= nextStreamId || nextStreamId < 0) throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE on idle stream " + w.streamId());
            return;
        }
        s.sendWindow += w.increment();
        if (s.sendWindow > Integer.MAX_VALUE) throw Http2Exception.stream(s.id(), ErrorCode.FLOW_CONTROL_ERROR, "stream " + s.id() + "'s send window over 2^31-1");
        s.wakeSender();
    }

    private void onReset(Frame.RstStream r) {
        ClientStream s = streams.get(r.streamId());
        if (s == null) {
            if (r.streamId() >= nextStreamId || nextStreamId < 0) throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "RST_STREAM on idle stream " + r.streamId());
            return;
        }
        IOException e = r.error() == ErrorCode.REFUSED_STREAM
                ? new StreamRefusedError(origin + ": the server refused stream " + s.id() + " (REFUSED_STREAM); the request was not processed")
                : new IOException(origin + ": the server reset stream " + s.id() + " with " + r.error());
        s.reset = true;
        s.fail(e, r.error() == ErrorCode.NO_ERROR);
        closeStream(s);
    }

    private void onGoAway(Frame.GoAway g) {
        goAwayLast = g.lastStreamId();
        String debug = g.debugData().length == 0 ? "" : " (" + new String(g.debugData(), java.nio.charset.StandardCharsets.UTF_8) + ")";
        for (ClientStream s : List.copyOf(streams.values())) {
            if (s.id() > goAwayLast) {
                s.reset = true;
                s.fail(new StreamRefusedError(origin + ": the server sent GOAWAY " + g.error() + debug + " before processing stream "
                        + s.id() + "; the request was not processed"), false);
                closeStream(s);
            }
        }
        for (Future<Object> w : slotWaiters) if (!w.done()) w.setResult(null); // they see acceptsStreams() false
        if (onClosed != null) { // no new streams here: the pool opens another connection for the next request
            Runnable r = onClosed;
            onClosed = null;
            r.run();
        }
        if (streams.isEmpty()) close();
    }

    // ---------------------------------------------------------------- flow control and writing (from stream tasks)

    /** How many of {@code len} bytes stream {@code s} may send now. */
    int sendable(ClientStream s, int len) {
        return (int) Math.max(0, Math.min(Math.min(len, peerMaxFrameSize), Math.min(s.sendWindow, connSendWindow)));
    }

    void writeData(ClientStream s, byte[] b, int off, int n, boolean endStream) {
        s.sendWindow -= n;
        connSendWindow -= n;
        if (out != null) {
            FrameWriter.data(out.room(9 + n), s.id(), b, off, n, endStream);
            out.added();
        } else {
            io.writer().write(FrameWriter.data(s.id(), b, off, n, endStream));
        }
        if (endStream) {
            s.localClosed = true;
            if (s.remoteClosed) closeStream(s);
        }
    }

    void drain() {
        if (out != null) out.flush(); // the transport's buffer limits see what is held
        io.writer().drain();
    }

    /** The reader took {@code n} bytes of {@code s}'s body: its windows open again, half a window at a time. */
    void consumed(ClientStream s, int n) {
        if (failure != null) return;
        credit(n);
        if (s.remoteClosed || s.reset) return;
        s.unacked += n;
        if (s.unacked >= options.streamWindow() / 2) {
            s.recvWindow += s.unacked;
            send(FrameWriter.windowUpdate(s.id(), s.unacked));
            s.unacked = 0;
        }
    }

    private void credit(int n) {
        if (n <= 0 || failure != null) return;
        connUnacked += n;
        if (connUnacked >= options.connectionWindow() / 4) {
            connRecvWindow += connUnacked;
            send(FrameWriter.windowUpdate(0, connUnacked));
            connUnacked = 0;
        }
    }

    private void remoteEnded(ClientStream s) {
        s.remoteClosed = true;
        s.wakeReader();
        if (s.localClosed) closeStream(s);
    }

    /** The stream's user is done with it before its end: RST_STREAM CANCEL, its unread bytes given back. */
    void cancel(ClientStream s) {
        if (streams.get(s.id()) == s && failure == null) {
            s.reset = true;
            send(FrameWriter.rstStream(s.id(), ErrorCode.CANCEL));
            closeStream(s);
        }
        if (s.buffered > 0) credit((int) s.buffered);
        s.buffered = 0;
    }

    private void closeStream(ClientStream s) {
        if (streams.remove(s.id()) == null) return;
        wakeSlot();
        if (streams.isEmpty()) {
            if (goAwayLast >= 0) close();
            else if (idleTimeout > 0 && failure == null) idleTimer = loop.callLater(idleTimeout, () -> close());
        }
    }

    private void streamError(Http2Exception e) {
        ClientStream s = streams.get(e.streamId());
        if (failure == null) send(FrameWriter.rstStream(e.streamId(), e.code()));
        if (s != null) {
            s.reset = true;
            s.fail(new IOException(origin + ": HTTP/2 stream " + s.id() + ": " + e.getMessage()), false);
            closeStream(s);
        }
    }

    private void cancelIdleTimer() {
        if (idleTimer != null) idleTimer.cancel();
        idleTimer = null;
    }

    /** Sends frames after those already sent (held in {@link #out} until the read or the loop iteration ends). */
    private void send(ByteBuffer frames) {
        if (out != null) out.add(frames);
        else io.writer().write(frames);
    }

    /** A reusable buffer for header blocks, its array readable without a copy. */
    private static final class BlockBuffer extends java.io.ByteArrayOutputStream {
        byte[] array() {
            return buf;
        }
    }

    // ---------------------------------------------------------------- ending

    private void connectionError(Http2Exception e) {
        if (failure != null) return;
        send(FrameWriter.goAway(0, e.code(), e.getMessage()));
        if (out != null) out.flush();
        io.writer().close(); // after the GOAWAY is sent
        fail(new IOException(origin + ": the server broke HTTP/2 (" + e.getMessage() + "); the connection was closed"));
    }

    /** Ends the connection gracefully: GOAWAY NO_ERROR, then closed; streams still open fail. */
    public void close() {
        if (failure != null) return;
        send(FrameWriter.goAway(0, ErrorCode.NO_ERROR, null));
        if (out != null) out.flush();
        io.writer().close();
        fail(new IOException(origin + ": the HTTP/2 connection was closed"));
    }

    /**
     * Drops the connection at once; streams still open fail with {@code why}.
     *
     * @param why the error the open streams fail with
     */
    public void abort(IOException why) {
        fail(why);
        if (io.writer().transport() != null) io.writer().transport().abort();
        else io.writer().close();
    }

    private void fail(IOException e) {
        if (failure != null) return;
        failure = e;
        if (out != null) out.discard(); // what close() and connectionError() sent is flushed already
        if (settingsTimer != null) settingsTimer.cancel();
        cancelIdleTimer();
        if (!settingsSeen.done()) settingsSeen.setResult(null);
        for (ClientStream s : List.copyOf(streams.values())) s.fail(e, false);
        streams.clear();
        for (Future<Object> w : slotWaiters) if (!w.done()) w.setResult(null);
        if (readerTask != null && !readerTask.done() && readerTask != Asyncio.currentTask()) readerTask.cancel();
        if (!io.writer().isClosing()) {
            if (io.writer().transport() != null) io.writer().transport().abort();
            else io.writer().close();
        }
        Runnable r = onClosed;
        onClosed = null;
        if (r != null) r.run();
        Runnable ended = onEnded;
        onEnded = null;
        if (ended != null) ended.run();
    }

    @Override
    public String toString() {
        return "<Http2ClientConnection " + origin + " streams=" + streams.size() + (goAwayLast >= 0 ? " going-away" : "")
                + (failure != null ? " closed" : "") + ">";
    }
}
