package io.jasyncio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The loop's timer heap against {@link PriorityQueue} ordered by {@link TimerHandle#compareTo} (our own tests). */
class TimerQueueTest extends LoopTestBase {
    private long sequence;

    private TimerHandle timer(long when) {
        return new TimerHandle(loop, when / 1e9, sequence++, () -> { }, null);
    }

    /** Its deadline in nanoseconds, as the loop passes it beside the handle (exact for these small values). */
    private static long nanos(TimerHandle h) {
        return Math.round(h.when() * 1e9);
    }

    /** Random adds and polls, with many equal deadlines: the same order as a reference heap, ties by sequence. */
    @Test
    void ordersByDeadlineThenSequence() {
        Random rnd = new Random(42);
        TimerQueue q = new TimerQueue();
        PriorityQueue<TimerHandle> ref = new PriorityQueue<>();
        for (int round = 0; round < 20_000; round++) {
            if (rnd.nextInt(3) > 0) {
                TimerHandle h = timer(rnd.nextInt(500));
                q.add(h, nanos(h));
                ref.add(h);
            } else {
                assertSame(ref.poll(), q.poll());
            }
            assertEquals(ref.size(), q.size());
            if (!ref.isEmpty()) assertEquals(nanos(ref.peek()), q.peekWhen());
        }
        while (!ref.isEmpty()) assertSame(ref.poll(), q.poll());
        assertNull(q.poll());
        assertNull(q.peek());
    }

    /** removeCancelled keeps the heap order of the rest and marks the dropped handles unscheduled. */
    @Test
    void removeCancelledRebuildsTheHeap() {
        Random rnd = new Random(7);
        TimerQueue q = new TimerQueue();
        List<TimerHandle> kept = new ArrayList<>();
        List<TimerHandle> dropped = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            TimerHandle h = timer(rnd.nextInt(100));
            h.scheduled = true;
            q.add(h, nanos(h));
            if (i % 3 == 0) {
                h.cancel();
                dropped.add(h);
            } else {
                kept.add(h);
            }
        }
        q.removeCancelled();
        assertEquals(kept.size(), q.size());
        for (TimerHandle h : dropped) assertFalse(h.scheduled);
        kept.sort(null);
        for (TimerHandle h : kept) assertSame(h, q.poll());
    }
}
