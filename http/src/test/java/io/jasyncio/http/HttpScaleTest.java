package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Barrier;
import io.jasyncio.Semaphore;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.Streams;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many keep-alive clients at once on one loop: 2,000 connections each send a request, all stay open together
 * (the runner counts them), then each sends a second request on the same connection; every answer is checked.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpScaleTest {
    private static final int CLIENTS = 2_000;

    @Test
    void twoThousandKeepAliveConnectionsAtOnce() {
        Application app = new Application();
        app.router().addGet("/hello/{name}", r -> Response.text("Hello, " + r.pathParam("name") + "!"));
        int peak = Asyncio.run(() -> {
            AppRunner runner = new AppRunner(app);
            runner.setup();
            try (runner) {
                TcpSite site = new TcpSite(runner, "127.0.0.1", 0);
                site.start();
                Barrier allAnsweredOnce = new Barrier(CLIENTS + 1);
                Semaphore connecting = new Semaphore(200); // the listen backlog is 100: connect in waves
                List<io.jasyncio.Task<Void>> clients = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    int id = i;
                    clients.add(Asyncio.createTask(() -> {
                        StreamPair c;
                        connecting.acquire();
                        try {
                            c = Streams.openConnection("127.0.0.1", site.port());
                        } finally {
                            connecting.release();
                        }
                        try {
                            assertEquals("Hello, " + id + "!", ask(c, "/hello/" + id));
                            allAnsweredOnce.await();
                            allAnsweredOnce.await(); // until the server has been counted
                            assertEquals("Hello, again" + id + "!", ask(c, "/hello/again" + id));
                        } finally {
                            c.writer().close();
                        }
                        return null;
                    }));
                }
                allAnsweredOnce.await();
                int open = runner.connectionCount();
                allAnsweredOnce.await();
                Asyncio.await(Asyncio.gather(clients, false));
                return open;
            }
        });
        assertEquals(CLIENTS, peak, "every connection was open at once");
    }

    /** Sends GET {@code path} on the open connection and returns the body of the 200 response. */
    private static String ask(StreamPair c, String path) {
        c.writer().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        String head = new String(c.reader().readuntil("\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), StandardCharsets.ISO_8859_1);
        assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
        int at = head.toLowerCase().indexOf("content-length: ");
        int len = Integer.parseInt(head.substring(at + 16, head.indexOf("\r\n", at)));
        return new String(c.reader().readexactly(len), StandardCharsets.UTF_8);
    }
}
