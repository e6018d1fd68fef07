package io.jasyncio.examples.web;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.io.OutputStream;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WebAppTest {
    @Test
    void fiveConcurrentRequestsTakeAboutOneDelayNotFive() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        WebApp.Result r = Asyncio.run(() -> WebApp.demo(new PrintStream(buf, true, StandardCharsets.UTF_8), 5, 0.5));
        assertEquals(Collections.nCopies(5, "slept 0.5 s"), r.bodies());
        // served one after the other they would take 2.5 s; concurrently, one delay plus overhead
        assertTrue(r.seconds() >= 0.5 && r.seconds() < 2.0, "took " + r.seconds() + " s");
        String text = buf.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("serving on http://127.0.0.1:"), text);
        assertTrue(text.contains("5 concurrent HTTP requests of 0.5 s each answered in"), text);
    }

    /**
     * Cancelled while its requests are under way (Ctrl-C during the tour): the demo ends once the server has
     * finished them. It used to close the HTTP client first, which waits for those requests while the task holds
     * the loop (portable engine) that must answer them: a hang.
     */
    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void cancelledWhileRequestsAreUnderWayEnds() {
        double took = Asyncio.run(() -> {
            Task<WebApp.Result> demo = Asyncio.createTask(
                    () -> WebApp.demo(new PrintStream(OutputStream.nullOutputStream()), 5, 1.0));
            Asyncio.sleep(0.3); // the five requests are now sleeping in their handlers
            double t0 = System.nanoTime() / 1e9;
            demo.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(demo));
            return System.nanoTime() / 1e9 - t0;
        });
        assertTrue(took < 10, "took " + took + " s");
    }
}
