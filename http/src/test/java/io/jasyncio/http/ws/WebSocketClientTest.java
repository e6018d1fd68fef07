package io.jasyncio.http.ws;

import io.jasyncio.http.ServerTesting;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.TimeoutError;
import io.jasyncio.http.Application;
import io.jasyncio.http.ClientSession;
import io.jasyncio.transport.Server;
import io.jasyncio.streams.Streams;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client ({@code ClientSession.wsConnect}) against the server, and against hand-written servers that
 * break the handshake or the framing; the message API both sides share (receive, iteration, close codes,
 * timeouts). Runs on the virtual-clock loop: the timeouts under test cost no real time.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WebSocketClientTest {
    private static String url(int port) {
        return "ws://127.0.0.1:" + port + "/ws";
    }

    @Test
    void textBinaryFragmentedAndCompressedMessagesGoBothWays() {
        WsTesting.Echo echo = new WsTesting.Echo(new WebSocketOptions().fragmentSize(1000));
        ServerTesting.serve(echo.app, (port, runner) -> {
            try (ClientSession s = new ClientSession()) {
                for (boolean compress : new boolean[] {false, true}) {
                    ClientWebSocketResponse ws = s.wsConnect(url(port), new WebSocketOptions().compress(compress).fragmentSize(777));
                    assertEquals(101, ws.status());
                    assertEquals(compress, ws.compressed());
                    assertEquals(compress, echo.last().compressed());
                    ws.sendStr("hello κόσμε");
                    assertEquals("hello κόσμε", ws.receiveStr());
                    byte[] big = new byte[300_000];
                    for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31 + i / 1000);
                    ws.sendBytes(big); // in frames of 777 bytes; echoed in frames of 1000
                    assertArrayEquals(big, ws.receiveBytes());
                    String text = "ab€".repeat(50_000);
                    ws.sendStr(text);
                    WSMessage m = ws.receive();
                    assertEquals(WSMsgType.TEXT, m.type());
                    assertEquals(text, m.text());
                    ws.sendBytes(new byte[0]);
                    assertEquals(0, ws.receiveBytes().length);
                    assertTrue(ws.close());
                    assertEquals(1000, ws.closeCode());
                    assertTrue(ws.closed());
                    assertEquals(WSMsgType.CLOSED, ws.receive().type());
                }
            }
            return null;
        });
    }

    @Test
    void pingsAndPongsAreDeliveredWithoutAutoPing() {
        WsTesting.Echo echo = new WsTesting.Echo(new WebSocketOptions().autoPing(false));
        ServerTesting.serve(echo.app, (port, runner) -> {
            try (ClientSession s = new ClientSession()) {
                ClientWebSocketResponse ws = s.wsConnect(url(port), new WebSocketOptions().autoPing(false));
                ws.ping("are you there".getBytes(UTF_8)); // the echo handler pongs itself
                WSMessage m = ws.receive();
                assertEquals(WSMsgType.PONG, m.type());
                assertEquals("are you there", new String(m.bytes(), UTF_8));
                ws.close();
            }
            return null;
        });
    }

    @Test
    void closeCodesAndReasonsGoBothWays() {
        Application app = new Application();
        List<Integer> serverSaw = new ArrayList<>();
        app.router().addGet("/ws", r -> {
            WebSocketResponse ws = new WebSocketResponse().prepare(r);
            String cmd = ws.receiveStr();
            if (cmd.equals("close me")) {
                ws.close(4321, "as you wish");
            } else {
                WSMessage m = ws.receive();
                assertEquals(WSMsgType.CLOSE, m.type());
                serverSaw.add(m.closeCode());
                assertEquals("client leaves", m.extra());
                assertEquals(WSMsgType.CLOSED, ws.receive().type());
            }
            return ws.response();
        });
        ServerTesting.serve(app, (port, runner) -> {
            try (ClientSession s = new ClientSession()) {
                ClientWebSocketResponse ws = s.wsConnect(url(port));
                ws.sendStr("close me");
                WSMessage m = ws.receive();
                assertEquals(WSMsgType.CLOSE, m.type());
                assertEquals(4321, m.closeCode());
                assertEquals("as you wish", m.extra());
                assertEquals(WSMsgType.CLOSED, ws.receive().type());
                assertEquals(4321, ws.closeCode());
                assertThrows(java.io.IOException.class, () -> ws.sendStr("too late"));

                ClientWebSocketResponse ws2 = s.wsConnect(url(port));
                ws2.sendStr("I will close");
                assertTrue(ws2.close(3003, "client leaves"));
                assertEquals(3003, ws2.closeCode());
                for (int i = 0; i < 100 && serverSaw.isEmpty(); i++) Asyncio.sleep(0.01);
                assertEquals(List.of(3003), serverSaw);
                assertThrows(IllegalArgumentException.class, () -> ws2.close(1005, ""));
            }
            return null;
        });
    }

    @Test
    void iterationEndsAtTheClose() {
        Application app = new Application();
        app.router().addGet("/ws", r -> {
            WebSocketResponse ws = new WebSocketResponse().prepare(r);
            for (int i = 0; i < 5; i++) ws.sendStr("m" + i);
            ws.close();
            return ws.response();
        });
        ServerTesting.serve(app, (port, runner) -> {
            try (ClientSession s = new ClientSession()) {
                ClientWebSocketResponse ws = s.wsConnect(url(port));
                List<String> got = new ArrayList<>();
                for (WSMessage m : ws) got.add(m.text());
                assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), got);
                assertEquals(1000, ws.closeCode());
            }
            return null;
        });
    }

    @Test
    void subprotocolsAreNegotiated() {
        WsTesting.Echo echo = new WsTesting.Echo(new WebSocketOptions().protocols("v2.chat", "v1.chat"));
        ServerTesting.serve(echo.app, (port, runner) -> {
            try (ClientSession s = new ClientSession()) {
                ClientWebSocketResponse ws = s.wsConnect(url(port), new WebSocketOptions().protocols("v1.chat", "v2.chat"));
                assertEquals("v1.chat", ws.protocol());
                ws.close();
                ClientWebSocketResponse none = s.wsConnect(url(port), new WebSocketOptions().protocols("mqtt"));
                assertNull(none.protocol());
                none.close();
            }
            return null;
        });
    }

    @Test
    void aRefusedHandshakeNamesTheStatus() {
        WsTesting.Echo echo = new WsTesting.Echo();
        ServerTesting.serve(echo.app, (port, runner) -> {
            try (ClientSession s = new ClientSession()) {
                WSServerHandshakeError e = assertThrows(WSServerHandshakeError.class, () -> s.wsConnect("ws://127.0.0.1:" + port + "/nowhere"));
                assertEquals(404, e.status());
                assertTrue(e.getMessage().contains("/nowhere"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> s.wsConnect("ftp://127.0.0.1/"));
            }
            return null;
        });
    }

    /** A server written by hand: answers the handshake with {@code answer} (the accept computed), then sends {@code then}. */
    private static <T> T handMade(String answer, byte[] then, ServerTesting.Body<T> body) {
        return ServerTesting.serve(new Application(), (unused, runner) -> {
            Server srv = Streams.startServer((reader, writer) -> {
                String req = new String(reader.readuntil("\r\n\r\n".getBytes(ISO_8859_1)), ISO_8859_1);
                String key = req.replaceAll("(?s).*Sec-WebSocket-Key: ([^\r]*)\r\n.*", "$1");
                writer.write(answer.replace("ACCEPT", Handshake.accept(key)).getBytes(ISO_8859_1));
                writer.write(then);
                while (reader.read().length > 0) {
                    // until the client leaves
                }
                writer.close();
            }, "127.0.0.1", 0);
            try {
                return body.run(((InetSocketAddress) srv.getSockets().get(0).getLocalAddress()).getPort(), runner);
            } finally {
                srv.close();
            }
        });
    }

    private static final String OK_101 = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: ACCEPT\r\n";

    @Test
    void aBadAnswerToTheHandshakeIsRefused() {
        String[] bad = {
            OK_101.replace("ACCEPT", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=") + "\r\n",
            OK_101.replace("Upgrade: websocket\r\n", "") + "\r\n",
            OK_101 + "Sec-WebSocket-Protocol: chat\r\n\r\n", // not offered
            OK_101 + "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n", // not offered
            "garbage\r\n\r\n",
        };
        for (String answer : bad) {
            handMade(answer, new byte[0], (port, runner) -> {
                try (ClientSession s = new ClientSession()) {
                    assertThrows(WSServerHandshakeError.class, () -> s.wsConnect(url(port)), answer);
                }
                return null;
            });
        }
    }

    @Test
    void aMaskedFrameFromTheServerIs1002() {
        handMade(OK_101 + "\r\n", RawPeer.frame(0x81, "masked".getBytes(UTF_8), true), (port, runner) -> {
            try (ClientSession s = new ClientSession()) {
                ClientWebSocketResponse ws = s.wsConnect(url(port));
                WSMessage m = ws.receive();
                assertEquals(WSMsgType.ERROR, m.type());
                assertEquals(1002, ((WebSocketError) m.error()).code());
                assertEquals(WSMsgType.CLOSED, ws.receive().type());
                assertEquals(1002, ws.closeCode());
            }
            return null;
        });
    }

    @Test
    void framesThatCameWithTheAnswerAreRead() {
        handMade(OK_101 + "\r\n", RawPeer.frame(0x81, "at once".getBytes(UTF_8), false), (port, runner) -> {
            try (ClientSession s = new ClientSession()) {
                ClientWebSocketResponse ws = s.wsConnect(url(port));
                assertEquals("at once", ws.receiveStr());
            }
            return null;
        });
    }

    @Test
    void theClientsHeartbeatDropsAServerThatNeverPongs() {
        handMade(OK_101 + "\r\n", new byte[0], (port, runner) -> { // the hand-made server reads and never answers
            try (ClientSession s = new ClientSession()) {
                double t0 = Asyncio.getRunningLoop().time();
                ClientWebSocketResponse ws = s.wsConnect(url(port), new WebSocketOptions().heartbeat(4));
                WSMessage m = ws.receive();
                assertEquals(WSMsgType.ERROR, m.type());
                assertInstanceOf(TimeoutError.class, m.error());
                assertEquals(6, Asyncio.getRunningLoop().time() - t0, 0.5);
                assertEquals(1006, ws.closeCode());
                assertEquals(WSMsgType.CLOSED, ws.receive().type());
            }
            return null;
        });
    }

    @Test
    void aServerThatNeverAnswersTimesOut() {
        ServerTesting.serve(new Application(), (unused, runner) -> {
            Server srv = Streams.startServer((reader, writer) -> {
                while (reader.read().length > 0) {
                    // never answers
                }
                writer.close();
            }, "127.0.0.1", 0);
            int port = ((InetSocketAddress) srv.getSockets().get(0).getLocalAddress()).getPort();
            try (ClientSession s = new ClientSession()) {
                double t0 = Asyncio.getRunningLoop().time();
                TimeoutError e = assertThrows(TimeoutError.class, () -> s.wsConnect(url(port), new WebSocketOptions().handshakeTimeout(5)));
                assertTrue(e.getMessage().contains("5.0 s"), e.getMessage());
                assertEquals(5, Asyncio.getRunningLoop().time() - t0, 0.5);
            } finally {
                srv.close();
            }
            return null;
        });
    }

    @Test
    void aMessageOverTheClientsLimitIs1009AndReceiveTimesOut() {
        Application app = new Application();
        List<Integer> serverSaw = new ArrayList<>();
        app.router().addGet("/ws", r -> {
            WebSocketResponse ws = new WebSocketResponse().prepare(r);
            ws.receiveStr();
            ws.sendBytes(new byte[2048]);
            ws.receive();
            serverSaw.add(ws.closeCode());
            return ws.response();
        });
        ServerTesting.serve(app, (port, runner) -> {
            try (ClientSession s = new ClientSession()) {
                ClientWebSocketResponse ws = s.wsConnect(url(port), new WebSocketOptions().maxMsgSize(1024));
                assertThrows(TimeoutError.class, () -> ws.receive(3));
                ws.sendStr("send it");
                WSMessage m = ws.receive();
                assertEquals(WSMsgType.ERROR, m.type(), m.toString());
                assertEquals(1009, ws.closeCode());
                assertEquals(WSMsgType.CLOSED, ws.receive().type());
                for (int i = 0; i < 100 && serverSaw.isEmpty(); i++) Asyncio.sleep(0.01);
                assertEquals(List.of(1009), serverSaw);
            }
            return null;
        });
    }
}
