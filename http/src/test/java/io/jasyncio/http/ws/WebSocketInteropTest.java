package io.jasyncio.http.ws;

import io.jasyncio.http.Served;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jasyncio.Runner;
import io.jasyncio.http.Application;
import io.jasyncio.http.ClientSession;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interoperability with other implementations: aiohttp's client against our server and our client against
 * aiohttp's server (Debian's {@code /usr/bin/python3} with {@code python3-aiohttp}, which {@code .ci/run}
 * installs; the script is {@code src/test/resources/ws/aiohttp_peer.py}), and the JDK's
 * {@code java.net.http.WebSocket} against our server. Text, binary, fragmented, ping/pong, close codes both ways,
 * compressed both ways (the JDK's client does not offer compression).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WebSocketInteropTest {
    private static final String PYTHON = "/usr/bin/python3";

    private static Path script() throws Exception {
        return Path.of(WebSocketInteropTest.class.getResource("/ws/aiohttp_peer.py").toURI());
    }

    private static void assumeAiohttp() throws Exception {
        boolean ok = Files.isExecutable(Path.of(PYTHON))
                && new ProcessBuilder(PYTHON, "-c", "import aiohttp").start().waitFor() == 0;
        assumeTrue(ok, PYTHON + " with aiohttp is missing: apt-get install python3-aiohttp (.ci/run does)");
    }

    /** Our echo server, with the commands the aiohttp script uses; it answers in frames of 16 KiB. */
    private static Application interopApp(List<Integer> codes) {
        Application app = new Application();
        app.router().addGet("/ws", r -> {
            WebSocketResponse ws = new WebSocketResponse(new WebSocketOptions().fragmentSize(16 * 1024)).prepare(r);
            for (WSMessage m : ws) {
                if (m.type() == WSMsgType.TEXT && m.text().equals("close-me")) ws.close(4001, "bye");
                else if (m.type() == WSMsgType.TEXT && m.text().equals("last-close-code")) ws.sendStr(codes.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",")));
                else if (m.type() == WSMsgType.TEXT) ws.sendStr(m.text());
                else if (m.type() == WSMsgType.BINARY) ws.sendBytes(m.bytes());
            }
            ws.close();
            codes.add(ws.closeCode());
            return ws.response();
        });
        return app;
    }

    @Test
    void aiohttpsClientAgainstOurServer() throws Exception {
        assumeAiohttp();
        List<Integer> codes = new CopyOnWriteArrayList<>();
        try (Served server = Served.start(interopApp(codes))) {
            Process p = new ProcessBuilder(PYTHON, script().toString(), "client", "ws://127.0.0.1:" + server.port + "/ws")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            System.out.println("[ws] aiohttp client -> jasyncio server:\n" + out);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("DONE 0 failures"), out);
            assertEquals(14, out.lines().filter(l -> l.startsWith("OK ")).count(), out);
            assertTrue(codes.contains(4000), "the server saw " + codes);
        }
    }

    @Test
    void ourClientAgainstAiohttpsServer() throws Exception {
        assumeAiohttp();
        Process p = new ProcessBuilder(PYTHON, script().toString(), "server").redirectErrorStream(true).start();
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8));
            String line = in.readLine();
            assertNotNull(line, "the aiohttp server did not start");
            assertTrue(line.startsWith("PORT "), line);
            String url = "ws://127.0.0.1:" + line.substring(5).trim();
            List<String> checked = new ArrayList<>();
            try (Runner r = new Runner()) {
                r.run(() -> {
                    try (ClientSession s = new ClientSession()) {
                        for (boolean compress : new boolean[] {false, true}) {
                            ClientWebSocketResponse ws = s.wsConnect(url + "/ws",
                                    new WebSocketOptions().compress(compress).autoPing(false).fragmentSize(1000));
                            assertEquals(compress, ws.compressed());
                            ws.sendStr("hello κόσμε");
                            assertEquals("hello κόσμε", ws.receiveStr());
                            byte[] data = new byte[256_000];
                            for (int i = 0; i < data.length; i++) data[i] = (byte) i;
                            ws.sendBytes(data); // in frames of 1000 bytes
                            assertArrayEquals(data, ws.receiveBytes());
                            String big = "compressible ".repeat(20_000);
                            ws.sendStr(big);
                            assertEquals(big, ws.receiveStr());
                            ws.ping("are you there".getBytes(UTF_8));
                            WSMessage pong = ws.receive();
                            assertEquals(WSMsgType.PONG, pong.type());
                            assertEquals("are you there", new String(pong.bytes(), UTF_8));
                            assertTrue(ws.close(4002, "jasyncio leaves"));
                            // aiohttp answers every close frame with 1000, and the code is then the peer's, as
                            // in aiohttp's own client
                            assertEquals(1000, ws.closeCode());
                            checked.add(compress ? "compressed" : "plain");
                        }
                        ClientWebSocketResponse ws = s.wsConnect(url + "/ws");
                        ws.sendStr("close-me");
                        WSMessage m = ws.receive();
                        assertEquals(WSMsgType.CLOSE, m.type());
                        assertEquals(4001, m.closeCode());
                        assertEquals("bye", m.extra());
                        String seen = s.get(url.replace("ws://", "http://") + "/codes").text();
                        assertTrue(seen.startsWith("4002,4002,"), "aiohttp saw the close codes " + seen);
                        checked.add("close codes " + seen);
                    }
                    return null;
                });
            }
            System.out.println("[ws] jasyncio client -> aiohttp server: " + checked);
        } finally {
            p.getOutputStream().close(); // the script's signal to stop
            if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }

    @Test
    void theJdksClientAgainstOurServer() throws Exception {
        List<Integer> codes = new CopyOnWriteArrayList<>();
        try (Served server = Served.start(interopApp(codes));
                HttpClient http = HttpClient.newHttpClient()) {
            BlockingQueue<Object> got = new LinkedBlockingQueue<>();
            java.net.http.WebSocket.Listener listener = new java.net.http.WebSocket.Listener() {
                private final StringBuilder text = new StringBuilder();
                private final java.io.ByteArrayOutputStream bin = new java.io.ByteArrayOutputStream();

                @Override
                public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                        got.add(text.toString());
                        text.setLength(0);
                    }
                    ws.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onBinary(java.net.http.WebSocket ws, ByteBuffer data, boolean last) {
                    byte[] b = new byte[data.remaining()];
                    data.get(b);
                    bin.writeBytes(b);
                    if (last) {
                        got.add(bin.toByteArray());
                        bin.reset();
                    }
                    ws.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onPong(java.net.http.WebSocket ws, ByteBuffer message) {
                    got.add("PONG " + UTF_8.decode(message));
                    ws.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onClose(java.net.http.WebSocket ws, int statusCode, String reason) {
                    got.add("CLOSE " + statusCode);
                    return null;
                }

                @Override
                public void onError(java.net.http.WebSocket ws, Throwable error) {
                    got.add(error);
                }
            };
            java.net.http.WebSocket ws = http.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port + "/ws"), listener).get(20, TimeUnit.SECONDS);
            ws.sendText("frag", false).get(10, TimeUnit.SECONDS);
            ws.sendText("mented κόσμε", true).get(10, TimeUnit.SECONDS);
            assertEquals("fragmented κόσμε", got.poll(20, TimeUnit.SECONDS));
            byte[] data = new byte[100_000]; // answered in frames of 16 KiB
            for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7);
            ws.sendBinary(ByteBuffer.wrap(data), true).get(10, TimeUnit.SECONDS);
            assertArrayEquals(data, (byte[]) got.poll(20, TimeUnit.SECONDS));
            ws.sendPing(ByteBuffer.wrap("hi".getBytes(UTF_8))).get(10, TimeUnit.SECONDS);
            assertEquals("PONG hi", got.poll(20, TimeUnit.SECONDS));
            ws.sendText("close-me", true).get(10, TimeUnit.SECONDS);
            assertEquals("CLOSE 4001", got.poll(20, TimeUnit.SECONDS));
            // (the JDK answers the close frame itself once onClose returns)

            java.net.http.WebSocket ws2 = http.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port + "/ws"), listener).get(20, TimeUnit.SECONDS);
            ws2.sendClose(4000, "jdk leaves").get(10, TimeUnit.SECONDS);
            assertEquals("CLOSE 4000", got.poll(20, TimeUnit.SECONDS));
            for (int i = 0; i < 200 && !codes.contains(4000); i++) Thread.sleep(10);
            assertTrue(codes.contains(4000), "the server saw " + codes);
        }
    }
}
