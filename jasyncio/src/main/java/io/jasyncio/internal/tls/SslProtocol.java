package io.jasyncio.internal.tls;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Future;
import io.jasyncio.TimerHandle;
import io.jasyncio.internal.io.Addresses;
import io.jasyncio.internal.io.SelectorTransport;
import io.jasyncio.internal.io.WriteFlowControl;
import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.BufferedProtocol;
import io.jasyncio.transport.Connection;
import io.jasyncio.transport.Protocol;
import io.jasyncio.tls.TlsOptions;
import io.jasyncio.transport.Transport;
import io.jasyncio.transport.ReadBufferLimits;
import io.jasyncio.transport.WriteBufferLimits;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * asyncio's {@code SSLProtocol}: the protocol of a plain transport that runs TLS over it with a JSSE
 * {@link SSLEngine} and shows the application protocol a {@link SslAppTransport} carrying plaintext.
 *
 * <p>Ciphertext is read straight into the record pump's buffer (this is a {@link BufferedProtocol}; see
 * {@link SslRecordPump}); decrypted bytes collect there too and are lent to the application, as the plain
 * transports lend their read buffer.
 * The state machine is asyncio's: UNWRAPPED → DO_HANDSHAKE → WRAPPED →
 * FLUSHING → SHUTDOWN, back to UNWRAPPED when the plain connection is lost.
 *
 * <p>The engine's delegated tasks (certificate checks, key agreement) run inline on the loop thread, as
 * OpenSSL's handshake does in asyncio: they take well under a millisecond to a few milliseconds with ordinary
 * keys, less than handing them to another thread and back would cost. A trust manager that blocks (network
 * revocation checks) should not be used on a loop.
 *
 * <p>Threading: the event loop's thread only.
 */
public final class SslProtocol implements BufferedProtocol {
    private static final System.Logger LOG = SelectorTransport.LOG;
    /** asyncio's {@code FLOW_CONTROL_HIGH_WATER_SSL_READ} and {@code _WRITE}, in KiB. */
    static final int HIGH_WATER_READ_KIB = 256;
    static final int HIGH_WATER_WRITE_KIB = 512;
    /**
     * The most plaintext a connection encrypts before it lets the loop run its other callbacks: a big write
     * (16 MiB from a handler) is encrypted over several loop iterations, not in one that stalls the loop.
     */
    static final int WRAP_BUDGET = 256 * 1024;

    enum State { UNWRAPPED, DO_HANDSHAKE, WRAPPED, FLUSHING, SHUTDOWN }

    /** Where the application protocol is in INIT → CON_MADE [→ EOF] → CON_LOST. */
    enum AppState { INIT, CON_MADE, EOF, CON_LOST }


    private final EventLoop loop;
    private final TlsOptions options;
    private final String serverHostname;
    final SSLEngine engine;
    private final Map<String, Object> extra = new HashMap<>();
    private Future<Void> waiter;
    private BaseProtocol appProtocol;
    private boolean appIsBuffered;
    private SslAppTransport appTransport;
    Transport transport;
    State state = State.UNWRAPPED;
    AppState appState;
    int connLost;
    private TimerHandle handshakeTimeoutHandle;
    private TimerHandle shutdownTimeoutHandle;
    private double handshakeStartTime;

    /** Moves the bytes through the engine: ciphertext in and out, plaintext decrypted. */
    private final SslRecordPump records;
    private boolean inRead;

    // app data write buffering: plaintext the engine has not encrypted yet
    private final ArrayDeque<ByteBuffer> writeBacklog = new ArrayDeque<>();
    private long writeBufferSize;
    /** What may still be encrypted before yielding to the loop; {@link #WRAP_BUDGET} again after each yield. */
    private int wrapCredit = WRAP_BUDGET;
    /** {@link #writeAfterYield} is scheduled: writes wait in the backlog until it runs, keeping their order. */
    private boolean writeYielded;

