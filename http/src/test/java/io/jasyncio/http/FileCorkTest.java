package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jasyncio.transport.TcpCork;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * File answers are sent corked (TCP_CORK, nginx's tcp_nopush): corked while the file is in flight, never left
 * corked after. Looked at with getsockopt on the server's socket, not by timing. Needs native access (the
 * vthread run); the portable run has none and checks that files go out uncorked.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FileCorkTest {
    @TempDir
    static Path tmp;

    /** An app whose handlers note the server's socket of the connection answering them. */
    private static Application app(Path big, AtomicReference<SocketChannel> socket) throws Exception {
        Path small = Files.writeString(tmp.resolve("small.txt"), "small\n");
        Application app = new Application();
        app.router().addGet("/big", r -> {
            socket.set((SocketChannel) r.connection().transport().getExtraInfo("socket"));
            return new FileResponse(big);
        });
        app.router().addGet("/small", r -> new FileResponse(small));
        return app;
    }

    @Test
    void corkedWhileTheFileIsInFlightAndUncorkedBeforeTheNextAnswer() throws Exception {
        assumeTrue(TcpCork.available(), "needs --enable-native-access and sun.nio.ch exported");
        int size = 32 * 1024 * 1024;
        Path big = sparse("keepalive.bin", size);
        AtomicReference<SocketChannel> sock = new AtomicReference<>();
        try (Served s = Served.start(app(big, sock), r -> r.sendTimeout(30)); RawClient c = new RawClient(s.port)) {
            c.socket.setReceiveBufferSize(16 * 1024);
            c.get("/big");
            assertEquals(String.valueOf(size), c.read(true).header("Content-Length"));
            assertEquals(1024 * 1024, c.in().readNBytes(1024 * 1024).length);
            // 31 MiB still to go, more than any socket buffer holds: the sendfile is under way
            assertTrue(TcpCork.isSet(sock.get()), "corked while the file is in flight");
            byte[] rest = c.in().readNBytes(size - 1024 * 1024);
            assertEquals(size - 1024 * 1024, rest.length);
            assertEquals(1, rest[rest.length - 1]);
            // The next answer on the connection is written after the file answer ended: it found it uncorked.
            assertEquals("small\n", c.get("/small").read().text());
            assertFalse(TcpCork.isSet(sock.get()), "uncorked after the file answer");
            assertEquals(200, c.send("HEAD /big HTTP/1.1\r\nHost: x\r\n\r\n").read(true).status());
            assertFalse(TcpCork.isSet(sock.get()), "a HEAD answer is a lone head: not corked");
            assertEquals(List.of(), s.errors);
        }
    }

    /** A client that stops reading mid-file is dropped; the uncork on the way out reports nothing. */
    @Test
    void aDroppedClientsFileAnswerEndsCleanly() throws Exception {
        assumeTrue(TcpCork.available(), "needs --enable-native-access and sun.nio.ch exported");
        Path big = sparse("dropped.bin", 256 * 1024 * 1024);
        AtomicReference<SocketChannel> sock = new AtomicReference<>();
        try (Served s = Served.start(app(big, sock), r -> r.sendTimeout(0.5)); RawClient c = new RawClient(s.port)) {
            c.socket.setReceiveBufferSize(16 * 1024);
            c.get("/big");
            assertEquals(200, c.read(true).status());
            assertTrue(TcpCork.isSet(sock.get()), "corked while the file is in flight");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (s.stats().connections() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
            assertEquals(0, s.stats().connections(), "dropped after the send timeout");
            assertFalse(sock.get().isOpen());
            assertTrue(s.errors.stream().noneMatch(e -> String.valueOf(e.message()).contains("uncork")), s.errors.toString());
        }
    }

    /** A client that resets the connection mid-file: the server's socket is closed, nothing reported. */
    @Test
    void aResetMidFileEndsCleanly() throws Exception {
        assumeTrue(TcpCork.available(), "needs --enable-native-access and sun.nio.ch exported");
        Path big = sparse("reset.bin", 64 * 1024 * 1024);
        AtomicReference<SocketChannel> sock = new AtomicReference<>();
        try (Served s = Served.start(app(big, sock), r -> r.sendTimeout(30))) {
            try (RawClient c = new RawClient(s.port)) {
                c.socket.setReceiveBufferSize(16 * 1024);
                c.get("/big");
                assertEquals(200, c.read(true).status());
                assertTrue(TcpCork.isSet(sock.get()), "corked while the file is in flight");
                c.socket.setSoLinger(true, 0); // close with a reset
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (s.stats().connections() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
            assertEquals(0, s.stats().connections());
            assertFalse(sock.get().isOpen());
            assertEquals(List.of(), s.errors);
        }
    }

    /** Without native access (the portable run, a library user's default), a file answer is never corked. */
    @Test
    void withoutNativeAccessFilesGoOutUncorked() throws Exception {
        assumeTrue(!TcpCork.available(), "this JVM has native access: covered by the tests above");
        Path big = sparse("plain.bin", 4 * 1024 * 1024);
        AtomicReference<SocketChannel> sock = new AtomicReference<>();
        try (Served s = Served.start(app(big, sock)); RawClient c = new RawClient(s.port)) {
            RawClient.Reply r = c.get("/big").read();
            assertEquals(4 * 1024 * 1024, r.body().length);
            assertFalse(TcpCork.applies(sock.get()));
            assertThrows(IllegalStateException.class, () -> TcpCork.isSet(sock.get()));
            assertEquals("small\n", c.get("/small").read().text());
            assertEquals(List.of(), s.errors);
        }
    }

    private static Path sparse(String name, long size) throws Exception {
        Path p = tmp.resolve(name);
        try (var ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {1}), size - 1);
        }
        return p;
    }
}
