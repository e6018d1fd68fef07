package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded schedule fuzzing ({@link ScheduleFuzz}): it permutes only what asyncio leaves unordered, the same seed
 * gives the same order, and the orders asyncio promises stay.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScheduleFuzzTest {

    /** The order in which 8 timers due at the same instant run on a virtual-clock loop fuzzed with {@code seed}. */
    private static List<Integer> equalDeadlineOrder(Long seed) {
        try (EventLoop loop = EventLoop.withVirtualClock()) {
            loop.setScheduleFuzzSeed(seed);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int n = i;
                loop.callAt(5.0, () -> order.add(n));
            }
            loop.callAt(6.0, loop::stop);
            loop.runForever();
            return order;
        }
    }

    @Test
    void timersDueAtTheSameInstantRunInASeededOrder() {
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), equalDeadlineOrder(null), "unfuzzed: scheduling order");
        Set<List<Integer>> orders = new HashSet<>();
        for (long seed = 1; seed <= 10; seed++) {
            List<Integer> order = equalDeadlineOrder(seed);
            assertEquals(order, equalDeadlineOrder(seed), "the same seed replays the same order");
            assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7), Set.copyOf(order));
            orders.add(order);
        }
        assertTrue(orders.size() > 5, "10 seeds gave only " + orders.size() + " orders: " + orders);
    }

    /** Timers with different deadlines and call_soon callbacks keep asyncio's order under any seed. */
    @Test
    void whatAsyncioOrdersStaysOrdered() {
        for (long seed = 1; seed <= 20; seed++) {
            try (EventLoop loop = EventLoop.withVirtualClock()) {
                loop.setScheduleFuzzSeed(seed);
                List<String> order = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    int n = i;
                    loop.callAt(1.0 + n, () -> order.add("t" + n));
                    loop.callSoon(() -> order.add("s" + n));
                }
                loop.callAt(1.0, () -> loop.callSoon(() -> order.add("after-t0")));
                loop.callAt(10.0, loop::stop);
                loop.runForever();
                // The timer that schedules after-t0 ties with t0: either runs first, and after-t0 comes next anyway.
                assertEquals(List.of("s0", "s1", "s2", "s3", "s4", "t0", "after-t0", "t1", "t2", "t3", "t4"), order,
                        "seed " + seed);
            }
        }
    }

    /** The channels one select returns are handed out in a seeded order; each reader still runs once. */
    @Test
    void theChannelsOfOneSelectRunInASeededOrder() throws Exception {
        Set<List<Integer>> orders = new HashSet<>();
        for (long seed = 1; seed <= 8; seed++) {
            List<Integer> first = readersOrder(seed);
            assertEquals(first, readersOrder(seed), "the same seed replays the same order");
            orders.add(first);
        }
        assertTrue(orders.size() > 3, "8 seeds gave only " + orders.size() + " orders: " + orders);
    }

    private static List<Integer> readersOrder(long seed) throws Exception {
        List<Pipe> pipes = new ArrayList<>();
        try (EventLoop loop = new EventLoop()) {
            loop.setScheduleFuzzSeed(seed);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Pipe p = Pipe.open();
                pipes.add(p);
                p.sink().write(ByteBuffer.wrap(new byte[] {1}));
                int n = i;
                loop.addReader(p.source(), () -> {
                    order.add(n);
                    loop.removeReader(p.source());
                    if (order.size() == 6) loop.stop();
                });
            }
            loop.runForever(); // all six are readable before the first select: one batch
            return order;
        } finally {
            for (Pipe p : pipes) {
                p.source().close();
                p.sink().close();
            }
        }
    }

    @Test
    void aSeedThatIsNotANumberIsRefusedWithItsName() {
        String old = System.getProperty(ScheduleFuzz.SEED_PROPERTY);
        System.setProperty(ScheduleFuzz.SEED_PROPERTY, "abc");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ScheduleFuzz::fromSystemProperty);
            assertTrue(e.getMessage().contains("jasyncio.fuzz.seed=abc"), e.getMessage());
        } finally {
            if (old == null) System.clearProperty(ScheduleFuzz.SEED_PROPERTY);
            else System.setProperty(ScheduleFuzz.SEED_PROPERTY, old);
        }
    }
}