    // flow control
    boolean sslWritingPaused;
    boolean appReadingPaused;
    private boolean sslReadingPaused;
    /** When to pause reading from the plain transport: the marks of the ciphertext not yet decrypted. */
    private ReadBufferLimits incomingLimits;
    private boolean eofReceived;
    /** The application's write flow control: pauses it at the high-water mark of {@link #writeBacklog}. */
    private final WriteFlowControl appWriteFlow = WriteFlowControl.forTlsApplication(HIGH_WATER_WRITE_KIB * 1024);

    /**
     * @param serverHostname clients: the name to verify and send as SNI, or null/empty for none
     * @param port the peer's port, a hint for the engine's session cache (0 if unknown)
     * @param waiter completed when the handshake is done or failed (may be null)
     * @param callConnectionMade false for {@code startTls}, whose application protocol is connected already
     */
    SslProtocol(EventLoop loop, BaseProtocol appProtocol, TlsOptions options, String serverHostname, int port,
            Future<Void> waiter, boolean callConnectionMade) {
        this.loop = loop;
        this.options = options;
        this.serverHostname = options.serverSide() || serverHostname == null || serverHostname.isEmpty()
                ? null : serverHostname;
        if (!options.serverSide() && options.checkHostname() && this.serverHostname == null) {
            throw new IllegalArgumentException("check_hostname requires server_hostname: give TlsOptions a "
                    + "serverHostname, or turn the check off with withCheckHostname(false)");
        }
        this.engine = createEngine(options, this.serverHostname, port);
        this.waiter = waiter;
        setAppProtocol(appProtocol);
        this.appState = callConnectionMade ? AppState.INIT : AppState.CON_MADE;
        this.records = new SslRecordPump(loop, engine, this);
        extra.put("sslcontext", options.context());
        setReadBufferLimits(null, null);
        this.appTransport = new SslAppTransport(loop, this);
    }

    private static SSLEngine createEngine(TlsOptions options, String hostname, int port) {
        SSLEngine e = hostname != null ? options.context().createSSLEngine(hostname, port)
                : options.context().createSSLEngine();
        e.setUseClientMode(!options.serverSide());
        SSLParameters p = options.parameters() != null ? options.parameters() : e.getSSLParameters();
        if (!options.serverSide() && options.checkHostname()) p.setEndpointIdentificationAlgorithm("HTTPS");
        e.setSSLParameters(p);
        return e;
    }

    void setAppProtocol(BaseProtocol p) {
        if (!(p instanceof Protocol) && !(p instanceof BufferedProtocol)) {
            throw new IllegalArgumentException("a TLS connection needs a Protocol or a BufferedProtocol, got " + p);
        }
        appProtocol = p;
        appIsBuffered = p instanceof BufferedProtocol;
    }

    BaseProtocol appProtocol() {
        return appProtocol;
    }

    /** The transport the application sees; null once the connection is lost. */
    SslAppTransport appTransport() {
        return appTransport;
    }

    private void wakeupWaiter(Throwable exc) {
        Future<Void> w = waiter;
        if (w == null) return;
        waiter = null;
        if (w.cancelled()) return;
        if (exc != null) w.setException(exc);
        else w.setResult(null);
    }

    /** The peer's address as error messages show it. */
    String peer() {
        Object a = transport != null ? transport.getExtraInfo("peername") : null;
        return a instanceof SocketAddress sa ? Addresses.describe(sa) : "the peer";
    }

    // ---------------------------------------------------------------- protocol callbacks (from the plain transport)

    @Override
    public void connectionMade(BaseTransport t) {
        transport = (Transport) t;
        startHandshake();
    }

    @Override
    public void connectionLost(Throwable exc) {
        writeBacklog.clear();
        writeBufferSize = 0;
        connLost++;
        if (appTransport != null) appTransport.closed = true;
        State was = state;
        if (was != State.DO_HANDSHAKE && (appState == AppState.CON_MADE || appState == AppState.EOF)) {
            appState = AppState.CON_LOST;
            BaseProtocol app = appProtocol;
            Throwable lostExc = exc;
            loop.callSoon(() -> app.connectionLost(lostExc));
        }
        state = State.UNWRAPPED;
        transport = null;
        appTransport = null;
        if (exc == null && was == State.DO_HANDSHAKE) {
            // asyncio would report success here; the connection is gone, so say so.
            exc = new SocketException("the connection was closed during the TLS handshake");
        }
        wakeupWaiter(exc);
        if (shutdownTimeoutHandle != null) {
            shutdownTimeoutHandle.cancel();
            shutdownTimeoutHandle = null;
        }
        if (handshakeTimeoutHandle != null) {
            handshakeTimeoutHandle.cancel();
            handshakeTimeoutHandle = null;
        }
    }

