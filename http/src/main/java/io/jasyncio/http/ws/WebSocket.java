package io.jasyncio.http.ws;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.TimeoutError;
import io.jasyncio.TimerHandle;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * One WebSocket connection (RFC 6455), server side ({@link WebSocketResponse}) or client side
 * ({@link ClientWebSocketResponse}): aiohttp's message API. {@link #receive()} returns the next
 * {@link WSMessage}; iterating gives the messages until the connection closes; {@link #sendStr},
 * {@link #sendBytes}, {@link #ping}, {@link #pong} send; {@link #close(int, String)} runs the close handshake.
 *
 * <p>Frames are read as they arrive, on the loop, whether or not a task is receiving: pings are answered, the
 * peer's close frame is answered ({@code autoClose}), a protocol violation is answered with a close frame
 * naming it (then {@code receive()} returns an ERROR message, then CLOSED). Received messages wait in an inbox
 * of at most 64 messages or {@code maxMsgSize} bytes; past that, reading from the peer pauses until the
 * receiving task catches up. Sending waits while the transport holds more than its high-water mark unsent
 * (64 KiB by default), so a peer that never reads costs the transport's buffer plus the message being sent;
 * after {@code sendTimeout} without the peer taking a byte, the connection is dropped.
 *
 * <p>Threading: the loop's thread only, from tasks (receive, send and close wait). One task at a time may
 * receive; several may send.
 */
public abstract sealed class WebSocket implements Iterable<WSMessage> permits WebSocketResponse, ClientWebSocketResponse {
    /** Messages waiting in the inbox before reading from the peer pauses. */
    static final int INBOX_MESSAGES = 64;

    final boolean client;
    final List<String> protocols;
    final double heartbeat;
    final boolean autoPing;
    final boolean autoClose;
    final int maxMsgSize;
    final boolean compress;
    final double receiveTimeout;
    final double closeTimeout;
    final double sendTimeout;
    final double messageTimeout;
    final int fragmentSize;

    /** The protocol the transport calls; its methods stay off this class's public API. */
    final Wire wire = new Wire();
    EventLoop loop;
    Transport transport;
    FrameParser parser;
    PerMessageDeflate deflate;
    String protocol;

    private final ArrayDeque<WSMessage> inbox = new ArrayDeque<>();
    private long inboxBytes;
    private Future<Void> readable;
    private boolean readingPaused;
    private boolean writingPaused;
    private final List<Future<Void>> drainWaiters = new ArrayList<>();
    private final List<Future<Void>> closeWaiters = new ArrayList<>();

    /** This side sent its close frame. */
    private boolean closing;
    private boolean closeReceived;
    /** Both close frames went (or the connection failed): nothing more is sent or received. */
    private boolean closed;
    private boolean lost;
    private Integer closeCode;
    private Throwable exception;

    /**
     * How early a timer may find its deadline not quite reached (a clock's rounding) and still act: without it,
     * {@code lastReceived + heartbeat} recomputed can land a nanosecond ahead and re-arm at the same instant.
     */
    private static final double SLACK = 1e-3;
    private TimerHandle heartbeatTimer;
    private TimerHandle messageTimer;
    private TimerHandle abortTimer;
    private double lastReceived;
    private boolean pongAwaited;
    private long busyMark = -1;
    private double busySince;

    WebSocket(WebSocketOptions o, boolean client) {
        this.client = client;
        this.protocols = o.protocols;
        this.heartbeat = o.heartbeat;
        this.autoPing = o.autoPing;
        this.autoClose = o.autoClose;
        this.maxMsgSize = o.maxMsgSize;
        this.compress = o.compress != null ? o.compress : !client;
        this.receiveTimeout = o.receiveTimeout;
        this.closeTimeout = o.closeTimeout;
        this.sendTimeout = o.sendTimeout;
        this.messageTimeout = o.messageTimeout;
        this.fragmentSize = o.fragmentSize;
    }

    /** The handshake is done: frames may flow. {@code d} is the agreed compression (null: none). */
    void start(PerMessageDeflate d, String proto) {
        deflate = d;
        protocol = proto;
        parser = new FrameParser(new Events(), !client, maxMsgSize);
        parser.setDeflate(d);
        lastReceived = loop.time();
        if (heartbeat > 0) heartbeatTimer = loop.callLater(heartbeat, this::heartbeatDue);
    }

    /** Bytes before the handshake is done (a client reading the server's answer). */
    void handshakeBytes(ByteBuffer data) {
        throw new IllegalStateException("bytes before the handshake");
    }

    /** The connection ended before the handshake did. */
    void handshakeLost(Throwable exc) {}

    // ---------------------------------------------------------------- state

    /**
     * The subprotocol agreed on, or null.
     *
     * @return the subprotocol, or null
     */
    public String protocol() {
        return protocol;
    }

    /**
     * Whether permessage-deflate was agreed on.
     *
     * @return true if the messages are compressed
     */
    public boolean compressed() {
        return deflate != null;
    }

    /**
     * Whether the connection is closed (both close frames went, or it failed or was lost).
     *
     * @return true once closed
     */
    public boolean closed() {
        return closed || lost;
    }

    /**
     * The close code: the peer's when it sent a close frame (1005 if it carried none), this side's while it
     * waits for the peer's, the code of the protocol error that failed it, 1006 if the connection ended without
     * a close handshake; null while open.
     *
     * @return the close code, or null while open
     */
    public Integer closeCode() {
        return closeCode;
    }

    /**
     * What failed the connection (a {@link WebSocketError}, a {@link TimeoutError}, an I/O error), or null.
     *
     * @return the failure, or null
     */
    public Throwable exception() {
        return exception;
    }

    /**
     * Bytes the transport holds that the peer has not taken yet.
     *
     * @return the bytes not yet written to the socket
     */
    public long unsentBytes() {
        return transport == null ? 0 : transport.getWriteBufferSize();
    }

    /**
     * The heap held for the peer: messages waiting in the inbox, the message being read, bytes unsent.
     *
     * @return the bytes held
     */
    public long heldBytes() {
        return inboxBytes + (parser == null ? 0 : parser.heldBytes()) + unsentBytes();
    }

    // ---------------------------------------------------------------- receiving

    /**
     * The next message, waiting for the options' receive timeout (none by default).
     *
     * @return the next message (aiohttp's {@code await ws.receive()})
     * @throws TimeoutError if the receive timeout passes first
     * @throws IllegalStateException before the WebSocket is open, or while another task is receiving
     */
    public WSMessage receive() {
        return receive(receiveTimeout);
    }

    /**
     * The next message: TEXT or BINARY, PING or PONG (without auto-ping), CLOSE (the peer's close frame), ERROR
     * (the peer broke the protocol, or the heartbeat got no answer), then CLOSING while this side's close
     * waits for the peer's, and CLOSED once the connection is closed. A {@link TimeoutError} after
     * {@code timeout} seconds (0: none).
     *
     * @param timeout seconds to wait, 0 for no limit
     * @return the next message
     * @throws TimeoutError if {@code timeout} passes first
     * @throws IllegalStateException before the WebSocket is open, or while another task is receiving
     */
    public WSMessage receive(double timeout) {
        checkStarted();
        if (readable != null && !readable.done()) throw new IllegalStateException("concurrent call to receive() is not allowed");
        while (true) {
            WSMessage m = inbox.poll();
            if (m != null) {
                inboxBytes -= m.size();
                if (readingPaused && inbox.size() <= INBOX_MESSAGES / 2 && inboxBytes <= maxMsgSize / 2 && !lost) {
                    readingPaused = false;
                    transport.resumeReading();
                }
                return m;
            }
            if (closed || lost) return WSMessage.CLOSED;
            if (closing) return WSMessage.CLOSING;
            readable = loop.createFuture();
            if (timeout > 0) {
                try {
                    Asyncio.waitFor(readable, timeout);
                } catch (TimeoutError e) {
                    throw new TimeoutError("no WebSocket message within " + timeout + " s", e);
                }
            } else {
                Asyncio.await(readable);
            }
        }
    }

    /**
     * The next message's text; an {@link IOException} if it is not a TEXT message (aiohttp's TypeError).
     *
     * @return the text (aiohttp's {@code receive_str()})
     * @throws IOException if the next message is not TEXT
     */
    public String receiveStr() throws IOException {
        WSMessage m = receive();
        if (m.type() != WSMsgType.TEXT) throw new IOException("received " + m + ", not a TEXT message");
        return m.text();
    }

    /**
     * The next message's bytes; an {@link IOException} if it is not a BINARY message.
     *
     * @return the bytes (aiohttp's {@code receive_bytes()})
     * @throws IOException if the next message is not BINARY
     */
    public byte[] receiveBytes() throws IOException {
        WSMessage m = receive();
        if (m.type() != WSMsgType.BINARY) throw new IOException("received " + m + ", not a BINARY message");
        return m.bytes();
    }

    /** The messages until the connection closes (a CLOSE, CLOSING or CLOSED ends it; an ERROR is given). */
    @Override
    public Iterator<WSMessage> iterator() {
        return new Iterator<>() {
            private WSMessage next;
            private boolean end;

            @Override
            public boolean hasNext() {
                if (next == null && !end) {
                    WSMessage m = receive();
                    WSMsgType t = m.type();
                    if (t == WSMsgType.CLOSE || t == WSMsgType.CLOSING || t == WSMsgType.CLOSED) end = true;
                    else next = m;
                }
                return next != null;
            }

            @Override
            public WSMessage next() {
                if (!hasNext()) throw new NoSuchElementException("the WebSocket is closed");
                WSMessage m = next;
                next = null;
                return m;
            }
        };
    }

    private void deliver(WSMessage m) {
        inbox.add(m);
        inboxBytes += m.size();
        if (readable != null && !readable.done()) readable.setResult(null);
        if (!readingPaused && !lost && (inbox.size() >= INBOX_MESSAGES || inboxBytes >= maxMsgSize)) {
            readingPaused = true; // the receiving task is behind: let the peer wait (TCP's window fills)
            transport.pauseReading();
        }
    }

    private void wakeReceiver() {
        if (readable != null && !readable.done()) readable.setResult(null);
    }

    // ---------------------------------------------------------------- sending

    /**
     * Sends a text message (waiting while the peer is slow to read); an {@link IOException} once closing.
     *
     * @param text the message (aiohttp's {@code send_str})
     * @throws IOException if the WebSocket is closing or closed, its connection was lost, or the send timeout passed
     */
    public void sendStr(String text) throws IOException {
        sendMessage(FrameParser.OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends a binary message (waiting while the peer is slow to read); an {@link IOException} once closing.
     *
     * @param data the message (aiohttp's {@code send_bytes})
     * @throws IOException if the WebSocket is closing or closed, its connection was lost, or the send timeout passed
     */
    public void sendBytes(byte[] data) throws IOException {
        sendMessage(FrameParser.OP_BINARY, data);
    }

    /**
     * Sends a ping with {@code payload} (at most 125 bytes).
     *
     * @param payload the ping's payload
     * @throws IOException if the WebSocket is closing or closed, or its connection was lost
     * @throws IllegalArgumentException if {@code payload} is longer than 125 bytes
     */
    public void ping(byte[] payload) throws IOException {
        sendControl(FrameParser.OP_PING, payload);
    }

    /**
     * Sends a pong with {@code payload} (at most 125 bytes): unsolicited, or answering a PING without auto-ping.
     *
     * @param payload the pong's payload
     * @throws IOException if the WebSocket is closing or closed, or its connection was lost
     * @throws IllegalArgumentException if {@code payload} is longer than 125 bytes
     */
    public void pong(byte[] payload) throws IOException {
        sendControl(FrameParser.OP_PONG, payload);
    }

    private void sendMessage(int opcode, byte[] data) throws IOException {
        checkWritable();
        waitWritable();
        checkWritable();
        byte[] payload = data;
        boolean rsv1 = false;
        if (deflate != null) {
            byte[] z = deflate.compress(data);
            if (z != null) {
                payload = z;
                rsv1 = true;
            }
        }
        // All of a message's frames are written at once, so another task's message cannot come between them.
        if (fragmentSize <= 0 || payload.length <= fragmentSize) {
            transport.write(FrameWriter.frame(opcode, true, rsv1, payload, 0, payload.length, client));
        } else {
            for (int off = 0; off < payload.length; off += fragmentSize) {
                int n = Math.min(fragmentSize, payload.length - off);
                transport.write(FrameWriter.frame(off == 0 ? opcode : FrameParser.OP_CONTINUATION,
                        off + n == payload.length, off == 0 && rsv1, payload, off, n, client));
            }
        }
        waitWritable();
    }

    private void sendControl(int opcode, byte[] payload) throws IOException {
        if (payload.length > 125) throw new IllegalArgumentException("a control frame's payload is at most 125 bytes, got " + payload.length);
        checkWritable();
        transport.write(FrameWriter.frame(opcode, true, false, payload, 0, payload.length, client));
    }

    private void checkStarted() {
        if (parser == null) throw new IllegalStateException("the WebSocket is not open yet: call prepare(request) first");
    }

    private void checkWritable() throws IOException {
        checkStarted();
        if (lost) throw new IOException("the WebSocket's connection was lost", exception);
        if (closing || closed) throw new IOException("cannot send: the WebSocket is closing");
    }

    /**
     * Waits while the transport holds more than its high-water mark for the peer. After {@code sendTimeout}
     * without the peer taking a byte, the connection is dropped: a peer that never reads holds no task for ever.
     */
    private void waitWritable() throws IOException {
        while (writingPaused && !lost) {
            Future<Void> f = loop.createFuture();
            drainWaiters.add(f);
            long before = transport.getWriteBufferSize();
            try {
                if (sendTimeout > 0) Asyncio.waitFor(f, sendTimeout);
                else Asyncio.await(f);
            } catch (TimeoutError e) {
                if (transport.getWriteBufferSize() < before) continue; // it reads, slowly: wait on
                IOException io = new IOException("the peer took no byte of the " + before + " bytes sent to it for "
                        + sendTimeout + " s: connection dropped");
                abort(io);
                throw io;
            } finally {
                drainWaiters.remove(f);
            }
        }
        if (lost) throw new IOException("the WebSocket's connection was lost", exception);
    }

    // ---------------------------------------------------------------- closing

    /**
     * {@link #close(int, String)} with 1000 and no reason.
     *
     * @return true if this call closed it, false if it was closed already
     */
    public boolean close() {
        return close(WSCloseCode.OK, "");
    }

    /**
     * Sends a close frame with {@code code} and {@code message} (at most 123 bytes in UTF-8), waits for the
     * peer's close frame (at most the close timeout; then the connection is dropped and the code is 1006), and
     * closes the connection. False if it was closed already. Messages that arrive meanwhile are dropped.
     *
     * @param code a code {@link WSCloseCode#sendable} accepts
     * @param message the reason, at most 123 bytes in UTF-8
     * @return true if this call closed it, false if it was closed already
     * @throws IllegalArgumentException if {@code code} may not be sent or {@code message} is too long
     */
    public boolean close(int code, String message) {
        checkStarted();
        if (!WSCloseCode.sendable(code)) throw new IllegalArgumentException("not a close code one may send: " + code);
        byte[] reason = message.getBytes(StandardCharsets.UTF_8);
        if (reason.length > 123) throw new IllegalArgumentException("a close reason is at most 123 bytes in UTF-8, got " + reason.length);
        if (closed || lost) return false;
        if (!closing) {
            sendClose(code, reason);
            if (closeCode == null) closeCode = code;
        }
        if (!closeReceived) {
            Future<Void> f = loop.createFuture();
            closeWaiters.add(f);
            try {
                Asyncio.waitFor(f, closeTimeout);
            } catch (TimeoutError e) {
                if (!closeReceived && !lost) {
                    abort(new TimeoutError("the peer did not answer the close frame within " + closeTimeout + " s"));
                    return true;
                }
            } finally {
                closeWaiters.remove(f);
            }
        }
        closed = true;
        closeTransport();
        return true;
    }

    /**
     * Drops the connection at once, without the close handshake (the close code becomes 1006): for a side that
     * gave up on the peer and cannot wait for it (a load generator whose step timed out mid-exchange). Callable
     * from a callback; nothing if the connection is closed already.
     */
    public void abort() {
        if (closed || lost || transport == null) return;
        abort(new IOException("the connection was dropped by this side"));
    }

    private void sendClose(int code, byte[] reason) {
        closing = true;
        wakeReceiver();
        if (lost) return;
        byte[] p;
        if (code == WSCloseCode.NO_STATUS_RECEIVED) {
            p = new byte[0];
        } else {
            p = new byte[2 + reason.length];
            p[0] = (byte) (code >>> 8);
            p[1] = (byte) code;
            System.arraycopy(reason, 0, p, 2, reason.length);
        }
        transport.write(FrameWriter.frame(FrameParser.OP_CLOSE, true, false, p, 0, p.length, client));
    }

    /** Closes the transport once the peer has taken what is buffered, or drops it after the close timeout. */
    private void closeTransport() {
        if (lost) return;
        transport.close();
        if (abortTimer == null) abortTimer = loop.callLater(closeTimeout, () -> {
            if (!lost) transport.abort();
        });
    }

    /** Fails the connection: code 1006, {@code e} as its exception (and an ERROR message), the transport dropped. */
    private void abort(Throwable e) {
        if (exception == null) exception = e;
        closeCode = WSCloseCode.ABNORMAL_CLOSURE;
        deliver(WSMessage.error(e));
        closed = true;
        if (!lost) transport.abort();
    }

    /**
     * Starts the close handshake without waiting for it (from a callback): the peer's answer closes the
     * connection, or the close timeout drops it.
     */
    void closeSoon(int code, String reason) {
        if (closed || lost || parser == null) return;
        if (!closing) {
            sendClose(code, reason.getBytes(StandardCharsets.UTF_8));
            if (closeCode == null || !closeReceived) closeCode = code;
        }
        if (closeReceived) {
            closed = true;
            closeTransport();
        } else if (abortTimer == null) {
            abortTimer = loop.callLater(closeTimeout, () -> {
                if (!lost) transport.abort();
            });
        }
    }

    // ---------------------------------------------------------------- timers

    private void heartbeatDue() {
        heartbeatTimer = null;
        if (closed || lost) return;
        double due = lastReceived + heartbeat;
        if (loop.time() < due - SLACK) { // the peer spoke meanwhile: that is answer enough (aiohttp 3.10+)
            heartbeatTimer = loop.callAt(due, this::heartbeatDue);
            return;
        }
        pongAwaited = true;
        if (!closing) transport.write(FrameWriter.frame(FrameParser.OP_PING, true, false, new byte[0], 0, 0, client));
        heartbeatTimer = loop.callLater(heartbeat / 2, this::pongDue);
    }

    private void pongDue() {
        heartbeatTimer = null;
        if (closed || lost) return;
        if (!pongAwaited) { // the peer said something since the ping
            heartbeatTimer = loop.callAt(lastReceived + heartbeat, this::heartbeatDue);
            return;
        }
        abort(new TimeoutError("no PONG received after " + heartbeat / 2 + " s (heartbeat " + heartbeat + " s)"));
    }

    /** After each read: a message under way starts (or keeps) its clock. */
    private void watchMessage() {
        if (messageTimeout <= 0 || closed || lost) return;
        if (!parser.busy()) {
            busyMark = -1;
            return;
        }
        long mark = parser.progress();
        if (mark != busyMark) {
            busyMark = mark;
            busySince = loop.time();
        }
        if (messageTimer == null) messageTimer = loop.callAt(busySince + messageTimeout, this::messageDue);
    }

    private void messageDue() {
        messageTimer = null;
        if (closed || lost || busyMark < 0 || !parser.busy()) return;
        double now = loop.time();
        if (readingPaused) busySince = now; // this side is the slow one: the peer's clock stops
        if (now < busySince + messageTimeout - SLACK) {
            messageTimer = loop.callAt(busySince + messageTimeout, this::messageDue);
            return;
        }
        fail(new WebSocketError(WSCloseCode.POLICY_VIOLATION, "a message took more than " + messageTimeout + " s to arrive"));
    }

    /** The peer broke the protocol: tell it why, close, and let the receiver see the error. */
    private void fail(WebSocketError e) {
        if (exception == null) exception = e;
        closeCode = e.code();
        deliver(WSMessage.error(e));
        if (!closing) {
            String why = e.getMessage();
            byte[] r = why.getBytes(StandardCharsets.UTF_8);
            sendClose(e.code(), r.length <= 123 ? r : java.util.Arrays.copyOf(r, 0));
        }
        closed = true;
        closeTransport();
    }

    // ---------------------------------------------------------------- what the parser reads

    /** The parser's events: messages to the inbox, pings answered, the close handshake. */
    private final class Events implements FrameParser.Listener {
        @Override
        public void onText(String text) {
            if (!closing) deliver(WSMessage.text(text));
        }

        @Override
        public void onBinary(byte[] data) {
            if (!closing) deliver(WSMessage.binary(data));
        }

        @Override
        public void onPing(byte[] payload) {
            if (!autoPing) deliver(WSMessage.control(WSMsgType.PING, payload));
            else if (!closing) transport.write(FrameWriter.frame(FrameParser.OP_PONG, true, false, payload, 0, payload.length, client));
        }

        @Override
        public void onPong(byte[] payload) {
            if (!autoPing) deliver(WSMessage.control(WSMsgType.PONG, payload));
        }

        @Override
        public void onClose(int code, String reason) {
            closeReceived = true;
            closeCode = code;
            for (Future<Void> f : List.copyOf(closeWaiters)) if (!f.done()) f.setResult(null);
            if (closing) { // the answer to ours: close() ends it (or the server's shutdown, here)
                closed = true;
                closeTransport();
                wakeReceiver();
                return;
            }
            deliver(WSMessage.close(code, reason));
            if (autoClose) {
                sendClose(code, new byte[0]); // echo the code (RFC 6455 section 5.5.1)
                closed = true;
                closeTransport();
            }
        }
    }

    /** The transport's side: bytes to the parser, flow control, the end; the server's shutdown and the handler's end. */
    final class Wire implements io.jasyncio.http.UpgradedProtocol {
        @Override
        public void serverShutdown() { // aiohttp's on_shutdown: the handler sees CLOSING
            closeSoon(WSCloseCode.GOING_AWAY, "server shutdown");
        }

        @Override
        public void handlerEnded(Transport t) { // a handler that returned without closing: close it for it
            closeSoon(WSCloseCode.OK, "");
        }

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            lastReceived = loop.time();
            pongAwaited = false;
            if (parser == null) {
                handshakeBytes(data);
                if (parser == null || !data.hasRemaining()) return;
            }
            if (closed) return;
            try {
                parser.feed(data);
            } catch (WebSocketError e) {
                fail(e);
                return;
            }
            watchMessage();
        }

        @Override
        public void pauseWriting() {
            writingPaused = true;
        }

        @Override
        public void resumeWriting() {
            writingPaused = false;
            for (Future<Void> f : List.copyOf(drainWaiters)) if (!f.done()) f.setResult(null);
        }

        @Override
        public void connectionLost(Throwable exc) {
            lost = true;
            if (parser == null) {
                handshakeLost(exc);
            } else if (!closed) {
                closed = true;
                if (closeCode == null || !closeReceived) closeCode = WSCloseCode.ABNORMAL_CLOSURE;
                if (exception == null && exc != null) exception = exc;
            }
            for (TimerHandle h : new TimerHandle[] {heartbeatTimer, messageTimer, abortTimer}) if (h != null) h.cancel();
            heartbeatTimer = messageTimer = abortTimer = null;
            if (deflate != null) deflate.end();
            for (Future<Void> f : List.copyOf(drainWaiters)) if (!f.done()) f.setResult(null);
            for (Future<Void> f : List.copyOf(closeWaiters)) if (!f.done()) f.setResult(null);
            wakeReceiver();
        }
    }
}
