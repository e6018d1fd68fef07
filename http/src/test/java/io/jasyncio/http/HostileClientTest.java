package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clients that misbehave on purpose (issue 13, item 1): what the server holds for them stays bounded, and it goes
 * on answering everyone else.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileClientTest {
    static final int MIB = 1024 * 1024;

    /** An application echoing bodies (as the WebApp example's POST /echo) and saying hello. */
    static Application echo() {
        Application app = new Application();
        app.router().addGet("/", r -> Response.text("Hello, World!"));
        app.router().addPost("/echo", r -> new Response(200, r.body(), "application/octet-stream"));
        return app;
    }

    /**
     * A client that pipelines {@code POST /echo} with 1 MiB bodies as fast as the server reads them and never
     * reads an answer (a 4 KiB receive buffer, so the kernel absorbs little of them). Counts the bytes it got
     * out; ends when its socket is closed.
     */
    static final class Pipeliner implements AutoCloseable {
        final Socket socket = new Socket();
        final AtomicLong sent = new AtomicLong();
        private final Thread thread;

        Pipeliner(int port, int requests) throws IOException {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            byte[] head = ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + MIB + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] body = new byte[MIB];
            thread = Thread.ofPlatform().daemon().name("pipeliner").start(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    for (int i = 0; i < requests; i++) {
                        out.write(head);
                        sent.addAndGet(head.length);
                        for (int off = 0; off < MIB; off += 64 * 1024) {
                            out.write(body, off, 64 * 1024);
                            sent.addAndGet(64 * 1024);
                        }
                    }
                } catch (IOException closed) {
                    // the test closed the socket (or the server dropped it)
                }
            });
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(10_000);
        }
    }

    /**
     * What a connection may hold for a client that pipelines and never reads, once it has stopped reading: the
     * read-ahead (64 KiB) and the read that crossed it (up to 256 KiB) in the parser's buffers, which grow by
     * doubling (so twice that at most), the transport's high-water mark (64 KiB) and one slice of body written
     * past it (64 KiB). Before it stops reading, the request still being received may take up to the
     * application's clientMaxSize (1 MiB) more. Before the fix, a connection held 16 queued requests and an
     * answer: 17 MiB.
     */
    static final long BOUND_PER_CONNECTION = 2 * (64 + 256) * 1024 + 2 * 64 * 1024;

    @Test
    void clientsPipeliningBigPostsAndNeverReadingHoldBoundedMemory() throws Exception {
        int n = 4;
        try (Served s = Served.start(echo())) {
            List<Pipeliner> clients = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) clients.add(new Pipeliner(s.port, 24));
                // Until every hostile connection has stopped reading, and a little after (the peak may come
                // while the last ones fill up): what one holds never passes the bound.
                long maxWhileReading = 0, maxStopped = 0;
                int stoppedPolls = 0;
                while (stoppedPolls < 10) {
                    AppRunner.Stats st = s.stats();
                    if (st.connections() == n && st.readingPaused() == n) {
                        stoppedPolls++;
                        maxStopped = Math.max(maxStopped, st.maxBufferedBytes());
                    } else {
                        maxWhileReading = Math.max(maxWhileReading, st.maxBufferedBytes());
                    }
                    Thread.sleep(20);
                }
                assertTrue(maxStopped <= BOUND_PER_CONNECTION, "a connection held " + maxStopped
                        + " bytes for a client that never reads (bound " + BOUND_PER_CONNECTION + ")");
                assertTrue(maxWhileReading <= Application.DEFAULT_CLIENT_MAX_SIZE + BOUND_PER_CONNECTION,
                        "a connection held " + maxWhileReading + " bytes while still reading");
                // Meanwhile everyone else is served.
                try (RawClient c = new RawClient(s.port)) {
                    assertEquals("Hello, World!", c.get("/").read().text());
                    c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
                    assertEquals("hello", c.read().text());
                }
            } finally {
                for (Pipeliner p : clients) p.close();
            }
        }
    }

    @Test
    void atItsConnectionLimitTheServerStopsAcceptingAndResumesAsConnectionsClose() throws Exception {
        try (Served s = Served.start(echo(), r -> r.maxConnections(3))) {
            RawClient a = new RawClient(s.port), b = new RawClient(s.port), c = new RawClient(s.port);
            try {
                for (RawClient x : List.of(a, b, c)) assertEquals(200, x.get("/").read().status());
                assertEquals(3, s.stats().connections());
                try (RawClient d = new RawClient(s.port)) { // its handshake completes in the kernel's backlog
                    d.get("/");
                    // Had the server been listening, the round trip below would have let it take d (the
                    // listening socket was ready before a's request): it stays queued, unanswered.
                    assertEquals(200, a.get("/").read().status());
                    assertEquals(3, s.stats().connections());
                    assertEquals(1, SiteLimitsTest.acceptQueue(s.port), "d waits in the listening socket's queue");
                    a.close(); // one closes: the server takes d and answers it
                    assertEquals("Hello, World!", d.read().text());
                    assertEquals(3, s.stats().connections());
                }
            } finally {
                a.close();
                b.close();
                c.close();
            }
        }
    }
}
