package io.jasyncio.examples.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Coroutine;
import io.jasyncio.Runner;
import io.jasyncio.Task;
import java.io.EOFException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AsyncSocketTest {
    private static <T> T run(Coroutine<T> main) {
        try (Runner r = new Runner()) {
            return r.run(main);
        }
    }

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    @Test
    void aServerTaskAndAClientTaskTalkOnOneLoop() {
        String got = run(() -> {
            try (AsyncServerSocket server = AsyncServerSocket.bind(loopback(0))) {
                Task<String> serverTask = Asyncio.createTask(() -> {
                    try (AsyncSocket peer = server.accept()) {
                        ByteBuffer b = ByteBuffer.allocate(5);
                        peer.readFully(b);
                        peer.writeAll(ByteBuffer.wrap(("got " + new String(b.array(), StandardCharsets.UTF_8))
                                .getBytes(StandardCharsets.UTF_8)));
                    }
                    return null;
                });
                try (AsyncSocket client = AsyncSocket.connect(loopback(server.port()))) {
                    client.writeAll(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));
                    ByteBuffer reply = ByteBuffer.allocate(9);
                    client.readFully(reply);
                    Asyncio.await(serverTask);
                    assertEquals(-1, client.read(ByteBuffer.allocate(1)), "the server closed its side");
                    return new String(reply.array(), StandardCharsets.UTF_8);
                }
            }
        });
        assertEquals("got hello", got);
    }

    @Test
    void closeWakesATaskWaitingToReadOrAccept() {
        run(() -> {
            try (AsyncServerSocket server = AsyncServerSocket.bind(loopback(0))) {
                Task<AsyncSocket> accepting = Asyncio.createTask(server::accept);
                AsyncSocket client = AsyncSocket.connect(loopback(server.port()));
                AsyncSocket peer = Asyncio.await(accepting);
                Task<Integer> reading = Asyncio.createTask(() -> client.read(ByteBuffer.allocate(1)));
                Asyncio.sleep(0); // let it start waiting
                client.close();
                assertThrows(AsynchronousCloseException.class, () -> Asyncio.await(reading));
                peer.close();

                Task<AsyncSocket> acceptingAgain = Asyncio.createTask(server::accept);
                Asyncio.sleep(0);
                server.close();
                assertThrows(AsynchronousCloseException.class, () -> Asyncio.await(acceptingAgain));
            }
            return null;
        });
    }

    @Test
    void aCancelledReadLeavesTheSocketUsable() {
        run(() -> {
            try (AsyncServerSocket server = AsyncServerSocket.bind(loopback(0))) {
                Task<AsyncSocket> accepting = Asyncio.createTask(server::accept);
                try (AsyncSocket client = AsyncSocket.connect(loopback(server.port()));
                        AsyncSocket peer = Asyncio.await(accepting)) {
                    Task<Integer> reading = Asyncio.createTask(() -> client.read(ByteBuffer.allocate(1)));
                    Asyncio.sleep(0);
                    reading.cancel();
                    assertThrows(CancelledError.class, () -> Asyncio.await(reading));
                    peer.writeAll(ByteBuffer.wrap(new byte[] {9}));
                    ByteBuffer b = ByteBuffer.allocate(1);
                    client.readFully(b);
                    assertEquals(9, b.get(0));
                }
            }
            return null;
        });
    }

    @Test
    void readFullySaysHowManyBytesWereMissing() {
        run(() -> {
            try (AsyncServerSocket server = AsyncServerSocket.bind(loopback(0))) {
                Task<AsyncSocket> accepting = Asyncio.createTask(server::accept);
                try (AsyncSocket client = AsyncSocket.connect(loopback(server.port()))) {
                    try (AsyncSocket peer = Asyncio.await(accepting)) {
                        peer.writeAll(ByteBuffer.wrap(new byte[3]));
                    }
                    EOFException e = assertThrows(EOFException.class, () -> client.readFully(ByteBuffer.allocate(8)));
                    assertEquals("the peer closed the connection 5 bytes short of a 8-byte read", e.getMessage());
                }
            }
            return null;
        });
    }

    @Test
    void connectingWhereNobodyListensFails() {
        run(() -> {
            int port;
            try (AsyncServerSocket s = AsyncServerSocket.bind(loopback(0))) {
                port = s.port(); // a port that is free again once closed
            }
            Exception e = assertThrows(java.io.IOException.class, () -> AsyncSocket.connect(loopback(port)));
            assertTrue(e.getMessage() != null && e.getMessage().toLowerCase().contains("refused"), e.toString());
            return null;
        });
    }
}
