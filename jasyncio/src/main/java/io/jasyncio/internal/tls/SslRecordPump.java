package io.jasyncio.internal.tls;

import io.jasyncio.EventLoop;
import io.jasyncio.internal.io.OutBuffer;
import io.jasyncio.internal.io.SelectorTransport;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;

/**
 * The record pump of a {@link SslProtocol}: everything that moves bytes through the {@link SSLEngine}. Received
 * ciphertext is read straight into {@link #netIn}; {@code unwrap} decrypts it into {@link #appIn}; {@code wrap}
 * encrypts plaintext and handshake messages into a scratch buffer shared by the loop's connections
 * ({@link OutBuffer}), handed to the plain transport at once ({@link #flush}). It keeps no state of the
 * connection: the protocol decides when to pump, this class how.
 *
 * <p>Threading: the event loop's thread only.
 */
final class SslRecordPump {
    private static final System.Logger LOG = SelectorTransport.LOG;
    static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** What one round of unwrapping application data ended on. */
    static final int NEED_BYTES = 0, APP_IN_FULL = 1, CLOSE_NOTIFY = 2;

    final SSLEngine engine;
    /** For its plain transport (where records go) and its peer's name (in error messages). */
    private final SslProtocol owner;
    /** Received ciphertext not yet decrypted; write mode between calls (position = end of the bytes). */
    ByteBuffer netIn;
    /** Decrypted bytes not yet given to the application; write mode between calls. */
    ByteBuffer appIn;
    final int packetSize;
    final OutBuffer outBuffer;

    SslRecordPump(EventLoop loop, SSLEngine engine, SslProtocol owner) {
        this.engine = engine;
        this.owner = owner;
        this.outBuffer = OutBuffer.of(loop);
        SSLSession session = engine.getSession();
        this.packetSize = session.getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(2 * packetSize);
        this.appIn = ByteBuffer.allocate(2 * session.getApplicationBufferSize());
    }