    @Override
    public ByteBuffer getBuffer(int sizeHint) {
        return records.netInForRead();
    }

    @Override
    public void bufferUpdated(int nbytes) {
        switch (state) {
            case DO_HANDSHAKE -> doHandshake();
            case WRAPPED -> doRead();
            case FLUSHING -> doFlush();
            case SHUTDOWN -> doShutdown();
            default -> records.netIn.clear(); // closed: the bytes are dropped
        }
    }

    @Override
    public boolean eofReceived() {
        eofReceived = true;
        try {
            LOG.log(Level.DEBUG, () -> this + " received EOF");
            switch (state) {
                case DO_HANDSHAKE -> onHandshakeComplete(new SocketException(
                        "Connection reset: " + peer() + " closed the connection during the TLS handshake"));
                case WRAPPED -> {
                    setState(State.FLUSHING);
                    if (appReadingPaused) return true;
                    doFlush();
                }
                case FLUSHING -> {
                    doWrite();
                    setState(State.SHUTDOWN);
                    doShutdown();
                }
                case SHUTDOWN -> doShutdown();
                default -> { }
            }
        } catch (SSLException | RuntimeException e) {
            transport.close();
            throw io.jasyncio.internal.Sneaky.rethrow(e);
        }
        // a backlog still being encrypted (WRAP_BUDGET a turn): the plain transport stays open for it, and
        // doShutdown closes it once close_notify has followed the backlog
        return transport != null && !writeBacklog.isEmpty();
    }

    /** The plain transport's buffer is over its high-water mark: hold plaintext back. */
    @Override
    public void pauseWriting() {
        sslWritingPaused = true;
    }

    @Override
    public void resumeWriting() {
        sslWritingPaused = false;
        try {
            if (state == State.WRAPPED || state == State.FLUSHING) doWrite();
        } catch (SSLException | RuntimeException e) {
            fatalError(e, "Fatal error on SSL protocol");
            return;
        }
        if (state == State.SHUTDOWN) doShutdown();
        controlAppWriting();
    }

    Object getExtraInfo(String name) {
        if (extra.containsKey(name)) return extra.get(name);
        return transport != null ? transport.getExtraInfo(name) : null;
    }

    void setState(State next) {
        boolean allowed = switch (next) {
            case UNWRAPPED -> true;
            case DO_HANDSHAKE -> state == State.UNWRAPPED;
            case WRAPPED -> state == State.DO_HANDSHAKE;
            case FLUSHING -> state == State.WRAPPED;
            case SHUTDOWN -> state == State.FLUSHING;
        };
        if (!allowed) throw new IllegalStateException("cannot switch state from " + state + " to " + next);
        state = next;
    }

    // ---------------------------------------------------------------- handshake

    private void startHandshake() {
        if (loop.getDebug()) {
            LOG.log(Level.DEBUG, () -> this + " starts SSL handshake");
            handshakeStartTime = loop.time();
        }
        setState(State.DO_HANDSHAKE);
        handshakeTimeoutHandle = loop.callLater(options.handshakeTimeout(), this::checkHandshakeTimeout);
        try {
            engine.beginHandshake();
        } catch (SSLException | RuntimeException e) {
            onHandshakeComplete(e);
            return;
        }
        doHandshake();
    }

    private void checkHandshakeTimeout() {
        if (state == State.DO_HANDSHAKE) {
            fatalError(new SocketTimeoutException("TLS handshake with " + peer() + " is taking longer than "
                    + options.handshakeTimeout() + " seconds: aborting the connection"), "Fatal error on transport");
        }
    }

