package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.http.h2.Http2ClientOptions;
import io.jasyncio.transport.Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client's {@code Upgrade: h2c} offer (RFC 7540 §3.2) against servers that answer it oddly: a {@code 101} and
 * then silence, a {@code 101} without {@code Upgrade: h2c}, a {@code 101} and then bytes that are no HTTP/2.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class H2cUpgradeOddServersTest {

    /** Answers the first request's head with {@code answer}, then reads (and drops) whatever comes until EOF. */
    private static Server answering(String answer) throws IOException {
        return ClientTesting.raw((in, out) -> {
            if (ClientTesting.readHead(in) == null) return;
            out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
            while (in.read(65_536).length > 0) { } // the client's preface and SETTINGS, unanswered
        });
    }

    @Test
    void a101ThenSilenceIsBoundedByTheRequestsTimeout() {
        ClientTesting.virtual(() -> {
            try (Server srv = answering("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n");
                    ClientSession s = ClientSession.builder().http2(Http2ClientOptions.UPGRADE)
                            .timeout(ClientTimeout.NONE.withSockRead(1.0)).build()) {
                double t0 = Asyncio.getRunningLoop().time();
                Exception e = assertThrows(Exception.class, () -> s.get("http://127.0.0.1:" + ClientTesting.port(srv) + "/"));
                double took = Asyncio.getRunningLoop().time() - t0;
                                assertInstanceOf(ClientTimeoutError.class, e, "the request's sockRead of 1 s, not the h2 settings timeout: " + e);
                assertTrue(took < 5, "bounded by sockRead (1 s), took " + took + " s");
            }
            return null;
        });
    }

    @Test
    void a101WithoutUpgradeH2cIsAnErrorNamingItNotA101Response() {
        ClientTesting.virtual(() -> {
            try (Server srv = answering("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
                    ClientSession s = ClientSession.builder().http2(Http2ClientOptions.UPGRADE).build()) {
                Object outcome;
                try (ClientResponse r = s.get("http://127.0.0.1:" + ClientTesting.port(srv) + "/")) {
                    outcome = r.status() + " [" + r.text() + "]";
                } catch (IOException e) {
                    outcome = e;
                }
                                assertInstanceOf(IOException.class, outcome, "a GET answered 101 to another protocol than h2c: " + outcome);
                assertTrue(((IOException) outcome).getMessage().contains("h2c"), ((IOException) outcome).getMessage());
            }
            return null;
        });
    }

    @Test
    void a101ThenGarbageFailsTheRequestAndClosesTheConnection() {
        ClientTesting.virtual(() -> {
            try (Server srv = ClientTesting.raw((in, out) -> {
                        if (ClientTesting.readHead(in) == null) return;
                        out.write("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                                .getBytes(StandardCharsets.ISO_8859_1));
                        while (in.read(65_536).length > 0) { }
                    });
                    ClientSession s = ClientSession.builder().http2(Http2ClientOptions.UPGRADE).build()) {
                double t0 = Asyncio.getRunningLoop().time();
                IOException e = assertThrows(IOException.class, () -> s.get("http://127.0.0.1:" + ClientTesting.port(srv) + "/"));
                assertTrue(Asyncio.getRunningLoop().time() - t0 < 1, "failed at the garbage, not at a timeout: " + e);
                                assertEquals(0, s.connector().openConnections(), "the failed connection is not kept");
            }
            return null;
        });
    }

    /**
     * Two sessions sharing a connector (aiohttp's {@code connector_owner=False}): the one that offers h2c by Upgrade
     * turns the origin's connection HTTP/2; the one that turned HTTP/2 off must still speak HTTP/1.1 to it.
     */
    @Test
    void aSessionWithHttp2OffDoesNotShareAnotherSessionsUpgradedConnection() throws Exception {
        Application app = new Application();
        app.router().addGet("/hello", r -> Response.text("hello " + r.version()));
        ClientTesting.virtual(() -> ClientTesting.withApp(app, base -> {
            try (TcpConnector shared = new TcpConnector();
                    ClientSession upgrading = ClientSession.builder().connector(shared, false).http2(Http2ClientOptions.UPGRADE).build();
                    ClientSession h1 = ClientSession.builder().connector(shared, false).http2(Http2ClientOptions.OFF).build()) {
                try (ClientResponse r = upgrading.get(base + "/hello")) {
                    assertEquals("HTTP/2 hello HTTP/2", r.version() + " " + r.text(), "the premise: the server takes h2c by Upgrade");
                }
                try (ClientResponse r = h1.get(base + "/hello")) {
                    assertEquals("HTTP/1.1 hello HTTP/1.1", r.version() + " " + r.text(), "Http2ClientOptions.OFF: \"HTTP/1.1 only\"");
                }
            }
            return null;
        }));
    }

    /**
     * A server that answers the upgraded request and ends the connection in one write (101, SETTINGS, the response
     * on stream 1, GOAWAY): the connection ends before the connector has registered it as shared. Its place
     * under {@code limitPerHost} must come back, or the next request to the origin waits for a place forever.
     */
    @Test
    void anUpgradedConnectionThatEndsAtOnceGivesItsPlaceBack() {
        ClientTesting.virtual(() -> {
            try (Server srv = ClientTesting.raw((in, out) -> {
                        String head = ClientTesting.readHead(in);
                        if (head == null) return;
                        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                        if (head.contains("Upgrade: h2c")) {
                            all.writeBytes("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"
                                    .getBytes(StandardCharsets.ISO_8859_1));
                            for (java.nio.ByteBuffer b : List.of(io.jasyncio.http.h2.FrameWriter.settings(),
                                    io.jasyncio.http.h2.FrameWriter.headers(1, new io.jasyncio.http.h2.HpackEncoder().encode(List.of(
                                            new io.jasyncio.http.h2.HeaderField(":status", "200"),
                                            new io.jasyncio.http.h2.HeaderField("content-length", "2"))), false, 16_384),
                                    io.jasyncio.http.h2.FrameWriter.data(1, "ok".getBytes(), 0, 2, true),
                                    io.jasyncio.http.h2.FrameWriter.goAway(1, io.jasyncio.http.h2.ErrorCode.NO_ERROR, ""))) {
                                byte[] a = new byte[b.remaining()];
                                b.get(a);
                                all.writeBytes(a);
                            }
                        } else {
                            all.writeBytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
                        }
                        out.write(all.toByteArray()); // then it waits for the client to close
                        while (in.read(65_536).length > 0) { }
                    });
                    ClientSession s = ClientSession.builder().connector(new TcpConnector().limitPerHost(1), true)
                            .http2(Http2ClientOptions.UPGRADE).timeout(ClientTimeout.NONE.withConnect(5.0)).build()) {
                String url = "http://127.0.0.1:" + ClientTesting.port(srv) + "/";
                try (ClientResponse r = s.get(url)) {
                    assertEquals("HTTP/2 ok", r.version() + " " + r.text());
                }
                for (int i = 0; i < 50 && s.connector().openConnections() > 0; i++) Asyncio.sleep(0.01);
                assertEquals(0, s.connector().openConnections(), "the ended connection is no longer counted");
                String again = s.get(url).text(); // the origin's one place is free again
                assertEquals("ok", again);
            }
            return null;
        });
    }
}
