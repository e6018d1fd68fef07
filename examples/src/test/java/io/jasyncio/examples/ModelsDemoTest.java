package io.jasyncio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.EventLoop;
import io.jasyncio.Runner;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelsDemoTest {
    private static Timeline onVirtualClock(io.jasyncio.Coroutine<Timeline> model) {
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            return r.run(model);
        }
    }

    @Test
    void awaitingInTurnTakesTheSumOfTheTasks() {
        Timeline t = onVirtualClock(new ModelsDemo(1)::awaitedInTurn);
        assertEquals(6.0, t.total(), 0.0);
        assertEquals(List.of(new Timeline.Span("A", 0, 2), new Timeline.Span("B", 2, 3), new Timeline.Span("C", 3, 6)),
                t.spans());
    }

    @Test
    void concurrentTasksTakeAsLongAsTheLongest() {
        Timeline t = onVirtualClock(new ModelsDemo(1)::concurrent);
        assertEquals(3.0, t.total(), 0.0);
        assertEquals(List.of(new Timeline.Span("A", 0, 2), new Timeline.Span("B", 0, 1), new Timeline.Span("C", 0, 3)),
                t.spans());
    }

    @Test
    void scaleShrinksTheWaitButNotTheReportedTimes() {
        Timeline t = onVirtualClock(new ModelsDemo(0.5)::concurrent);
        assertEquals(3.0, t.total(), 1e-9);
        assertEquals(2.0, t.spans().get(0).end(), 1e-9);
    }

    @Test
    void synchronousTasksRunOneAfterTheOtherAndBlock() throws InterruptedException {
        // Thread.sleep does not move a virtual clock, so this model runs on real time, scaled down; only the
        // lower bounds are certain.
        Timeline t = new ModelsDemo(0.005).synchronous();
        assertTrue(t.total() >= 6.0, "total " + t.total());
        List<Timeline.Span> s = t.spans();
        for (int i = 0; i < 3; i++) {
            assertTrue(s.get(i).end() - s.get(i).start() >= ModelsDemo.JOBS.get(i).seconds(), s.get(i).toString());
            if (i > 0) assertTrue(s.get(i).start() >= s.get(i - 1).end(), "task " + i + " overlaps the one before");
        }
    }

    @Test
    void rendersTheSeedsTimeLine() {
        Timeline t = onVirtualClock(new ModelsDemo(1)::concurrent);
        assertEquals("""
                concurrent (tasks)
                time →
                   0s        1s        2s        3s
                   │---------│---------│---------│
                A  ==================== done at 2.00 s
                B  ========== done at 1.00 s
                C  ============================== done at 3.00 s
                total: 3.00 s
                """, t.render());
    }

    // issue 13, items 19 and 21: a model that ran long (a tiny scale magnifies every overhead) still draws in
    // under 100 columns: the axis counts 2, 5, 10, ... seconds per tick instead of one
    @Test
    void aLongTimeLineStillFitsOneHundredColumns() {
        for (double total : new double[] {6.02, 8.5, 37, 1234.5, 1e6}) {
            Timeline t = new Timeline("slow", List.of(new Timeline.Span("A", 0, total / 3),
                    new Timeline.Span("B", total / 3, total)), total);
            String drawn = t.render();
            for (String line : drawn.split("\n")) assertTrue(line.length() <= 100, total + " s:\n" + drawn);
        }
        assertTrue(new Timeline("slow", List.of(new Timeline.Span("A", 0, 37)), 37).render()
                .contains("   0s        5s        10s       15s       20s       25s       30s       35s       40s\n"));
    }

    @Test
    void rejectsANonPositiveScale() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new ModelsDemo(0));
        assertEquals("scale must be a positive number, got 0.0", e.getMessage());
    }
}
