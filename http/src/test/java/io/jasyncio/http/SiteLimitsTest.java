package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.transport.ServerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a site and its runner let in: the listen backlog and the cap on open connections (issue 13, items 1 and 13). */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SiteLimitsTest {
    /** The kernel's own view of a listening socket's backlog: the Send-Q column of {@code ss -ltn}. */
    static int kernelBacklog(int port) throws Exception {
        return ssListening(port)[1];
    }

    /** How many connections wait in a listening socket's queue, not yet accepted: the Recv-Q column. */
    static int acceptQueue(int port) throws Exception {
        return ssListening(port)[0];
    }

    /** Recv-Q and Send-Q of the socket listening on {@code port}, as {@code ss -ltn} prints them. */
    private static int[] ssListening(int port) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("ss", "-Hltn", "sport = :" + port).redirectErrorStream(true).start();
        } catch (IOException noSs) {
            assumeTrue(false, "ss (iproute2) is not installed");
            throw noSs;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        String[] cols = out.split("\\s+"); // "LISTEN 0      4096   127.0.0.1:41235   0.0.0.0:*"
        assertTrue(cols.length >= 3 && cols[0].equals("LISTEN"), "ss printed: " + out);
        return new int[] {Integer.parseInt(cols[1]), Integer.parseInt(cols[2])};
    }

    @Test
    void aSiteListensWithTheSystemsBacklogUnlessToldOtherwise() throws Exception {
        Asyncio.run(() -> {
            try (AppRunner runner = new AppRunner(new Application())) {
                runner.setup();
                TcpSite dflt = new TcpSite(runner, "127.0.0.1", 0);
                dflt.start();
                TcpSite small = new TcpSite(runner, "127.0.0.1", 0).backlog(16);
                small.start();
                assertEquals(ServerOptions.DEFAULT_BACKLOG, kernelBacklog(dflt.port()));
                assertEquals(16, kernelBacklog(small.port()));
                assertThrows(IllegalStateException.class, () -> small.backlog(32), "too late once started");
            }
            assertThrows(IllegalArgumentException.class, () -> new TcpSite(new AppRunner(new Application()), "x", 0).backlog(0));
            return null;
        });
    }
}
