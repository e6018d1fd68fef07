package io.jasyncio.http.h2;

import io.jasyncio.http.Served;
import io.jasyncio.http.ServerTesting;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.http.Application;
import io.jasyncio.http.Response;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.Streams;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** h2c by {@code Upgrade: h2c} (RFC 7540 §3.2): the 101, the request as stream 1, and the requests that stay HTTP/1.1. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http2UpgradeTest {
    /** SETTINGS_MAX_CONCURRENT_STREAMS 100, SETTINGS_INITIAL_WINDOW_SIZE 65535, in base64url (as curl sends). */
    static final String SETTINGS = "AAMAAABkAAQAAP__";

    static String upgrade(String method, String target, String settings, String... extra) {
        StringBuilder b = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n");
        if (settings != null) b.append("HTTP2-Settings: ").append(settings).append("\r\n");
        for (String e : extra) b.append(e).append("\r\n");
        return b.append("\r\n").toString();
    }

    @Test
    void anUpgradeIsAnswered101AndTheRequestIsStream1OverHttp2() {
        ServerTesting.serve(Http2ServerTest.app(), (port, runner) -> {
            Map.Entry<H2Peer, String> u = H2Peer.upgrade(port, upgrade("GET", "/hello?x=1", SETTINGS));
            try (H2Peer p = u.getKey()) {
                assertTrue(u.getValue().startsWith("HTTP/1.1 101 Switching Protocols\r\n"), u.getValue());
                assertTrue(u.getValue().contains("Upgrade: h2c\r\n"), u.getValue());
                H2Peer.Response r = p.response(1);
                assertEquals(200, r.status());
                assertEquals("hello HTTP/2 localhost", r.text());
                p.sendHeaders(3, H2Peer.get("/hello"), true); // the connection goes on in HTTP/2
                assertEquals("hello HTTP/2 localhost", p.response(3).text());
                p.sendHeaders(5, H2Peer.request("POST", "/echo", "content-length", "3"), false);
                p.sendData(5, "abc".getBytes(), true);
                assertEquals("abc", p.response(5).text());
            }
            return null;
        });
    }

    @Test
    void theClientsHttp2SettingsApplyToStream1() {
        ServerTesting.serve(Http2ServerTest.app(), (port, runner) -> {
            // SETTINGS_INITIAL_WINDOW_SIZE 16: stream 1's answer goes out 16 bytes at a time
            Map.Entry<H2Peer, String> u = H2Peer.upgrade(port, upgrade("GET", "/big?n=100", "AAQAAAAQ"), Frame.Settings.INITIAL_WINDOW_SIZE, 16);
            try (H2Peer p = u.getKey()) {
                p.autoWindow = false;
                Frame f;
                do {
                    f = p.next();
                    if (f instanceof Frame.Headers h) p.decoder.decode(h.fragment());
                } while (!(f instanceof Frame.Data));
                assertEquals(16, ((Frame.Data) f).data().length);
                p.autoWindow = true;
                p.send(FrameWriter.windowUpdate(1, 1000));
                H2Peer.Response r = p.response(1);
                assertEquals(84, r.body().length); // the rest, once the window opened
            }
            return null;
        });
    }

    @Test
    void gracefulShutdownOfAnUpgradedConnectionSendsGoAwayAndFinishesStream1() {
        ServerTesting.serve(Http2ServerTest.app(), (port, runner) -> {
            Map.Entry<H2Peer, String> u = H2Peer.upgrade(port, upgrade("GET", "/sleep?s=3", SETTINGS));
            try (H2Peer p = u.getKey()) {
                Http2ServerTest.shutDownWhileStream1Sleeps(p, runner); // stream 1: the upgraded request
            }
            return null;
        });
    }

    @Test
    void upgradesTheServerDoesNotTakeAreAnsweredAsHttp11() {
        ServerTesting.serve(Http2ServerTest.app(), (port, runner) -> {
            String[][] cases = {
                    {"a body", upgrade("POST", "/echo", SETTINGS, "Content-Length: 3") + "abc", "abc"},
                    {"not base64url", upgrade("GET", "/hello", "AAMA+/=!"), "hello HTTP/1.1 localhost"},
                    {"not a multiple of 6 bytes", upgrade("GET", "/hello", "AAMAAA"), "hello HTTP/1.1 localhost"},
                    {"an out-of-range value (ENABLE_PUSH 2)", upgrade("GET", "/hello", "AAIAAAAC"), "hello HTTP/1.1 localhost"},
                    {"no HTTP2-Settings", upgrade("GET", "/hello", null), "hello HTTP/1.1 localhost"},
                    {"two HTTP2-Settings", upgrade("GET", "/hello", SETTINGS, "HTTP2-Settings: " + SETTINGS), "hello HTTP/1.1 localhost"},
                    {"HTTP2-Settings not a connection option", "GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\n"
                            + "Upgrade: h2c\r\nHTTP2-Settings: " + SETTINGS + "\r\n\r\n", "hello HTTP/1.1 localhost"},
            };
            for (String[] c : cases) {
                StreamPair s = Streams.openConnection("127.0.0.1", port);
                s.writer().write(c[1].getBytes(StandardCharsets.US_ASCII));
                String head = new String(s.reader().readuntil("\r\n\r\n".getBytes()), StandardCharsets.US_ASCII);
                assertTrue(head.startsWith("HTTP/1.1 200 "), c[0] + ": " + head);
                int length = Integer.parseInt(head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
                assertEquals(c[2], new String(s.reader().readexactly(length), StandardCharsets.UTF_8), c[0]);
                s.writer().close();
            }
            return null;
        });
    }

    @Test
    void garbageInsteadOfThePrefaceAfterThe101EndsTheConnectionAndStream1sHandler() {
        AtomicInteger cancelled = new AtomicInteger();
        Application app = Http2ServerTest.appWithForever(cancelled);
        ServerTesting.serve(app, (port, runner) -> {
            StreamPair s = Streams.openConnection("127.0.0.1", port);
            s.writer().write(upgrade("GET", "/forever", SETTINGS).getBytes(StandardCharsets.US_ASCII));
            String head = new String(s.reader().readuntil("\r\n\r\n".getBytes()), StandardCharsets.US_ASCII);
            assertTrue(head.startsWith("HTTP/1.1 101 "), head);
            s.writer().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            FrameReader reader = new FrameReader(FrameReader.MAX_MAX_FRAME_SIZE);
            List<Frame> frames = new ArrayList<>();
            byte[] b;
            while ((b = s.reader().read(65_536)).length > 0) { // to EOF: the server closes
                reader.feed(ByteBuffer.wrap(b));
                for (Frame f; (f = reader.next()) != null; ) frames.add(f);
            }
            assertInstanceOf(Frame.Settings.class, frames.get(0));
            Frame.GoAway g = (Frame.GoAway) frames.get(frames.size() - 1);
            assertEquals(ErrorCode.PROTOCOL_ERROR, g.error());
            Asyncio.sleep(0.1);
            assertEquals(1, cancelled.get());
            return null;
        });
    }

    @Test
    void theJdksHttpClientUpgradesToH2cAndGoesOnOverHttp2() throws Exception {
        try (Served server = Served.start(Http2ServerTest.app(), null);
             java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_2).build()) {
            for (int i = 0; i < 3; i++) { // the first upgrades; the next go over the same HTTP/2 connection
                java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + server.port + "/hello")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                assertEquals(java.net.http.HttpClient.Version.HTTP_2, r.version());
                assertEquals("hello HTTP/2 127.0.0.1:" + server.port, r.body());
                assertEquals("jasyncio", r.headers().firstValue("server").orElseThrow()); // the same head as over HTTP/1.1
            }
        }
    }

    @Test
    void curlHttp2UpgradesAndIsServedOverHttp2() throws Exception {
        assumeTrue(new java.io.File("/usr/bin/curl").canExecute(), "curl is not installed (apt-get install -y curl): skipped");
        try (Served server = Served.start(Http2ServerTest.app(), null)) {
            Process p = new ProcessBuilder("/usr/bin/curl", "-sS", "--http2", "-w", "\n%{http_version}", "-d", "payload",
                    "-H", "Content-Type: application/octet-stream", "http://127.0.0.1:" + server.port + "/echo")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals("payload\n1.1", out); // a request with a body is not upgraded (it stays HTTP/1.1)
            p = new ProcessBuilder("/usr/bin/curl", "-sS", "--http2", "-w", "\n%{http_version}", "http://127.0.0.1:" + server.port + "/hello")
                    .redirectErrorStream(true).start();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals("hello HTTP/2 127.0.0.1:" + server.port + "\n2", out);
        }
    }
}
