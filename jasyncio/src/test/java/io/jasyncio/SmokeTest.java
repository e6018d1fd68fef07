package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void runReturnsResult() {
        assertEquals(42, Asyncio.run(() -> 42));
    }

    @Test
    void tasksInterleaveAtAwaits() {
        List<String> log = new ArrayList<>();
        Asyncio.run(() -> {
            Task<Void> a = Asyncio.createTask(() -> {
                for (int i = 0; i < 3; i++) { log.add("a" + i); Asyncio.sleep(0); }
                return null;
            });
            Task<Void> b = Asyncio.createTask(() -> {
                for (int i = 0; i < 3; i++) { log.add("b" + i); Asyncio.sleep(0); }
                return null;
            });
            Asyncio.await(a);
            Asyncio.await(b);
            return null;
        });
        assertEquals(List.of("a0", "b0", "a1", "b1", "a2", "b2"), log);
    }

    @Test
    void virtualClockSleeps() {
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            double t = r.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                double t0 = loop.time();
                Asyncio.sleep(100);
                return loop.time() - t0;
            });
            assertEquals(100.0, t, 1e-9);
        }
    }

    @Test
    void cancelRaisesAtAwait() {
        Asyncio.run(() -> {
            Task<Void> t = Asyncio.createTask(() -> { Asyncio.sleep(10); return null; });
            Asyncio.sleep(0);
            t.cancel("stop");
            CancelledError e = assertThrows(CancelledError.class, () -> Asyncio.await(t));
            assertEquals("stop", e.getMessage());
            assertTrue(t.cancelled());
            return null;
        });
    }

    @Test
    void toThreadRuns() {
        assertEquals("x", Asyncio.run(() -> Asyncio.toThread(() -> "x")));
    }
}
