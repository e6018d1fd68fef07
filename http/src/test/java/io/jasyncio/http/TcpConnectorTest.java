package io.jasyncio.http;

import static io.jasyncio.http.ClientTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.transport.Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link TcpConnector}: limits and the wait queue, keep-alive expiry, stale connections, closing everything. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpConnectorTest {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private final List<String> arrivals = new ArrayList<>();

    /** /slow?id=N takes a second, recording arrival order and how many ran at once. */
    private Application app() {
        Application app = new Application();
        app.router().addGet("/slow", r -> {
            arrivals.add(r.queryParam("id"));
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Asyncio.sleep(1);
            } finally {
                inFlight.decrementAndGet();
            }
            return Response.text("done " + r.queryParam("id"));
        });
        app.router().addGet("/", r -> Response.text("hi"));
        return app;
    }

    @Test
    void requestsPastTheLimitWaitTheirTurnInOrder() {
        virtual(() -> withApp(app(), base -> {
            try (ClientSession http = ClientSession.builder().connector(new TcpConnector().limit(2), true).build()) {
                List<Task<String>> tasks = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    String url = base + "/slow?id=" + i;
                    tasks.add(Asyncio.createTask(() -> http.get(url).text()));
                    Asyncio.sleep(0); // started in order
                }
                double t0 = Asyncio.getRunningLoop().time();
                for (int i = 0; i < 6; i++) assertEquals("done " + i, Asyncio.await(tasks.get(i)));
                assertEquals(2, mostInFlight.get(), "never more than the limit at once");
                assertEquals(List.of("0", "1", "2", "3", "4", "5"), arrivals, "waiters served first come, first served");
                assertEquals(3.0, Asyncio.getRunningLoop().time() - t0, 0.5, "three rounds of two");
                assertEquals(2, http.connector().openConnections());
                assertEquals(0, http.connector().waiting());
            }
            return null;
        }));
    }

    @Test
    void limitPerHostBoundsEachHost() {
        virtual(() -> withApp(app(), base -> {
            String other = base.replace("127.0.0.1", "localhost");
            try (ClientSession http = ClientSession.builder().connector(new TcpConnector().limitPerHost(1), true).build()) {
                List<Task<String>> tasks = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    String url = (i % 2 == 0 ? base : other) + "/slow?id=" + i;
                    tasks.add(Asyncio.createTask(() -> http.get(url).text()));
                }
                for (Task<String> t : tasks) Asyncio.await(t);
                assertEquals(2, mostInFlight.get(), "one per host, two hosts");
            }
            return null;
        }));
    }

    @Test
    void idleConnectionsExpireAfterTheKeepaliveTimeout() {
        virtual(() -> withApp(app(), base -> {
            try (ClientSession http = new ClientSession()) {
                assertEquals("hi", http.get(base + "/").text());
                assertEquals(1, http.connector().idleConnections());
                Asyncio.sleep(14);
                assertEquals(1, http.connector().idleConnections(), "kept for 15 s (aiohttp's default)");
                assertEquals("hi", http.get(base + "/").text(), "reused, which restarts its idle time");
                Asyncio.sleep(14);
                assertEquals(1, http.connector().openConnections());
                Asyncio.sleep(2);
                assertEquals(0, http.connector().openConnections(), "closed once idle for 15 s");
            }
            return null;
        }));
    }

    @Test
    void aConnectionTheServerClosedWhileIdleIsNotReused() {
        AtomicInteger connections = new AtomicInteger();
        virtual(() -> {
            try (Server s = raw((in, out) -> {
                connections.incrementAndGet();
                readHead(in);
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
                out.drain();
                out.close(); // keep-alive was not refused, but the server closes anyway
            }); ClientSession http = new ClientSession()) {
                String url = "http://127.0.0.1:" + port(s) + "/";
                assertEquals("ok", http.get(url).text());
                Asyncio.sleep(0.1); // the close arrives
                assertEquals("ok", http.post(url, new byte[] {1}, null).text(), "a POST is not retried: the closed connection was seen before use");
                assertEquals(2, connections.get());
            }
            return null;
        });
    }

    @Test
    void closingTheSessionClosesEveryConnectionAndFailsTheWaiters() {
        virtual(() -> withApp(app(), base -> {
            long before = openSockets();
            ClientSession http = ClientSession.builder().connector(new TcpConnector().limitPerHost(2), true).build();
            List<ClientResponse> held = new ArrayList<>();
            assertEquals("hi", http.get(base.replace("127.0.0.1", "localhost") + "/").text()); // idle, another host
            held.add(http.get(base + "/"));
            held.add(http.get(base + "/")); // two in use (bodies unread), one idle
            assertEquals(3, http.connector().openConnections());
            Task<String> waiter = Asyncio.createTask(() -> http.get(base + "/slow?id=w").text());
            Asyncio.sleep(0.1);
            assertEquals(1, http.connector().waiting());
            assertTrue(openSockets() >= before + 6, "three client sockets and their server ends");
            http.close();
            IOException e = assertThrows(IOException.class, () -> Asyncio.await(waiter));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertEquals(0, http.connector().openConnections());
            long after = awaitOpenSocketsAtMost(before);
            assertTrue(after <= before, "no socket of the session is left, nor its server ends: " + after + " open, " + before + " before");
            assertThrows(IllegalStateException.class, () -> http.get(base + "/"));
            for (ClientResponse r : held) r.close(); // after the session: harmless
            return null;
        }));
    }

    @Test
    void anUpgradedConnectionIsHandedOverAndLeavesThePool() {
        virtual(() -> {
            try (Server s = raw((in, out) -> {
                readHead(in);
                out.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                for (byte[] b; (b = in.read(100)).length > 0; ) out.write(b);
            }); ClientSession http = new ClientSession()) {
                ClientResponse r = http.get("http://127.0.0.1:" + port(s) + "/", RequestOptions.of().header("Connection", "Upgrade").header("Upgrade", "echo"));
                assertEquals(101, r.status());
                var io = r.detachConnection();
                assertEquals(0, http.connector().openConnections(), "no longer the pool's");
                io.writer().write("ping".getBytes());
                assertEquals("ping", new String(io.reader().readexactly(4)));
                r.close();
                assertFalse(io.writer().isClosing(), "closing the response leaves a handed-over connection alone");
                io.writer().close();
                assertThrows(IllegalStateException.class, r::detachConnection);
            }
            return null;
        });
    }
}
