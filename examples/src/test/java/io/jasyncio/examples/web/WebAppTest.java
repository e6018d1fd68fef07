package io.jasyncio.examples.web;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
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
}