    private void doHandshake() {
        boolean done;
        try {
            done = records.handshakeSteps();
        } catch (SSLException | RuntimeException e) {
            onHandshakeComplete(e);
            return;
        }
        if (done) onHandshakeComplete(null);
    }

    private void onHandshakeComplete(Throwable handshakeExc) {
        if (handshakeTimeoutHandle != null) {
            handshakeTimeoutHandle.cancel();
            handshakeTimeoutHandle = null;
        }
        List<Certificate> peercert;
        try {
            if (handshakeExc != null) throw handshakeExc;
            setState(State.WRAPPED);
            peercert = peerCertificates();
        } catch (Throwable e) {
            if (state != State.UNWRAPPED) setState(State.UNWRAPPED);
            records.sendAlert();
            Throwable err = describeHandshakeFailure(e);
            fatalError(err, isCertificateError(e) ? "SSL handshake failed on verifying the certificate"
                    : "SSL handshake failed");
            wakeupWaiter(err);
            return;
        }
        if (loop.getDebug()) {
            double dt = loop.time() - handshakeStartTime;
            LOG.log(Level.DEBUG, () -> this + ": SSL handshake took " + String.format("%.1f", dt * 1e3) + " ms");
        }
        SSLSession session = engine.getSession();
        extra.put("peercert", peercert);
        extra.put("cipher", session.getCipherSuite());
        extra.put("ssl_object", engine);
        extra.put("ssl_session", session);
        extra.put("ssl_protocol", session.getProtocol());
        if (appState == AppState.INIT) {
            appState = AppState.CON_MADE;
            try {
                appProtocol.connectionMade(appTransport);
            } catch (RuntimeException | Error e) {
                fatalError(e, "Fatal error: protocol.connection_made() call failed.");
                wakeupWaiter(e);
                return;
            }
        }
        wakeupWaiter(null);
        doRead();
    }

    private List<Certificate> peerCertificates() {
        try {
            return List.of(engine.getSession().getPeerCertificates());
        } catch (SSLPeerUnverifiedException e) {
            return null; // the peer sent no certificate (a client without client authentication)
        }
    }

