package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When {@link ClientSession} reuses a connection and when not: a response framed wrongly (a body after a HEAD's
 * head, a length past 2 GiB), a switch of protocols or {@code Connection: close} keeps it out of the pool; a reset
 * instead of an answer is retried on a new connection for an idempotent request only.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClientConnectionReuseTest {
    private static void hold(BufferedReader in) throws IOException {
        while (in.read() >= 0) {
            // keep the connection open until the client closes it
        }
    }

    @Test
    void aBodySentAfterHeadDoesNotBecomeTheNextResponse() throws Exception {
        try (ServerSocket ss = CannedServer.start((n, sock, in, out) -> {
            String line;
            while ((line = CannedServer.readHead(in)) != null) {
                if (line.startsWith("HEAD")) CannedServer.send(out, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"); // wrongly with its body
                else CannedServer.send(out, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond");
            }
        })) {
            String url = "http://127.0.0.1:" + ss.getLocalPort() + "/";
            Asyncio.run(() -> {
                try (ClientSession http = new ClientSession()) {
                    assertEquals(0, http.request("HEAD", url, null, null).body().length);
                    Asyncio.sleep(0.1);
                    assertEquals("second", http.get(url).text());
                }
                return null;
            });
        }
    }

    @Test
    void aConnectionSwitchedToAnotherProtocolIsNotPooled() throws Exception {
        try (ServerSocket ss = CannedServer.start((n, sock, in, out) -> {
            CannedServer.readHead(in);
            CannedServer.send(out, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
            hold(in);
        })) {
            String url = "http://127.0.0.1:" + ss.getLocalPort() + "/";
            Asyncio.run(() -> {
                try (ClientSession http = new ClientSession()) {
                    assertEquals(101, http.get(url).status());
                    assertEquals(0, http.idleConnections());
                }
                return null;
            });
        }
    }

    @Test
    void aRequestSayingConnectionCloseDoesNotPoolItsConnection() throws Exception {
        try (ServerSocket ss = CannedServer.start((n, sock, in, out) -> {
            CannedServer.readHead(in);
            CannedServer.send(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            hold(in);
        })) {
            String url = "http://127.0.0.1:" + ss.getLocalPort() + "/";
            Asyncio.run(() -> {
                try (ClientSession http = new ClientSession()) {
                    assertEquals("ok", http.request("GET", url, new Headers().set("Connection", "close"), null).text());
                    assertEquals(0, http.idleConnections());
                }
                return null;
            });
        }
    }

    @Test
    void lengthsPastTwoGigabytesAreRefusedNotCut() throws Exception {
        try (ServerSocket ss = CannedServer.start((n, sock, in, out) -> {
            CannedServer.readHead(in);
            if (n == 0) CannedServer.send(out, "HTTP/1.1 200 OK\r\nContent-Length: 4294967297\r\n\r\nx");
            else CannedServer.send(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n100000001\r\nx\r\n0\r\n\r\n");
            hold(in);
        })) {
            String url = "http://127.0.0.1:" + ss.getLocalPort() + "/";
            Asyncio.run(() -> {
                try (ClientSession http = new ClientSession(Long.MAX_VALUE)) {
                    IOException a = assertThrows(IOException.class, () -> http.get(url).read(), "a 4 GiB + 1 length read as 1 byte");
                    assertTrue(a.getMessage().contains(url), a.getMessage());
                    IOException b = assertThrows(IOException.class, () -> http.get(url).read(), "a 4 GiB + 1 chunk read as 1 byte");
                    assertTrue(b.getMessage().contains(url), b.getMessage());
                    assertEquals(0, http.idleConnections());
                }
                return null;
            });
        }
    }

    @Test
    void aResetInsteadOfAnAnswerIsRetriedForAGetAndNamesTheUrlForAPost() throws Exception {
        try (ServerSocket ss = CannedServer.start((n, sock, in, out) -> {
            CannedServer.readHead(in);
            CannedServer.send(out, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
            if (CannedServer.readHead(in) == null) return;
            sock.setSoLinger(true, 0); // the second request: a reset instead of an answer
        })) {
            String url = "http://127.0.0.1:" + ss.getLocalPort() + "/";
            Asyncio.run(() -> {
                try (ClientSession http = new ClientSession()) {
                    assertEquals("first", http.get(url).text());
                    assertEquals("first", http.get(url).text(), "sent again on a new connection");
                    IOException e = assertThrows(IOException.class, () -> http.post(url, new byte[] {1}, null));
                    assertTrue(e.getMessage().contains(url), e.getMessage());
                }
                return null;
            });
        }
    }
}
