package io.jasyncio;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded schedule fuzzing (a jasyncio addition, for tests; Trio's idea): where asyncio leaves the order of two
 * handles unspecified, a fuzzed loop picks one at random from a seed, so a test that passes only in the order
 * jasyncio happens to use fails, and fails again with the same seed. Turned on for every loop of a JVM by
 * {@code -Djasyncio.fuzz.seed=N}, or for one loop by {@link EventLoop#setScheduleFuzzSeed}.
 *
 * <p>What is permuted, and why that is legal (CPython's {@code base_events.py}, {@code BaseEventLoop._run_once}):
 * <ul>
 *   <li><b>Timers with the same deadline.</b> {@code _scheduled} is a {@code heapq} of {@code TimerHandle}s,
 *       which compare by {@code when} alone; a heap is not stable, so two timers due at the same instant pop in
 *       an order asyncio does not promise (jasyncio otherwise runs them in scheduling order). Timers with
 *       different deadlines keep their order: {@code _run_once} moves due timers to {@code _ready} earliest
 *       first.</li>
 *   <li><b>The channels one select returned.</b> {@code _process_events} walks the selector's list, whose order
 *       is the kernel's. The batch is shuffled channel by channel: for one channel the reader still comes
 *       before the writer, as {@code _process_events} adds them.</li>
 * </ul>
 * Tasks woken by futures that such handles complete are thereby woken in a random order too. Not permuted, since
 * asyncio orders them: {@code call_soon} (FIFO, the ready queue as a whole), done callbacks (in the order added),
 * I/O before timers within an iteration, timers before the callbacks that ran them, and {@code call_soon_threadsafe}
 * from one thread (FIFO).
 *
 * <p>Threading: one instance per loop, used on its thread.
 */
final class ScheduleFuzz {
    /** The system property that turns fuzzing on for every loop: its value is the seed. */
    static final String SEED_PROPERTY = "jasyncio.fuzz.seed";

    private final long seed;
    private final SplittableRandom random;

    ScheduleFuzz(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    /**
     * The fuzzer of {@code -Djasyncio.fuzz.seed}, or null when it is not set. Every loop starts from the seed
     * itself, so one test replayed alone with the seed sees the same choices as in the run that failed.
     */
    static ScheduleFuzz fromSystemProperty() {
        String v = System.getProperty(SEED_PROPERTY);
        if (v == null || v.isBlank()) return null;
        try {
            return new ScheduleFuzz(Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + SEED_PROPERTY + "=" + v + " is not a whole number (a seed such as 42)", e);
        }
    }

    long seed() {
        return seed;
    }

    /** The tie-breaker of a new timer: random instead of its scheduling order. */
    long timerTieBreak() {
        return random.nextLong();
    }

    /** Shuffles one select's batch (Fisher-Yates); each element is one channel's handles, kept in their order. */
    void shuffleIoBatch(List<Object[]> batch) {
        for (int i = batch.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Object[] t = batch.get(i);
            batch.set(i, batch.get(j));
            batch.set(j, t);
        }
    }

    /** A batch to collect one select's ready handles in. */
    static List<Object[]> newBatch() {
        return new ArrayList<>();
    }

    @Override
    public String toString() {
        return "schedule fuzzing seed " + seed + " (replay: -D" + SEED_PROPERTY + "=" + seed + ")";
    }
}
