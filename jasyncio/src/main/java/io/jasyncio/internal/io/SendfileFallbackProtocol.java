package io.jasyncio.internal.io;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.internal.Sneaky;
import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.Connection;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.Transport;
import java.net.SocketException;
import java.nio.ByteBuffer;

/**
 * Stands in for a transport's protocol while {@code sendfile} writes a file through it (asyncio's
 * {@code _SendfileFallbackProtocol}): reading is paused, the transport's pause/resume-writing calls become a
 * future that {@link #drain()} waits on, and a lost connection reaches both that future and the real protocol.
 * {@link #restore()} gives the transport back to its protocol as it was.
 *
 * <p>Threading: the loop's thread only.
 */
public final class SendfileFallbackProtocol implements Protocol {
    private final Transport transport;
    private final EventLoop loop;
    private final BaseProtocol proto;
    private final boolean shouldResumeReading;
    private final boolean shouldResumeWriting;
    private Future<Void> writeReady;

    /** {@code protocolPaused}: whether the transport has told its protocol to pause writing. */
    SendfileFallbackProtocol(Transport transport, boolean protocolPaused) {
        this.transport = transport;
        this.loop = Asyncio.getRunningLoop();
        this.proto = transport.getProtocol();
        this.shouldResumeReading = transport.isReading();
        this.shouldResumeWriting = protocolPaused;
        transport.pauseReading();
        transport.setProtocol(this);
        if (protocolPaused) writeReady = loop.createFuture();
    }

    /** Waits until the transport accepts more data; fails if the connection is closing or lost. */
    void drain() {
        if (transport.isClosing()) throw Sneaky.rethrow(new SocketException("Connection closed by peer"));
        Future<Void> fut = writeReady;
        if (fut != null) Asyncio.await(fut);
    }

    @Override
    public void connectionMade(BaseTransport transport) {
        throw new IllegalStateException("Invalid state: connection should have been established already.");
    }

    @Override
    public void connectionLost(Throwable exc) {
        if (writeReady != null) {
            // a peer that disconnects before the whole file is sent is an error for the sender
            writeReady.setException(exc != null ? exc : new SocketException("Connection is closed by peer"));
        }
        proto.connectionLost(exc);
    }

    @Override
    public void pauseWriting() {
        if (writeReady == null) writeReady = loop.createFuture();
    }

    @Override
    public void resumeWriting() {
        if (writeReady == null) return;
        writeReady.setResult(null);
        writeReady = null;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        throw new IllegalStateException("Invalid state: reading should be paused");
    }

    @Override
    public boolean eofReceived() {
        throw new IllegalStateException("Invalid state: reading should be paused");
    }

    /** Gives the transport back to its protocol, resuming what was running before. */
    void restore() {
        transport.setProtocol(proto);
        if (shouldResumeReading) transport.resumeReading();
        // nobody waits on it any more: the protocol is switched back
        if (writeReady != null) writeReady.cancel();
        if (shouldResumeWriting) proto.resumeWriting();
    }
}
