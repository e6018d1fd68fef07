package io.jasyncio.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class EchoLoadTest {
    @Test
    void histogramPercentilesAreWithinOnePercent() {
        EchoLoad.LatencyHistogram h = new EchoLoad.LatencyHistogram();
        for (int i = 1; i <= 10_000; i++) h.record(i);
        assertEquals(5000, h.percentile(50), 5000 * 0.02);
        assertEquals(9900, h.percentile(99), 9900 * 0.02);
        assertEquals(10_000, h.max());
        assertEquals(0, new EchoLoad.LatencyHistogram().percentile(50));
    }

    @Test
    void measuresRoundTripsAgainstAnEchoServer() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = Thread.ofPlatform().daemon().start(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException ignored) {
                    // the client closed: the test is over
                }
            });
            EchoLoad.Result r = new EchoLoad(new InetSocketAddress("127.0.0.1", server.getLocalPort()), 1, 100, 0.2).run();
            assertTrue(r.requests() > 0, r.summary());
            assertTrue(r.p50us() <= r.p99us() && r.p99us() <= r.maxUs(), r.summary());
            assertTrue(r.maxUs() <= r.seconds() * 1e6, "no round trip can last longer than the run: " + r.summary());
            t.join(5000);
        }
    }

    @Test
    void refusedConnectionNamesTheAddress() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        var e = assertThrows(java.io.UncheckedIOException.class,
                () -> new EchoLoad(new InetSocketAddress("127.0.0.1", port), 1, 10, 0.1).run());
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
    }

    @Test
    void badOptionsAreRefused() {
        var a = new InetSocketAddress("127.0.0.1", 1);
        assertThrows(IllegalArgumentException.class, () -> new EchoLoad(a, 0, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new EchoLoad(a, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new EchoLoad(a, 1, 10, 0));
    }
}
