package io.jasyncio.http;

import java.io.IOException;
import static io.jasyncio.http.ClientTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.transport.Server;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ClientTimeout}: each limit fires against a server that accepts and then stalls, and the error names
 * it. On the virtual clock: the waits take no real time and the loop time they took is exact.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClientTimeoutTest {
    /** Reads the request, then never answers. */
    private static Server silent() throws IOException {
        return raw((in, out) -> {
            readHead(in);
            Asyncio.sleep(1e6);
        });
    }

    /** Answers with a head, then one byte of the body a second. */
    private static Server tricklingBody() throws IOException {
        return raw((in, out) -> {
            readHead(in);
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            for (int i = 0; i < 1000; i++) {
                out.write(new byte[] {'x'});
                out.drain();
                Asyncio.sleep(1);
            }
        });
    }

    private static double now() {
        return Asyncio.getRunningLoop().time();
    }

    @Test
    void aServerThatNeverAnswersEndsInSockReadOrTotal() {
        virtual(() -> {
            try (Server s = silent(); ClientSession http = ClientSession.builder().timeout(ClientTimeout.NONE.withSockRead(5.0)).build()) {
                String url = "http://127.0.0.1:" + port(s) + "/";
                double t0 = now();
                ClientTimeoutError e = assertThrows(ClientTimeoutError.class, () -> http.get(url));
                assertEquals("sockRead", e.which());
                assertTrue(e.getMessage().contains("GET " + url) && e.getMessage().contains("sockRead (5.0 s)"), e.getMessage());
                assertEquals(5.0, now() - t0, 0.5);
                assertEquals(0, http.connector().openConnections(), "the stalled connection is closed");

                t0 = now();
                ClientTimeoutError total = assertThrows(ClientTimeoutError.class,
                        () -> http.get(url, RequestOptions.of().timeout(ClientTimeout.ofTotal(3))), "the request's own timeout wins");
                assertEquals("total", total.which());
                assertEquals(3.0, now() - t0, 0.5);
                assertInstanceOf(io.jasyncio.TimeoutError.class, total, "a TimeoutError, as aiohttp's are asyncio.TimeoutError");
            }
            return null;
        });
    }

    @Test
    void aTricklingBodyIsCutByTotalNotBySockRead() {
        virtual(() -> {
            try (Server s = tricklingBody();
                    ClientSession http = ClientSession.builder().timeout(new ClientTimeout(10.0, null, null, 2.0)).build()) {
                double t0 = now();
                ClientResponse r = http.get("http://127.0.0.1:" + port(s) + "/");
                int got = 0;
                try {
                    for (byte[] b : r.content().iterChunked(100)) got += b.length;
                    fail("the body cannot be complete");
                } catch (ClientTimeoutError e) {
                    assertEquals("total", e.which(), "each byte came within sockRead; the whole did not within total");
                }
                assertEquals(10.0, now() - t0, 0.5);
                assertTrue(got >= 8 && got <= 11, "about one byte a second was read: " + got);
                assertEquals(0, http.connector().openConnections());
            }
            return null;
        });
    }

    @Test
    void aBodyThatStallsHalfWayIsCutBySockRead() {
        virtual(() -> {
            try (Server s = raw((in, out) -> {
                readHead(in);
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf".getBytes(StandardCharsets.ISO_8859_1));
                Asyncio.sleep(1e6);
            }); ClientSession http = ClientSession.builder().timeout(ClientTimeout.NONE.withSockRead(7.0)).build()) {
                ClientResponse r = http.get("http://127.0.0.1:" + port(s) + "/");
                assertEquals("half", new String(r.content().read(100)));
                double t0 = now();
                ClientTimeoutError e = assertThrows(ClientTimeoutError.class, r::read);
                assertEquals("sockRead", e.which());
                assertEquals(7.0, now() - t0, 0.5);
                assertEquals(0, http.connector().openConnections());
            }
            return null;
        });
    }

    @Test
    void aTricklingHeadIsCutBySockRead() {
        virtual(() -> {
            try (Server s = raw((in, out) -> {
                readHead(in);
                for (byte b : "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)) {
                    out.write(new byte[] {b});
                    Asyncio.sleep(1);
                }
            }); ClientSession http = ClientSession.builder().timeout(ClientTimeout.NONE.withSockRead(5.0)).build()) {
                ClientTimeoutError e = assertThrows(ClientTimeoutError.class, () -> http.get("http://127.0.0.1:" + port(s) + "/"));
                assertEquals("sockRead", e.which(), "sockRead bounds the whole head, however it trickles");
            }
            return null;
        });
    }

    @Test
    void waitingForAPooledConnectionIsBoundedByConnect() {
        virtual(() -> {
            try (Server s = tricklingBody();
                    ClientSession http = ClientSession.builder().connector(new TcpConnector().limit(1), true)
                            .timeout(ClientTimeout.NONE.withConnect(2.0)).build()) {
                String url = "http://127.0.0.1:" + port(s) + "/";
                ClientResponse holder = http.get(url); // holds the only connection: its body is unread
                double t0 = now();
                ClientTimeoutError e = assertThrows(ClientTimeoutError.class, () -> http.get(url));
                assertEquals("connect", e.which());
                assertEquals(2.0, now() - t0, 0.5);
                assertEquals(0, http.connector().waiting(), "the timed-out waiter left the queue");
                holder.close();
                assertEquals(0, http.connector().openConnections(), "closed with its body unread");
            }
            return null;
        });
    }

    @Test
    void aTlsHandshakeThatNeverEndsIsCutBySockConnect() {
        virtual(() -> {
            try (Server s = raw((in, out) -> Asyncio.sleep(1e6)); // accepts, never says a TLS word
                    ClientSession http = ClientSession.builder().timeout(ClientTimeout.NONE.withSockConnect(3.0)).build()) {
                double t0 = now();
                ClientTimeoutError e = assertThrows(ClientTimeoutError.class, () -> http.get("https://127.0.0.1:" + port(s) + "/"));
                assertEquals("sockConnect", e.which());
                assertEquals(3.0, now() - t0, 0.5);
                assertEquals(0, http.connector().openConnections());
            }
            return null;
        });
    }

    @Test
    void badTimeoutsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ClientTimeout(-1.0, null, null, null));
        assertTrue(e.getMessage().contains("total"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClientTimeout.NONE.withSockRead(Double.NaN));
    }
}
