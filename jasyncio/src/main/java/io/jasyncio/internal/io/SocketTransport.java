package io.jasyncio.internal.io;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.BufferedProtocol;
import io.jasyncio.transport.Connection;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.Transport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * The transport of a connected {@link SocketChannel}, TCP or Unix (asyncio's {@code _SelectorSocketTransport}).
 * Reads go through the loop's shared direct buffer (or the {@link BufferedProtocol}'s own buffer); writes go
 * straight to the socket while nothing is buffered, and OP_WRITE is watched only while something is.
 *
 * <p>Threading: the event loop's thread only.
 */
public final class SocketTransport extends SelectorTransport implements Transport {
    private final SocketChannel sock;
    private boolean eof;
    private boolean paused;
    private boolean buffered;
    /**
     * Set while a sendfile owns the socket (asyncio's {@code _empty_waiter}): writes are refused. First it is
     * resolved once the write buffer is empty, then it is the transfer's wait; a lost connection fails it.
     */
    private Future<Object> sendfile;

    public SocketTransport(EventLoop loop, SocketChannel sock, BaseProtocol protocol, Future<Void> waiter, ServerConnections server) {
        super(loop, sock, protocol, server);
        this.sock = sock;
        this.buffered = protocol instanceof BufferedProtocol;
        try {
            sockname = sock.getLocalAddress();
        } catch (IOException e) {
            // as asyncio: a socket whose address cannot be read has no "sockname"
        }
        try {
            peername = sock.getRemoteAddress();
        } catch (IOException e) {
            // same for "peername"
        }
        loop.callSoon(() -> protocol.connectionMade(this));
        // Read only after connectionMade has run.
        loop.callSoon(() -> addReaderIfOpen());
        if (waiter != null) {
            loop.callSoon(() -> {
                if (!waiter.cancelled()) waiter.setResult(null);
            });
        }
    }

    private void addReaderIfOpen() {
        if (!closing && !paused && sock.isOpen()) loop.addReader(sock, readReady);
    }

    @Override
    public void setProtocol(BaseProtocol protocol) {
        buffered = protocol instanceof BufferedProtocol;
        super.setProtocol(protocol);
    }

    // ---------------------------------------------------------------- reading

    @Override
    public boolean isReading() {
        return !paused && !closing;
    }

    @Override
    public void pauseReading() {
        if (!isReading()) return;
        paused = true;
        loop.removeReader(sock);
    }

    @Override
    public void resumeReading() {
        if (closing || !paused) return;
        paused = false;
        loop.addReader(sock, readReady);
    }

    @Override
    void readReady() {
        if (connLost > 0) return;
        if (buffered) readIntoProtocolBuffer();
        else readData();
    }

    private void readData() {
        ByteBuffer buf = ReadBuffer.get();
        int n;
        try {
            n = sock.read(buf);
        } catch (IOException e) {
            fatalError(e, "Fatal read error on socket transport");
            return;
        }
        if (n == 0) return;
        if (n < 0) {
            readEof();
            return;
        }
        buf.flip();
        try {
            ((Protocol) protocol).dataReceived(buf);
        } catch (RuntimeException | Error e) {
            fatalError(e, "Fatal error: protocol.data_received() call failed.");
        }
    }

    private void readIntoProtocolBuffer() {
        BufferedProtocol p = (BufferedProtocol) protocol;
        ByteBuffer buf;
        try {
            buf = p.getBuffer(-1);
            if (buf == null || !buf.hasRemaining()) {
                throw new IllegalStateException("get_buffer() returned an empty buffer");
            }
        } catch (RuntimeException | Error e) {
            fatalError(e, "Fatal error: protocol.get_buffer() call failed.");
            return;
        }
        int n;
        try {
            n = sock.read(buf);
        } catch (IOException e) {
            fatalError(e, "Fatal read error on socket transport");
            return;
        }
        if (n == 0) return;
        if (n < 0) {
            readEof();
            return;
        }
        try {
            p.bufferUpdated(n);
        } catch (RuntimeException | Error e) {
            fatalError(e, "Fatal error: protocol.buffer_updated() call failed.");
        }
    }

