package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.http.ws.ClientWebSocketResponse;
import io.jasyncio.http.ws.WSMessage;
import io.jasyncio.http.ws.WSMsgType;
import io.jasyncio.http.ws.WebSocketOptions;
import io.jasyncio.http.ws.WebSocketResponse;
import io.jasyncio.tls.TlsOptions;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code wss://}: the WebSocket client ({@code ClientSession.wsConnect}) against an HTTPS {@link TcpSite} with the
 * tests' certificate ({@link TestCerts}): messages both ways over TLS, a close handshake both sides see as 1000.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WssTest {
    /** What the server's side saw: each message echoed, then its close code. */
    final List<String> seen = new CopyOnWriteArrayList<>();

    Application echo() {
        Application app = new Application();
        app.router().addGet("/ws", r -> {
            WebSocketResponse ws = new WebSocketResponse();
            ws.prepare(r);
            seen.add("secure " + r.secure());
            for (WSMessage m : ws) {
                if (m.type() == WSMsgType.TEXT) ws.sendStr(m.text());
                else if (m.type() == WSMsgType.BINARY) ws.sendBytes(m.bytes());
                seen.add(m.type().toString());
            }
            seen.add("closed " + ws.closeCode());
            return ws.response();
        });
        return app;
    }

    Served httpsSite() throws Exception {
        TlsOptions tls = TlsOptions.server(TestCerts.server()).withHandshakeTimeout(5);
        return Served.start(echo(), r -> {}, r -> new TcpSite(r, "127.0.0.1", 0, tls));
    }

    private static void roundTripAndClose(ClientWebSocketResponse ws) throws IOException {
        assertEquals(101, ws.status());
        ws.sendStr("hello over TLS");
        assertEquals("hello over TLS", ws.receiveStr());
        byte[] big = new byte[200_000]; // several TLS records each way
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 13);
        ws.sendBytes(big);
        assertArrayEquals(big, ws.receiveBytes());
        assertTrue(ws.close(), "the close handshake completed");
        assertEquals(1000, ws.closeCode());
        assertEquals(WSMsgType.CLOSED, ws.receive().type());
    }

    @Test
    void aWssRoundTripWithTheConnectorsTlsOptionsEndsInACleanClose() throws Exception {
        try (Served s = httpsSite()) {
            Asyncio.run(() -> {
                TcpConnector connector = new TcpConnector().tls(TlsOptions.client(TestCerts.client()));
                try (ClientSession http = ClientSession.builder().connector(connector, true).build()) {
                    roundTripAndClose(http.wsConnect("wss://localhost:" + s.port + "/ws"));
                }
                return null;
            });
            assertEquals(List.of(), s.errors);
        }
        // the server's handler saw TLS, both messages and the client's close, and ended (Served closed after it)
        assertEquals(List.of("secure true", "TEXT", "BINARY", "closed 1000"), seen);
    }

    @Test
    void theOptionsTlsOptionsWinAndAnUntrustedServerIsRefused() throws Exception {
        try (Served s = httpsSite()) {
            Asyncio.run(() -> {
                try (ClientSession http = new ClientSession()) {
                    String url = "wss://localhost:" + s.port + "/ws";
                    // the JDK's trust store does not know the test certificate: the connection fails, naming the URL
                    IOException e = assertThrows(IOException.class, () -> http.wsConnect(url, new WebSocketOptions().handshakeTimeout(10)));
                    assertTrue(e.getMessage().contains(url), e.getMessage());
                    roundTripAndClose(http.wsConnect(url, new WebSocketOptions().tls(TlsOptions.client(TestCerts.client()))));
                }
                return null;
            });
        }
    }
}
