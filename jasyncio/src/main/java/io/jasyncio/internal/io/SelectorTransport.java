package io.jasyncio.internal.io;

import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.LoopResource;
import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.WriteBufferLimits;
import io.jasyncio.transport.WriteTransport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.SelectableChannel;
import java.util.HashMap;
import java.util.Map;

/**
 * What the socket and datagram transports share (asyncio's {@code _SelectorTransport} and
 * {@code _FlowControlMixin}): the closing protocol, fatal errors, extra information and write flow control.
 *
 * <p>Its loop owns it from the start until {@code connectionLost} (a {@link LoopResource}): one left open when
 * the loop closes is closed then, and reported.
 *
 * <p>Threading: the event loop's thread only.
 */
public abstract class SelectorTransport extends LoopResource implements BaseTransport {
    public static final System.Logger LOG = System.getLogger("io.jasyncio.transport");
    /** After this many writes to a lost connection, each further one logs a warning (as asyncio). */
    public static final int LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;

    final EventLoop loop;
    SelectableChannel channel;
    BaseProtocol protocol;
    /**
     * get_extra_info's "sockname" and "peername", read once when the transport is made (as asyncio does, so they
     * outlive the socket); the JDK channel caches the same address objects, so these cost two references, not
     * a map per connection. Other keys, rare, go into {@link #moreExtra}.
     */
    Object sockname, peername;
    private Map<String, Object> moreExtra;
    ServerConnections server;
    boolean closing;
    /** Whether the protocol's connectionMade has been scheduled, so connectionLost must follow. */
    boolean protocolConnected;
    /** Counts the writes attempted after the connection was lost (asyncio's {@code _conn_lost}). */
    int connLost;
    /** The write buffer's water marks and whether the protocol was told to pause (_FlowControlMixin). */
    private final WriteFlowControl writeFlow = WriteFlowControl.forTransport(WriteTransport.DEFAULT_HIGH_WATER);
    private boolean lostCalled;
    final Runnable readReady = this::readReady;
    final Runnable writeReady = this::writeReady;

    public SelectorTransport(EventLoop loop, SelectableChannel channel, BaseProtocol protocol, ServerConnections server) {
        this.loop = loop;
        this.channel = channel;
        this.protocol = protocol;
        this.protocolConnected = true;
        this.server = server;
        if (server != null) server.attach(this);
        own(loop);
    }

    abstract void readReady();

    abstract void writeReady();

    /**
     * What a stream transport could not send at once; null until a write first falls behind (the datagram
     * transport keeps its own queue and overrides the three methods below).
     */
    WriteBuffer pending;

    /** The write buffer, made on first use. */
    WriteBuffer pending() {
        WriteBuffer p = pending;
        return p != null ? p : (pending = new WriteBuffer());
    }

    boolean hasBufferedData() {
        return pending != null && !pending.isEmpty();
    }

    void clearBuffer() {
        if (pending != null) pending.clear();
    }

    /** Bytes waiting to be sent, as counted for flow control. */
    long bufferedSize() {
        return pending == null ? 0 : pending.size();
    }

    @Override
    public Object getExtraInfo(String name) {
        return switch (name) {
            case "socket" -> channel;
            case "sockname" -> sockname;
            case "peername" -> peername;
            default -> moreExtra == null ? null : moreExtra.get(name);
        };
    }

    /** Adds a get_extra_info entry other than socket, sockname and peername. */
    void putExtra(String name, Object value) {
        if (moreExtra == null) moreExtra = new HashMap<>(4);
        moreExtra.put(name, value);
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    @Override
    public void setProtocol(BaseProtocol protocol) {
        if (protocol == null) throw new NullPointerException("protocol");
        this.protocol = protocol;
        this.protocolConnected = true;
    }

    @Override
    public BaseProtocol getProtocol() {
        return protocol;
    }

    @Override
    public void close() {
        if (closing) return;
        closing = true;
        loop.removeReader(channel);
        if (!hasBufferedData()) {
            connLost++;
            loop.removeWriter(channel);
            loop.callSoon(() -> callConnectionLost(null));
        }
    }

    public void abort() {
        forceClose(null);
    }

    /** Reports an error that breaks the connection, then closes it at once (asyncio's {@code _fatal_error}). */
    public void fatalError(Throwable exc, String message) {
        if (io.jasyncio.internal.Fatal.endsTheRun(exc)) { // the JVM failed: the loop's run ends with it
            forceClose(exc);
            throw (Error) exc;
        }
        if (exc instanceof IOException) {
            LOG.log(Level.DEBUG, () -> this + ": " + message, exc);
        } else if (!(exc instanceof io.jasyncio.CancelledError)) {
            loop.callExceptionHandler(ExceptionContext.builder(message).exception(exc)
                    .put("transport", this).put("protocol", protocol).build());
        }
        forceClose(exc);
    }

    public void forceClose(Throwable exc) {
        if (connLost > 0) return;
        if (hasBufferedData()) {
            clearBuffer();
            loop.removeWriter(channel);
        }
        if (!closing) {
            closing = true;
            loop.removeReader(channel);
        }
        connLost++;
        loop.callSoon(() -> callConnectionLost(exc));
    }

    void callConnectionLost(Throwable exc) {
        // Once only: a flush that completes a close calls this directly, and a later abort must not repeat it.
        if (lostCalled) return;
        lostCalled = true;
        if (connLost == 0) connLost = 1;
        try {
            if (protocolConnected) protocol.connectionLost(exc);
        } finally {
            closeChannel();
            disown(loop);
            ServerConnections s = server;
            server = null;
            if (s != null) s.detach(this);
        }
    }

    /**
     * Left open when the loop closed: closes the channel now (its descriptor goes when the loop's selector
     * closes, right after), with no protocol callback. Reported unless it was closing already or is a pipe of a
     * child process (whose transport reports).
     */
    /** Counted among the loop's open connections (LoopMetrics, the JFR LoopSample). */
    @Override
    protected boolean isConnection() {
        return true;
    }

    @Override
    protected String closeAbandoned() {
        String report = closing || ChildPipeProtocol.isChildPipe(protocol) ? null : "unclosed transport " + this;
        closing = true;
        connLost++;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "closing " + channel + " with its event loop failed", e);
        }
        return report;
    }

    void closeChannel() {
        try {
            ChannelCloser.close(loop, channel);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing " + channel + " failed", e);
        }
    }

    // ---------------------------------------------------------------- flow control (_FlowControlMixin)

    public void setWriteBufferLimits(Integer high, Integer low) {
        writeFlow.setLimits(high, low);
        maybePauseProtocol();
    }

    public WriteBufferLimits getWriteBufferLimits() {
        return writeFlow.limits();
    }

    /** Whether the protocol has been told to pause writing (and not yet to resume). */
    public boolean protocolPaused() {
        return writeFlow.paused();
    }

    void maybePauseProtocol() {
        if (writeFlow.pauseNow(bufferedSize())) WriteFlowControl.tell(protocol, true, loop, this, protocol);
    }

    void maybeResumeProtocol() {
        if (writeFlow.resumeNow(bufferedSize())) WriteFlowControl.tell(protocol, false, loop, this, protocol);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("<").append(getClass().getSimpleName());
        if (channel == null || !channel.isOpen()) sb.append(" closed");
        else if (closing) sb.append(" closing");
        Object peer = peername;
        if (peer != null) sb.append(" peer=").append(peer);
        return sb.append('>').toString();
    }
}