    private void readEof() {
        boolean keepOpen;
        try {
            keepOpen = protocol instanceof BufferedProtocol bp ? bp.eofReceived() : ((Protocol) protocol).eofReceived();
        } catch (RuntimeException | Error e) {
            fatalError(e, "Fatal error: protocol.eof_received() call failed.");
            return;
        }
        if (keepOpen) {
            // The peer will send nothing more: stop watching (a readable EOF would fire forever).
            loop.removeReader(sock);
        } else {
            close();
        }
    }

    // ---------------------------------------------------------------- writing

    @Override
    public void write(ByteBuffer data) {
        if (eof) throw new IllegalStateException("Cannot call write() after write_eof()");
        if (sendfile != null) throw new IllegalStateException("unable to write; sendfile is in progress");
        if (!data.hasRemaining()) return;
        if (connLost > 0) {
            if (connLost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) LOG.log(Level.WARNING, "socket.send() raised exception.");
            connLost++;
            data.position(data.limit());
            return;
        }
        if (!hasBufferedData()) {
            try {
                sock.write(data);
            } catch (IOException e) {
                fatalError(e, "Fatal write error on socket transport");
                return;
            }
            if (!data.hasRemaining()) return;
            loop.addWriter(sock, writeReady);
        }
        pending().append(data);
        maybePauseProtocol();
    }

    @Override
    public void writelines(List<ByteBuffer> data) {
        if (eof) throw new IllegalStateException("Cannot call writelines() after write_eof()");
        if (sendfile != null) throw new IllegalStateException("unable to writelines; sendfile is in progress");
        if (data.isEmpty()) return;
        WriteBuffer out = pending();
        for (ByteBuffer b : data) out.append(b);
        if (connLost > 0) {
            clearBuffer();
            connLost++;
            return;
        }
        writeReady();
        if (hasBufferedData() && !closing) loop.addWriter(sock, writeReady);
        maybePauseProtocol();
    }

    @Override
    void writeReady() {
        if (connLost > 0) return;
        try {
            if (pending != null) pending.flushTo(sock);
        } catch (IOException e) {
            loop.removeWriter(sock);
            clearBuffer();
            if (sendfile != null && !sendfile.done()) sendfile.setException(e);
            fatalError(e, "Fatal write error on socket transport");
            return;
        }
        maybeResumeProtocol();
        if (!hasBufferedData()) {
            loop.removeWriter(sock);
            if (sendfile != null && !sendfile.done()) sendfile.setResult(null);
            if (closing) {
                callConnectionLost(null);
            } else if (eof) {
                shutdownOutput();
            }
        }
    }

    @Override
    public void writeEof() {
        if (closing || eof) return;
        eof = true;
        if (!hasBufferedData()) shutdownOutput();
    }

    private void shutdownOutput() {
        try {
            sock.shutdownOutput();
        } catch (IOException e) {
            fatalError(e, "Fatal error on socket shutdown");
        }
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    @Override
    public long getWriteBufferSize() {
        return bufferedSize();
    }

    // ---------------------------------------------------------------- sendfile (see Sendfile)

    /**
     * Starts a sendfile: writes are refused until {@link #endSendfile()}; the returned future is resolved once
     * what is buffered has been written.
     */
    Future<Object> beginSendfile() {
        if (sendfile != null) throw new IllegalStateException("a sendfile is already in progress on " + this);
        sendfile = loop.createFuture();
        if (!hasBufferedData()) sendfile.setResult(null);
        return sendfile;
    }

    /** The future the file transfer waits on; failed if the connection is lost meanwhile. */
    Future<Object> sendfileTransfer() {
        sendfile = loop.createFuture();
        return sendfile;
    }

    void endSendfile() {
        sendfile = null;
    }

    SocketChannel socket() {
        return sock;
    }

    @Override
    void callConnectionLost(Throwable exc) {
        try {
            super.callConnectionLost(exc);
        } finally {
            if (sendfile != null && !sendfile.done()) {
                sendfile.setException(new java.net.SocketException("Connection is closed during sendfile"));
            }
        }
    }
}