    private static boolean isCertificateError(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof CertificateException) return true;
        }
        return false;
    }

    /** An {@link SSLException} from the engine, restated with the peer's address and what to check. */
    private Throwable describeHandshakeFailure(Throwable e) {
        if (!(e instanceof SSLException)) return e;
        StringBuilder msg = new StringBuilder("TLS handshake with ").append(peer()).append(" failed");
        if (isCertificateError(e)) {
            msg.append(" on verifying the certificate");
            if (serverHostname != null) msg.append(" (server hostname '").append(serverHostname).append("')");
        }
        msg.append(": ").append(e.getMessage());
        if (String.valueOf(e.getMessage()).contains("Unsupported or unrecognized SSL message")) {
            msg.append(" (is the peer speaking TLS?)");
        }
        SSLHandshakeException x = new SSLHandshakeException(msg.toString());
        x.initCause(e);
        return x;
    }

    // ---------------------------------------------------------------- shutdown

    void startShutdown() {
        if (state == State.FLUSHING || state == State.SHUTDOWN || state == State.UNWRAPPED) return;
        if (appTransport != null) appTransport.closed = true;
        if (state == State.DO_HANDSHAKE) {
            abort(null);
        } else {
            setState(State.FLUSHING);
            shutdownTimeoutHandle = loop.callLater(options.shutdownTimeout(), this::checkShutdownTimeout);
            doFlush();
        }
    }

    private void checkShutdownTimeout() {
        if ((state == State.FLUSHING || state == State.SHUTDOWN) && transport != null) {
            forceCloseTransport(transport, new io.jasyncio.TimeoutError("SSL shutdown timed out: " + peer()
                    + " did not answer close_notify within " + options.shutdownTimeout() + " seconds"));
        }
    }

    private void doFlush() {
        doRead();
        if (state != State.FLUSHING) return; // the read failed, or saw the peer's close_notify
        setState(State.SHUTDOWN);
        doShutdown();
    }

    private void doShutdown() {
        try {
            if (!writeBacklog.isEmpty()) {
                // what the application wrote before close() goes out before close_notify
                doWrite();
                if (!writeBacklog.isEmpty()) return; // the engine waits for the peer (renegotiation)
            }
            if (!eofReceived && !records.closeOutboundAndAwaitPeer()) return;
            callEofReceived();
            onShutdownComplete(null);
        } catch (SSLException | RuntimeException e) {
            onShutdownComplete(e);
        }
    }

    private void onShutdownComplete(Throwable exc) {
        if (shutdownTimeoutHandle != null) {
            shutdownTimeoutHandle.cancel();
            shutdownTimeoutHandle = null;
        }
        if (exc != null) {
            fatalError(exc, "Fatal error on transport");
        } else {
            Transport t = transport;
            if (t != null) loop.callSoon(t::close);
        }
    }

    void abort(Throwable exc) {
        setState(State.UNWRAPPED);
        if (transport != null) forceCloseTransport(transport, exc);
    }

    // ---------------------------------------------------------------- outgoing

    /** Writes what remains of {@code data}; the bytes the engine cannot take now are copied. */
    void writeAppdata(ByteBuffer data) {
        if (refuseWrite()) {
            data.position(data.limit());
            return;
        }
        try {
            if (state == State.WRAPPED && writeBacklog.isEmpty() && !sslWritingPaused && !writeYielded) {
                // the common case: encrypt straight from the caller's buffer
                wrapCredit -= records.wrapAndSend(data, wrapCredit);
            }
            if (data.hasRemaining()) append(data);
            if (state == State.WRAPPED) doWrite();
        } catch (SSLException | RuntimeException e) {
            fatalError(e, "Fatal error on SSL protocol");
        }
        controlAppWriting();
    }

    void writeAppdata(List<ByteBuffer> list) {
        if (refuseWrite()) {
            for (ByteBuffer b : list) b.position(b.limit());
            return;
        }
        for (ByteBuffer b : list) {
            if (b.hasRemaining()) append(b);
        }
        try {
            if (state == State.WRAPPED) doWrite();
        } catch (SSLException | RuntimeException e) {
            fatalError(e, "Fatal error on SSL protocol");
        }
        controlAppWriting();
    }

    private boolean refuseWrite() {
        if (state == State.FLUSHING || state == State.SHUTDOWN || state == State.UNWRAPPED) {
            if (connLost >= SelectorTransport.LOG_THRESHOLD_FOR_CONNLOST_WRITES) {
                LOG.log(Level.WARNING, "SSL connection is closed");
            }
            connLost++;
            return true;
        }
        return false;
    }

    private void append(ByteBuffer data) {
        int n = data.remaining();
        ByteBuffer copy = ByteBuffer.allocate(n);
        copy.put(data).flip();
        writeBacklog.add(copy);
        writeBufferSize += n;
    }

    /** For tests: puts {@code data} in the write backlog as is (asyncio's {@code _test__append_write_backlog}). */
    public void testAppendWriteBacklog(ByteBuffer data) {
        writeBufferSize += data.remaining();
        writeBacklog.add(data);
    }

    /**
     * Encrypts the backlog, unless the plain transport asked to pause. Once closing (FLUSHING, SHUTDOWN) all of
     * it goes to the plain transport regardless, as asyncio wraps its whole backlog before close_notify.
     */
    private void doWrite() throws SSLException {
        boolean force = state == State.FLUSHING || state == State.SHUTDOWN;
        if (writeBacklog.isEmpty() || (sslWritingPaused && !force) || transport == null || writeYielded) return;
        ByteBuffer out = records.outBuffer.borrow(records.packetSize);
        try {
            ByteBuffer head;
            while (wrapCredit > 0 && (head = writeBacklog.peekFirst()) != null && (force || !sslWritingPaused)) {
                int n = records.wrapAppData(head, out, wrapCredit);
                writeBufferSize -= n;
                wrapCredit -= n;
                if (head.hasRemaining()) break; // out of credit, or the engine waits for the peer (renegotiation)
                writeBacklog.pollFirst();
                if (out.position() > out.capacity() / 2) records.flush(out);
            }
            records.flush(out);
        } finally {
            records.outBuffer.release(out);
        }
        if (wrapCredit <= 0 && !writeBacklog.isEmpty()) {
            writeYielded = true;
            loop.callSoon(this::writeAfterYield);
        }
    }

    /** Goes on with the backlog after the loop ran the other callbacks that were ready (see {@link #WRAP_BUDGET}). */
    private void writeAfterYield() {
        writeYielded = false;
        wrapCredit = WRAP_BUDGET;
        switch (state) {
            case WRAPPED, FLUSHING -> {
                try {
                    doWrite();
                } catch (SSLException | RuntimeException e) {
                    fatalError(e, "Fatal error on SSL protocol");
                    return;
                }
                controlAppWriting();
            }
            case SHUTDOWN -> doShutdown(); // the rest of the backlog, then close_notify
            default -> { } // the connection is gone: its backlog with it
        }
    }

    // ---------------------------------------------------------------- incoming

    void doRead() {
        if (state != State.WRAPPED && state != State.FLUSHING) return;
        if (inRead) return; // re-entered from an application callback: the running loop goes on
        inRead = true;
        try {
            if (!appReadingPaused) {
                if (appIsBuffered) {
                    boolean filled = readIntoAppBuffer();
                    // closing (FLUSHING): hand over everything now, as the shutdown follows at once
                    while (filled && state == State.FLUSHING && !appReadingPaused) filled = readIntoAppBuffer();
                    if (filled && state == State.WRAPPED) loop.callSoon(this::doRead); // one buffer per turn, as asyncio
                } else {
                    readCopied();
                }
                if (state == State.WRAPPED || state == State.FLUSHING) doWrite();
                controlAppWriting();
            }
            controlSslReading();
        } catch (SSLException | RuntimeException | Error e) {
            fatalError(e, "Fatal error on SSL protocol");
        } finally {
            inRead = false;
        }
    }

    /** Decrypts and lends the plaintext to {@link Protocol#dataReceived}, a buffer-full at a time. */
    private void readCopied() throws SSLException {
        int how = SslRecordPump.NEED_BYTES;
        while (state == State.WRAPPED || state == State.FLUSHING) {
            how = records.unwrapData();
            if (records.appIn.position() > 0) {
                records.appIn.flip();
                try {
                    ((Protocol) appProtocol).dataReceived(records.appIn);
                } finally {
                    records.appIn.clear();
                }
            }
            if (how != SslRecordPump.APP_IN_FULL || appReadingPaused) break;
        }
        if (how == SslRecordPump.CLOSE_NOTIFY) {
            callEofReceived();
            startShutdown();
        }
    }

    /**
     * Fills the {@link BufferedProtocol}'s buffer once (asyncio's {@code _do_read__buffered}); true if it was
     * filled up, so more data may be waiting.
     */
    private boolean readIntoAppBuffer() throws SSLException {
        BufferedProtocol bp = (BufferedProtocol) appProtocol;
        ByteBuffer buf = bp.getBuffer(records.netIn.position() > 0 ? records.netIn.position() : -1);
        if (buf == null || !buf.hasRemaining()) throw new IllegalStateException("get_buffer() returned an empty buffer");
        int offset = 0;
        int how = SslRecordPump.NEED_BYTES;
        while (buf.hasRemaining()) {
            if (records.appIn.position() == 0) {
                how = records.unwrapData();
                if (records.appIn.position() == 0) break;
            }
            records.appIn.flip();
            int n = Math.min(records.appIn.remaining(), buf.remaining());
            buf.put(buf.position(), records.appIn, records.appIn.position(), n);
            buf.position(buf.position() + n);
            records.appIn.position(records.appIn.position() + n);
            records.appIn.compact();
            offset += n;
        }
        boolean filled = !buf.hasRemaining();
        if (offset > 0) bp.bufferUpdated(offset);
        if (how == SslRecordPump.CLOSE_NOTIFY && records.appIn.position() == 0) {
            callEofReceived();
            startShutdown();
            return false;
        }
        return filled;
    }

    private void callEofReceived() {
        try {
            if (appState == AppState.CON_MADE) {
                appState = AppState.EOF;
                boolean keepOpen = appIsBuffered ? ((BufferedProtocol) appProtocol).eofReceived()
                        : ((Protocol) appProtocol).eofReceived();
                if (keepOpen) LOG.log(Level.WARNING, "returning true from eofReceived() has no effect when using ssl");
            }
        } catch (RuntimeException | Error ex) {
            fatalError(ex, "Error calling eof_received()");
        }
    }

    // ---------------------------------------------------------------- flow control

    void controlAppWriting() {
        long size = writeBufferSize;
        if (appWriteFlow.pauseNow(size)) WriteFlowControl.tell(appProtocol, true, loop, appTransport, this);
        else if (appWriteFlow.resumeNow(size)) WriteFlowControl.tell(appProtocol, false, loop, appTransport, this);
    }

    boolean appWritingPaused() {
        return appWriteFlow.paused();
    }

    long getWriteBufferSize() {
        return writeBufferSize;
    }

    void setWriteBufferLimits(Integer high, Integer low) {
        appWriteFlow.setLimits(high, low);
    }

    WriteBufferLimits getWriteBufferLimits() {
        return appWriteFlow.limits();
    }

    void pauseAppReading() {
        appReadingPaused = true;
    }

    void resumeAppReading() {
        if (!appReadingPaused) return;
        appReadingPaused = false;
        loop.callSoon(() -> {
            switch (state) {
                case WRAPPED -> doRead();
                case FLUSHING -> doFlush();
                case SHUTDOWN -> doShutdown();
                default -> { }
            }
        });
    }

    void controlSslReading() {
        if (transport == null) return;
        int size = getReadBufferSize();
        if (size >= incomingLimits.high() && !sslReadingPaused) {
            sslReadingPaused = true;
            transport.pauseReading();
        } else if (size <= incomingLimits.low() && sslReadingPaused) {
            sslReadingPaused = false;
            transport.resumeReading();
        }
    }

    /** Asyncio's {@code set_read_buffer_limits}: the defaults and the checks of the write side's limits. */
    void setReadBufferLimits(Integer high, Integer low) {
        WriteBufferLimits marks = WriteBufferLimits.withDefaults(high, low, HIGH_WATER_READ_KIB * 1024);
        incomingLimits = new ReadBufferLimits(marks.low(), marks.high());
    }

    ReadBufferLimits getReadBufferLimits() {
        return incomingLimits;
    }

    /** Received ciphertext not yet decrypted (asyncio: the incoming BIO's pending bytes). */
    int getReadBufferSize() {
        return records.netIn.position();
    }

    // ---------------------------------------------------------------- errors

    void fatalError(Throwable exc, String message) {
        if (transport != null) forceCloseTransport(transport, exc);
        io.jasyncio.internal.Fatal.rethrowIfFatal(exc); // the JVM failed: the loop's run ends with it
        if (exc instanceof IOException) {
            LOG.log(Level.DEBUG, () -> this + ": " + message, exc);
        } else if (!(exc instanceof CancelledError)) {
            loop.callExceptionHandler(ExceptionContext.builder(message).exception(exc)
                    .put("transport", transport).put("protocol", this).build());
        }
    }

    /** Closes a plain (or TLS) transport at once, reporting {@code exc} to its protocol's connectionLost. */
    static void forceCloseTransport(Transport t, Throwable exc) {
        if (t instanceof SelectorTransport st) st.forceClose(exc);
        else if (t instanceof SslAppTransport s) s.forceClose(exc);
        else t.abort();
    }

    @Override
    public String toString() {
        return "<SslProtocol " + state + (transport != null ? " " + transport : "") + ">";
    }

    /** The peer's port, or 0: a hint for the engine's session cache. */
    static int portOf(Object address) {
        return address instanceof InetSocketAddress isa ? isa.getPort() : 0;
    }
}
