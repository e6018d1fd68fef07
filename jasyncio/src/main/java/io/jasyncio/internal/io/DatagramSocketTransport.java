package io.jasyncio.internal.io;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.datagram.DatagramProtocol;
import io.jasyncio.datagram.DatagramTransport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;

/**
 * The transport of a {@link DatagramChannel} (asyncio's {@code _SelectorDatagramTransport}): datagrams are
 * sent at once while nothing is buffered; an I/O error on one datagram goes to the protocol's
 * {@code errorReceived} and the endpoint stays open.
 *
 * <p>Threading: the event loop's thread only.
 */
public final class DatagramSocketTransport extends SelectorTransport implements DatagramTransport {
    /** Per buffered datagram, the size counted for flow control includes this header allowance (as asyncio). */
    private static final int HEADER_SIZE = 8;

    private record Pending(ByteBuffer data, SocketAddress addr) {}

    private final DatagramChannel sock;
    private final SocketAddress address;
    private final ArrayDeque<Pending> buffer = new ArrayDeque<>();
    private long bufferSize;

    public DatagramSocketTransport(EventLoop loop, DatagramChannel sock, DatagramProtocol protocol, SocketAddress address,
            Future<Void> waiter) {
        super(loop, sock, protocol, null);
        this.sock = sock;
        this.address = address;
        try {
            sockname = sock.getLocalAddress();
            SocketAddress peer = sock.getRemoteAddress();
            if (peer != null) peername = peer;
        } catch (IOException e) {
            // as asyncio: leave the entry out when the address cannot be read
        }
        loop.callSoon(() -> protocol.connectionMade(this));
        loop.callSoon(() -> {
            if (!closing && sock.isOpen()) loop.addReader(sock, readReady);
        });
        if (waiter != null) {
            loop.callSoon(() -> {
                if (!waiter.cancelled()) waiter.setResult(null);
            });
        }
    }

    private DatagramProtocol proto() {
        return (DatagramProtocol) protocol;
    }

    @Override
    public long getWriteBufferSize() {
        return bufferSize;
    }

    @Override
    void readReady() {
        if (connLost > 0) return;
        ByteBuffer buf = ReadBuffer.get();
        SocketAddress from;
        try {
            from = sock.receive(buf);
        } catch (IOException e) {
            proto().errorReceived(e);
            return;
        } catch (RuntimeException | Error e) {
            fatalError(e, "Fatal read error on datagram transport");
            return;
        }
        if (from == null) return;
        buf.flip();
        proto().datagramReceived(buf, from);
    }

    @Override
    public void sendto(ByteBuffer data, SocketAddress addr) {
        if (address != null) {
            if (addr != null && !addr.equals(address)) {
                throw new IllegalArgumentException("Invalid address: must be null or " + address);
            }
            addr = address;
        }
        if (addr == null) {
            throw new IllegalArgumentException("no address: this endpoint has no remote address, pass one to sendto");
        }
        if (connLost > 0 && address != null) {
            if (connLost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) LOG.log(Level.WARNING, "socket.send() raised exception.");
            connLost++;
            return;
        }
        if (buffer.isEmpty()) {
            try {
                int n = send(data, addr);
                if (n > 0 || !data.hasRemaining()) return;
                loop.addWriter(sock, writeReady);
            } catch (IOException e) {
                proto().errorReceived(e);
                return;
            } catch (RuntimeException | Error e) {
                fatalError(e, "Fatal write error on datagram transport");
                return;
            }
        }
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        buffer.add(new Pending(copy, addr));
        bufferSize += copy.remaining() + HEADER_SIZE;
        maybePauseProtocol();
    }

    private int send(ByteBuffer data, SocketAddress addr) throws IOException {
        return sock.isConnected() ? sock.write(data) : sock.send(data, addr);
    }

    @Override
    void writeReady() {
        Pending p;
        while ((p = buffer.pollFirst()) != null) {
            int size = p.data.remaining();
            bufferSize -= size + HEADER_SIZE;
            try {
                int n = send(p.data, p.addr);
                if (n == 0 && size > 0) {
                    buffer.addFirst(p); // try again later
                    bufferSize += size + HEADER_SIZE;
                    break;
                }
            } catch (IOException e) {
                proto().errorReceived(e);
                return;
            } catch (RuntimeException | Error e) {
                fatalError(e, "Fatal write error on datagram transport");
                return;
            }
        }
        maybeResumeProtocol();
        if (buffer.isEmpty()) {
            loop.removeWriter(sock);
            if (closing) callConnectionLost(null);
        }
    }

    @Override
    boolean hasBufferedData() {
        return !buffer.isEmpty();
    }

    @Override
    void clearBuffer() {
        buffer.clear();
        bufferSize = 0;
    }

    @Override
    long bufferedSize() {
        return bufferSize;
    }
}