    /** {@link #netIn}, grown first if less than 1 KiB of it is free (the plain transport reads into it). */
    ByteBuffer netInForRead() {
        if (netIn.remaining() < 1024) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(2 * netIn.capacity(), netIn.position() + packetSize));
            netIn.flip();
            netIn = bigger.put(netIn);
        }
        return netIn;
    }

    /**
     * Encrypts at most {@code max} bytes of what {@code data} holds straight from it, as far as the engine takes
     * them now, and sends them; returns how many it took.
     */
    int wrapAndSend(ByteBuffer data, int max) throws SSLException {
        ByteBuffer out = outBuffer.borrow(packetSize);
        try {
            int n = wrapAppData(data, out, max);
            flush(out);
            return n;
        } finally {
            outBuffer.release(out);
        }
    }

    /** Runs the handshake as far as the received bytes allow; true once it is complete. */
    boolean handshakeSteps() throws SSLException {
        ByteBuffer out = null;
        try {
            while (true) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_TASK -> runDelegatedTasks();
                    case NEED_WRAP -> {
                        if (out == null) out = outBuffer.borrow(packetSize);
                        wrapControl(out);
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        if (!unwrapHandshake()) return false;
                    }
                    default -> {
                        return true; // FINISHED, NOT_HANDSHAKING
                    }
                }
            }
        } finally {
            if (out != null) {
                flush(out);
                outBuffer.release(out);
            }
        }
    }

    /** Feeds received bytes to the handshake; false when a whole record has not arrived yet. */
    boolean unwrapHandshake() throws SSLException {
        SSLEngineResult r;
        netIn.flip();
        try {
            r = engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
        }
        return switch (r.getStatus()) {
            case BUFFER_UNDERFLOW -> false;
            case BUFFER_OVERFLOW -> {
                growAppIn();
                yield true;
            }
            case CLOSED -> throw new SSLHandshakeException(owner.peer() + " closed the TLS connection during the handshake");
            case OK -> true;
        };
    }

    void runDelegatedTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) task.run();
    }

    /** Sends the alert a failed engine has queued, so the peer learns why (best effort). */
    void sendAlert() {
        if (owner.transport == null || engine.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) return;
        ByteBuffer out = outBuffer.borrow(packetSize);
        try {
            engine.wrap(EMPTY, out);
            flush(out);
        } catch (SSLException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> owner + ": could not send the TLS alert", e);
        } finally {
            outBuffer.release(out);
        }
    }

    /**
     * asyncio's {@code sslobj.unwrap()}: sends close_notify, then true once the peer's close_notify has come
     * (data that arrives before it is dropped), false while it has not.
     */
    boolean closeOutboundAndAwaitPeer() throws SSLException {
        if (!engine.isOutboundDone()) {
            engine.closeOutbound();
            ByteBuffer out = outBuffer.borrow(packetSize);
            try {
                while (!engine.isOutboundDone()) {
                    SSLEngineResult r = engine.wrap(EMPTY, out);
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) flush(out);
                    else if (r.bytesProduced() == 0 && r.getStatus() != SSLEngineResult.Status.OK) break;
                }
                flush(out);
            } finally {
                outBuffer.release(out);
            }
        }
        if (engine.isInboundDone()) return true;
        netIn.flip();
        try {
            while (true) {
                appIn.clear();
                SSLEngineResult r = engine.unwrap(netIn, appIn);
                switch (r.getStatus()) {
                    case CLOSED:
                        return true;
                    case BUFFER_UNDERFLOW:
                        return false;
                    case BUFFER_OVERFLOW:
                        growAppIn();
                        break;
                    case OK:
                        if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) runDelegatedTasks();
                        if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) return false;
                        break;
                }
                if (engine.isInboundDone()) return true;
            }
        } finally {
            appIn.clear();
            netIn.compact();
        }
    }

    /** {@link #wrapAppData(ByteBuffer, ByteBuffer)} on at most {@code max} bytes of {@code src}; returns how many it took. */
    int wrapAppData(ByteBuffer src, ByteBuffer out, int max) throws SSLException {
        int start = src.position(), end = src.limit();
        src.limit(start + Math.min(max, src.remaining()));
        try {
            wrapAppData(src, out);
        } finally {
            src.limit(end);
        }
        return src.position() - start;
    }

    /** Encrypts {@code src} into {@code out}, flushing {@code out} as it fills; stops early only if the engine must read. */
    void wrapAppData(ByteBuffer src, ByteBuffer out) throws SSLException {
        while (src.hasRemaining()) {
            if (out.remaining() < packetSize) flush(out);
            SSLEngineResult r = engine.wrap(src, out);
            switch (r.getStatus()) {
                case CLOSED -> throw new SSLException("cannot write to " + owner.peer() + ": the TLS session is closed");
                case BUFFER_OVERFLOW -> {
                    flush(out);
                    continue;
                }
                default -> { }
            }
            HandshakeStatus hs = r.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) runDelegatedTasks();
            if (r.bytesConsumed() == 0 && engine.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) return;
        }
    }

    /** Wraps one handshake or control message (no application data) into {@code out}. */
    void wrapControl(ByteBuffer out) throws SSLException {
        if (out.remaining() < packetSize) flush(out);
        SSLEngineResult r = engine.wrap(EMPTY, out);
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            flush(out);
        } else if (r.getStatus() == SSLEngineResult.Status.CLOSED && r.bytesProduced() == 0) {
            throw new SSLException("the TLS engine for " + owner.peer() + " closed while it had a message to send");
        }
    }

    /** Hands the encrypted bytes in {@code out} to the plain transport (which copies what it cannot send). */
    void flush(ByteBuffer out) {
        out.flip();
        if (out.hasRemaining() && owner.transport != null) owner.transport.write(out);
        out.clear();
    }

    /** Decrypts the whole records in {@link #netIn} into {@link #appIn}, until it is full or none is left. */
    int unwrapData() throws SSLException {
        netIn.flip();
        try {
            while (true) {
                SSLEngineResult r = engine.unwrap(netIn, appIn);
                switch (r.getStatus()) {
                    case CLOSED:
                        return CLOSE_NOTIFY;
                    case BUFFER_UNDERFLOW:
                        return NEED_BYTES;
                    case BUFFER_OVERFLOW:
                        if (appIn.position() > 0) return APP_IN_FULL;
                        growAppIn();
                        continue;
                    case OK:
                        break;
                }
                // post-handshake messages (session tickets, key updates, renegotiation) may need answers
                if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) runDelegatedTasks();
                if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) answerHandshake();
                if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) return NEED_BYTES;
            }
        } finally {
            netIn.compact();
        }
    }

    void answerHandshake() throws SSLException {
        ByteBuffer out = outBuffer.borrow(packetSize);
        try {
            while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) wrapControl(out);
            if (engine.getHandshakeStatus() == HandshakeStatus.NEED_TASK) runDelegatedTasks();
            flush(out);
        } finally {
            outBuffer.release(out);
        }
    }

    void growAppIn() {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(2 * appIn.capacity(),
                appIn.position() + engine.getSession().getApplicationBufferSize()));
        appIn.flip();
        appIn = bigger.put(appIn);
    }
}
