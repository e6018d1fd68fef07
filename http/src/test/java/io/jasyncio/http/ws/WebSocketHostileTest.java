package io.jasyncio.http.ws;

import io.jasyncio.http.ServerTesting;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Runner;
import io.jasyncio.Task;
import io.jasyncio.TimeoutError;
import io.jasyncio.http.AppRunner;
import io.jasyncio.http.Application;
import io.jasyncio.http.ClientSession;
import io.jasyncio.http.TcpSite;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Peers that misbehave on purpose: one that never reads, one that sends and is never read, one that trickles,
 * one that stops or resets in the middle of a frame, one that never answers the heartbeat. Each costs the
 * server bounded memory for a bounded time. On the virtual-clock loop: a minute of waiting takes a moment, and
 * every deadline falls at an exact instant.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WebSocketHostileTest {
    private static final int FIN = 0x80, TEXT = 1, BINARY = 2;

    /** What a handler saw: its WebSocket, and what ended it (an exception's message, or the last message type). */
    private static final class Seen {
        volatile WebSocketResponse ws;
        volatile String end;
        volatile double endedAt = -1;
    }

    /** Serves {@code /ws} with {@code handler}, recording into {@code seen}. */
    private static Application app(WebSocketOptions o, Seen seen, WsHandler handler) {
        Application app = new Application();
        app.router().addGet("/ws", r -> {
            WebSocketResponse ws = new WebSocketResponse(o);
            seen.ws = ws;
            ws.prepare(r);
            try {
                seen.end = handler.run(ws);
            } catch (java.io.IOException e) {
                seen.end = "IOException: " + e.getMessage();
            }
            seen.endedAt = Asyncio.getRunningLoop().time();
            return ws.response();
        });
        return app;
    }

    @FunctionalInterface
    interface WsHandler {
        String run(WebSocketResponse ws) throws java.io.IOException;
    }

    /** Receives until the end; returns the last message's type. */
    private static String drain(WebSocketResponse ws) {
        WSMessage m;
        while ((m = ws.receive()).type() != WSMsgType.CLOSED) {
            if (m.type() == WSMsgType.ERROR) return "ERROR " + m.error().getMessage();
        }
        return "CLOSED";
    }

    private static void waitEnded(Seen seen, double upTo) {
        double t0 = Asyncio.getRunningLoop().time();
        while (seen.endedAt < 0 && Asyncio.getRunningLoop().time() - t0 < upTo) Asyncio.sleep(0.5);
        assertTrue(seen.endedAt >= 0, "the handler still runs after " + upTo + " s");
    }

    @Test
    void aPeerThatNeverReadsHoldsBoundedMemoryThenIsDropped() {
        Seen seen = new Seen();
        AtomicLong peak = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        Application app = app(new WebSocketOptions().sendTimeout(20), seen, ws -> {
            byte[] msg = new byte[64 * 1024];
            Task<?> monitor = Asyncio.createTask(() -> {
                while (!ws.closed()) {
                    peak.accumulateAndGet(ws.heldBytes(), Math::max);
                    Asyncio.sleep(0.05);
                }
                return null;
            });
            try {
                while (true) {
                    ws.sendBytes(msg); // waits while the peer's buffers are full
                    sent.addAndGet(msg.length);
                    peak.accumulateAndGet(ws.heldBytes(), Math::max);
                }
            } finally {
                monitor.cancel();
            }
        });
        ServerTesting.serve(app, (port, runner) -> {
            try (RawPeer p = RawPeer.open(port)) { // and never reads: its own buffer fills, then the kernel's
                double t0 = Asyncio.getRunningLoop().time();
                waitEnded(seen, 200);
                assertTrue(seen.end.contains("took no byte"), seen.end);
                assertEquals(20, seen.endedAt - t0, 1.0, "dropped after the send timeout");
                assertEquals(1006, seen.ws.closeCode());
                // the transport's high-water mark (64 KiB) plus the message being sent (64 KiB), and slack
                assertTrue(peak.get() <= 200 * 1024, "the server held " + peak.get() + " bytes for the peer");
                System.out.println("[ws] never-reading peer: " + sent.get() + " bytes taken by the kernel and peer, "
                        + "at most " + peak.get() + " bytes held by the server");
            }
            return null;
        });
    }

    @Test
    void aPeerWhoseMessagesAreNeverReceivedIsPausedAtTheInboxBound() {
        Seen seen = new Seen();
        Application app = app(new WebSocketOptions(), seen, ws -> {
            Asyncio.sleep(1000); // a handler that does not receive
            return drain(ws);
        });
        ServerTesting.serve(app, (port, runner) -> {
            try (RawPeer p = RawPeer.open(port)) {
                byte[] f = RawPeer.frame(FIN | BINARY, new byte[10_000], true);
                for (int i = 0; i < 2000; i++) {
                    p.sendRaw(f); // 20 MB offered
                    if (i % 100 == 99) Asyncio.sleep(0.01);
                }
                Asyncio.sleep(1);
                long held = seen.ws.heldBytes();
                assertTrue(held < 1024 * 1024, "the server held " + held + " bytes of unreceived messages");
                assertTrue(p.c.writer().transport().getWriteBufferSize() > 1_000_000, "the peer's sends wait in its own buffer");
                System.out.println("[ws] never-received peer: server holds " + held + " bytes");
            }
            return null;
        });
    }

    @Test
    void aTricklingPeerIsClosedAtTheMessageTimeout() {
        Seen seen = new Seen();
        Application app = app(new WebSocketOptions().messageTimeout(30), seen, WebSocketHostileTest::drain);
        ServerTesting.serve(app, (port, runner) -> {
            try (RawPeer p = RawPeer.open(port)) {
                byte[] f = RawPeer.frame(FIN | TEXT, "x".repeat(100).getBytes(UTF_8), true);
                double t0 = Asyncio.getRunningLoop().time();
                for (int i = 0; i < f.length && seen.endedAt < 0; i++) {
                    p.sendRaw(new byte[] {f[i]}); // a byte every 5 s: 100 bytes would take 500 s
                    Asyncio.sleep(5);
                }
                waitEnded(seen, 100);
                assertTrue(seen.end.contains("took more than 30.0 s"), seen.end);
                assertEquals(30, seen.endedAt - t0, 1.0);
                assertEquals(1008, seen.ws.closeCode());
                RawPeer.Frame close = p.readClose();
                assertEquals(1008, close.closeCode());
            }
            return null;
        });
    }

    @Test
    void aPeerThatStopsMidFrameIsClosedAtTheDefaultMessageTimeout() {
        Seen seen = new Seen();
        Application app = app(new WebSocketOptions(), seen, WebSocketHostileTest::drain);
        ServerTesting.serve(app, (port, runner) -> {
            try (RawPeer p = RawPeer.open(port)) {
                byte[] f = RawPeer.frame(FIN | BINARY, new byte[1000], true);
                double t0 = Asyncio.getRunningLoop().time();
                p.sendRaw(java.util.Arrays.copyOf(f, 500));
                waitEnded(seen, 200);
                assertEquals(60, seen.endedAt - t0, 1.0);
                assertEquals(1008, seen.ws.closeCode());
            }
            // a fragmented message stopped between fragments: the same clock
            try (RawPeer p = RawPeer.open(port)) {
                seen.endedAt = -1;
                double t0 = Asyncio.getRunningLoop().time();
                p.send(BINARY, new byte[10]);
                for (int i = 0; i < 10; i++) {
                    Asyncio.sleep(5);
                    p.send(0x80 | 9, new byte[0]); // pings between fragments do not restart the clock
                }
                waitEnded(seen, 200);
                assertEquals(60, seen.endedAt - t0, 1.0);
            }
            return null;
        });
    }

    @Test
    void aPeerThatResetsMidFrameEndsTheHandlerWith1006() {
        Seen seen = new Seen();
        Application app = app(new WebSocketOptions(), seen, WebSocketHostileTest::drain);
        ServerTesting.serve(app, (port, runner) -> {
            RawPeer p = RawPeer.open(port);
            p.sendRaw(java.util.Arrays.copyOf(RawPeer.frame(FIN | BINARY, new byte[1000], true), 300));
            Asyncio.sleep(0.1);
            p.c.writer().transport().abort();
            waitEnded(seen, 10);
            assertEquals("CLOSED", seen.end);
            assertEquals(1006, seen.ws.closeCode());
            return null;
        });
    }

    @Test
    void aPeerThatNeverPongsIsDroppedByTheHeartbeat() {
        Seen seen = new Seen();
        Application app = app(new WebSocketOptions().heartbeat(10), seen, WebSocketHostileTest::drain);
        ServerTesting.serve(app, (port, runner) -> {
            try (RawPeer p = RawPeer.open(port)) {
                double t0 = Asyncio.getRunningLoop().time();
                RawPeer.Frame ping = p.read(); // and never answered
                assertEquals(9, ping.opcode());
                assertEquals(10, Asyncio.getRunningLoop().time() - t0, 0.5);
                waitEnded(seen, 100);
                assertTrue(seen.end.startsWith("ERROR no PONG received after 5.0 s"), seen.end);
                assertEquals(15, seen.endedAt - t0, 0.5);
                assertEquals(1006, seen.ws.closeCode());
                assertInstanceOf(TimeoutError.class, seen.ws.exception());
            }
            return null;
        });
    }

    @Test
    void aPeerThatPongsKeepsTheConnectionThroughManyHeartbeats() {
        Seen seen = new Seen();
        Application app = app(new WebSocketOptions().heartbeat(10), seen, WebSocketHostileTest::drain);
        ServerTesting.serve(app, (port, runner) -> {
            try (ClientSession s = new ClientSession()) {
                ClientWebSocketResponse ws = s.wsConnect("ws://127.0.0.1:" + port + "/ws"); // auto-pong
                assertThrows(TimeoutError.class, () -> ws.receive(300)); // 30 heartbeats
                assertFalse(ws.closed());
                assertFalse(seen.ws.closed());
                ws.close();
            }
            return null;
        });
    }

    @Test
    void aServerShuttingDownSays1001AndHandlersEnd() {
        Seen seen = new Seen();
        Application app = app(new WebSocketOptions(), seen, ws -> {
            WSMessage m;
            while ((m = ws.receive()).type() == WSMsgType.TEXT) ws.sendStr(m.text());
            return m.type().toString();
        });
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            r.run(() -> {
                AppRunner runner = new AppRunner(app);
                runner.setup();
                TcpSite site = new TcpSite(runner, "127.0.0.1", 0);
                site.start();
                try (ClientSession s = new ClientSession()) {
                    ClientWebSocketResponse ws = s.wsConnect("ws://127.0.0.1:" + site.port() + "/ws");
                    ws.sendStr("hi");
                    assertEquals("hi", ws.receiveStr());
                    Task<Void> down = Asyncio.createTask(() -> {
                        runner.cleanup();
                        return null;
                    });
                    WSMessage m = ws.receive();
                    assertEquals(WSMsgType.CLOSE, m.type());
                    assertEquals(1001, m.closeCode());
                    Asyncio.await(down);
                    assertEquals("CLOSING", seen.end);
                    assertEquals(1001, seen.ws.closeCode());
                    assertEquals(0, runner.connectionCount());
                }
                return null;
            });
        }
    }
}
