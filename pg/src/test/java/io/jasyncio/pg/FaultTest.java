package io.jasyncio.pg;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.TimeoutError;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile and broken servers (a scripted fake, {@link FakeServer}): a connection dropped mid-result fails every
 * waiter with ConnectionDoesNotExistError; garbage and huge lengths are protocol errors, not allocations; a server
 * that never answers is bounded by timeouts; a cancel that is never confirmed closes the connection.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FaultTest {
    @Test
    void droppedMidResultFailsEveryWaiterAndTheConnectionIsClosed() throws Exception {
        try (FakeServer f = new FakeServer(c -> {
            c.handshake();
            c.readUntilSync(); // the prepare
            c.preparedOneInt();
            c.readUntilSync(); // first query
            c.send('2', new byte[0]);
            c.dataRowInt(1);
            c.dataRowInt(2);
            c.s.close(); // gone, mid-result, with a second query pipelined behind
        })) {
            Asyncio.run(() -> {
                Connection conn = Pg.connect(f.dsn());
                Task<Object> a = Asyncio.createTask(() -> conn.fetch("SELECT n"));
                Task<Object> b = Asyncio.createTask(() -> conn.fetch("SELECT n"));
                ConnectionDoesNotExistError ea = assertThrows(ConnectionDoesNotExistError.class, () -> Asyncio.await(a));
                assertTrue(ea.getMessage().contains("closed in the middle of operation"), ea.getMessage());
                assertThrows(ConnectionDoesNotExistError.class, () -> Asyncio.await(b));
                assertTrue(conn.isClosed());
                ConnectionDoesNotExistError later = assertThrows(ConnectionDoesNotExistError.class, () -> conn.fetchval("SELECT 1"));
                assertTrue(later.getMessage().contains("closed"), later.getMessage());
                conn.close(); // idempotent on a lost connection
                return null;
            });
        }
    }

    @Test
    void garbageAndHugeLengthsAreProtocolErrors() throws Exception {
        byte[][] answers = {
            {'?', 0, 0, 0, 4}, // unknown type
            {'D', 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // 2 GiB claimed
            {'Z', 0, 0, 0, 1}, // length under 4
        };
        for (byte[] bad : answers) {
            try (FakeServer f = new FakeServer(c -> {
                c.handshake();
                c.readUntilSync();
                c.raw(bad);
                Thread.sleep(30_000); // keeps the socket open: the client must close it
            })) {
                Asyncio.run(() -> {
                    Connection conn = Pg.connect(f.dsn());
                    ProtocolError e = assertThrows(ProtocolError.class, () -> conn.fetchval("SELECT 1"));
                    assertTrue(e.getMessage().startsWith("protocol error from the server"), e.getMessage());
                    assertTrue(conn.isClosed(), "closed after a protocol error");
                    return null;
                });
            }
        }
        // A huge (but in range) message within maxMessageSize is read; above a small bound it is refused first.
        try (FakeServer f = new FakeServer(c -> {
            c.handshake();
            c.readUntilSync();
            c.raw(ByteBuffer.allocate(5).put((byte) 'D').putInt(100_000_000).array());
            Thread.sleep(30_000);
        })) {
            Asyncio.run(() -> {
                Connection conn = Pg.connect(ConnectOptions.parse(f.dsn()).withMaxMessageSize(1 << 20));
                ProtocolError e = assertThrows(ProtocolError.class, () -> conn.fetchval("SELECT 1"));
                assertTrue(e.getMessage().contains("over maxMessageSize"), e.getMessage());
                return null;
            });
        }
    }

    @Test
    void aSilentServerIsBoundedByTimeoutsAndAnUnconfirmedCancelClosesTheConnection() throws Exception {
        CountDownLatch cancelSeen = new CountDownLatch(1);
        try (FakeServer f = new FakeServer(c -> {
            int code = c.readStartup();
            if (code == 80877102) { // CancelRequest: read, then never close (an unconfirmed cancel)
                cancelSeen.countDown();
                Thread.sleep(30_000);
                return;
            }
            c.send('R', ByteBuffer.allocate(4).putInt(0).array());
            c.send('K', ByteBuffer.allocate(8).putInt(1).putInt(2).array());
            c.ready();
            c.readUntilSync();
            c.preparedOneInt();
            c.readUntilSync(); // the first query is answered
            c.send('2', new byte[0]);
            c.dataRowInt(7);
            c.send('C', FakeServer.Conn.text("SELECT 1"));
            c.ready();
            Thread.sleep(30_000); // then nothing more
        })) {
            Asyncio.run(() -> {
                Connection conn = Pg.connect(ConnectOptions.parse(f.dsn()).withConnectTimeout(0.5));
                assertEquals(7, (int) conn.fetchval("SELECT n"));
                assertThrows(TimeoutError.class, () -> conn.fetchval(Duration.ofMillis(100), "SELECT n"));
                // The next query waits for the cancel, which the server never confirms: the connection is closed.
                ConnectionDoesNotExistError e = assertThrows(ConnectionDoesNotExistError.class, () -> conn.fetchval("SELECT n"));
                assertTrue(e.getMessage().contains("did not confirm the CancelRequest"), e.getMessage());
                assertTrue(conn.isClosed());
                return null;
            });
            assertEquals(0, cancelSeen.getCount(), "the CancelRequest reached the server");
        }
    }

    @Test
    void aValueThatCannotBeDecodedFailsItsQueryOnly() throws Exception {
        try (FakeServer f = new FakeServer(c -> {
            c.handshake();
            c.readUntilSync(); // prepare: one numeric column
            c.send('1', new byte[0]);
            c.send('t', new byte[] {0, 0});
            c.send('T', ByteBuffer.allocate(22).putShort((short) 1).put((byte) 'n').put((byte) 0).putInt(0).putShort((short) 0)
                    .putInt(1700).putShort((short) -1).putInt(-1).putShort((short) 0).array());
            c.ready();
            c.readUntilSync(); // the query: a 3-byte numeric, which no numeric is
            c.send('2', new byte[0]);
            c.send('D', new byte[] {0, 1, 0, 0, 0, 3, 1, 2, 3});
            c.send('C', FakeServer.Conn.text("SELECT 1"));
            c.ready();
            c.readUntilSync(); // the next query is answered normally (a numeric 0: no digits, no scale)
            c.send('2', new byte[0]);
            c.send('D', new byte[] {0, 1, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0});
            c.send('C', FakeServer.Conn.text("SELECT 1"));
            c.ready();
            Thread.sleep(30_000);
        })) {
            Asyncio.run(() -> {
                Connection conn = Pg.connect(f.dsn());
                DataError e = assertThrows(DataError.class, () -> conn.fetchval("SELECT n"));
                assertTrue(e.getMessage().contains("numeric"), e.getMessage());
                assertFalse(conn.isClosed(), "the stream is intact: only that query failed");
                assertEquals(java.math.BigDecimal.ZERO, conn.fetchval("SELECT n"));
                conn.terminate();
                return null;
            });
        }
    }

    @Test
    void aCancelTheServerIgnoredIsSentAgain() throws Exception {
        java.util.concurrent.atomic.AtomicInteger cancels = new java.util.concurrent.atomic.AtomicInteger();
        CountDownLatch second = new CountDownLatch(2);
        try (FakeServer f = new FakeServer(c -> {
            if (c.readStartup() == 80877102) { // a CancelRequest: counted, and the side connection closed
                cancels.incrementAndGet();
                second.countDown();
                return;
            }
            c.send('R', ByteBuffer.allocate(4).putInt(0).array());
            c.send('K', ByteBuffer.allocate(8).putInt(1).putInt(2).array());
            c.ready();
            c.readUntilSync();
            c.preparedOneInt();
            for (int v : new int[] {7, 0, 8}) {
                c.readUntilSync();
                if (v == 0) {
                    // Like a backend still reading the query when the first signal came: it ignores it; the second
                    // one cancels the query.
                    second.await();
                    c.send('E', "SERROR\0VERROR\0C57014\0Mcanceling statement due to user request\0\0".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    c.ready();
                    continue;
                }
                c.send('2', new byte[0]);
                c.dataRowInt(v);
                c.send('C', FakeServer.Conn.text("SELECT 1"));
                c.ready();
            }
            Thread.sleep(30_000);
        })) {
            Asyncio.run(() -> {
                Connection conn = Pg.connect(f.dsn());
                assertEquals(7, (int) conn.fetchval("SELECT n"));
                Task<Object> t = Asyncio.createTask(() -> conn.fetchval("SELECT n"));
                Asyncio.sleep(0); // on the wire, alone
                t.cancel();
                assertThrows(io.jasyncio.CancelledError.class, () -> Asyncio.await(t));
                assertEquals(8, (int) conn.fetchval(Duration.ofSeconds(10), "SELECT n"), "held until the cancel took");
                assertTrue(cancels.get() >= 2, "sent again: " + cancels.get());
                conn.terminate();
                return null;
            });
        }
    }

    @Test
    void bytesAfterTheSslAnswerAreRefused() throws Exception {
        try (FakeServer f = new FakeServer(c -> {
            c.readStartup(); // SSLRequest
            c.raw(new byte[] {'N', 'R', 0, 0, 0, 8, 0, 0, 0, 0}); // 'N' plus an injected AuthenticationOk
            Thread.sleep(30_000);
        })) {
            Asyncio.run(() -> {
                ProtocolError e = assertThrows(ProtocolError.class, () -> Pg.connect(f.dsn().replace("sslmode=disable", "sslmode=prefer")));
                assertTrue(e.getMessage().contains("SSLRequest"), e.getMessage());
                return null;
            });
        }
    }

    @Test
    void authenticationOkBeforeTheScramServerSignatureIsRefused() throws Exception {
        // A server (or a man in the middle) that starts SCRAM, takes the client-first message and then says
        // AuthenticationOk without ever proving it knows the password (no SASLFinal): SCRAM's mutual
        // authentication would be skipped, so the client must refuse, as libpq does.
        try (FakeServer f = new FakeServer(c -> {
            c.readStartup();
            c.send('R', ByteBuffer.allocate(4 + 15).putInt(10).put("SCRAM-SHA-256".getBytes()).put((byte) 0).put((byte) 0).array());
            c.read(); // SASLInitialResponse
            c.handshakeAfterAuth();
            while (true) c.read();
        })) {
            Asyncio.run(() -> {
                String dsn = "postgresql://u:secret@127.0.0.1:" + f.socket.getLocalPort() + "/d?sslmode=disable";
                InterfaceError e = assertThrows(InterfaceError.class, () -> Pg.connect(dsn).close());
                assertTrue(e.getMessage().contains("SCRAM"), e.getMessage());
                return null;
            });
        }
    }
}
