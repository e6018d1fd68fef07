package io.jasyncio.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ParkedTasksTest {
    @Test
    void readsTheRowsOfAClassHistogram() {
        String text = """
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:          2000         624000  jdk.internal.vm.StackChunk (java.base@25.0.3)
                   2:          1000          72000  io.jasyncio.Task
                   3:            10            480  io.jasyncio.bench.CoreBench$$Lambda/0x0000000024093800
                Total          3010         696480
                """;
        Map<String, long[]> h = ParkedTasks.parseHistogram(text);
        assertEquals(3, h.size());
        assertArrayEquals(new long[] {2000, 624000}, h.get("jdk.internal.vm.StackChunk"));
        assertArrayEquals(new long[] {1000, 72000}, h.get("io.jasyncio.Task"));
    }

    @Test
    void growthIsPerTaskLargestFirstAndLeavesOutWhatDidNotGrow() {
        Map<String, long[]> before = Map.of("A", new long[] {5, 500}, "B", new long[] {1, 16}, "C", new long[] {3, 48});
        Map<String, long[]> during = Map.of("A", new long[] {5, 500}, "B", new long[] {101, 1616},
                "C", new long[] {103, 7248}, "D", new long[] {100, 50});
        List<ParkedTasks.Share> g = ParkedTasks.growth(before, during, 100);
        assertEquals(List.of("C", "B"), g.stream().map(ParkedTasks.Share::className).toList()); // D: 0.5 B per task
        assertEquals(72.0, g.get(0).bytesPerTask());
        assertEquals(1.0, g.get(1).instancesPerTask());
    }

    @Test
    void everyParkedTaskHoldsOneTask() {
        ParkedTasks.Report r = ParkedTasks.measure(2000, false);
        ParkedTasks.Share task = r.shares().stream().filter(s -> s.className().equals("io.jasyncio.Task")).findFirst()
                .orElseThrow(() -> new AssertionError("no io.jasyncio.Task among " + r.shares()));
        assertEquals(1.0, task.instancesPerTask(), 0.01, r.shares().toString());
        assertTrue(r.bytesPerTask() > task.bytesPerTask(), "a parked task holds more than its Task: " + r);
    }
}
