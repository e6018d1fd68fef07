package io.jasyncio.examples;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import io.jasyncio.Runner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunLifecycleTest {
    private final RunLifecycle demo = new RunLifecycle(new PrintStream(new ByteArrayOutputStream()), 1.0);

    @Test
    void aWaitsForTheNetworkWhileBWritesAndEachResumesWhenItsIoIsReady() {
        List<String> events;
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            events = r.run(demo::interleaving);
        }
        assertEquals(List.of(
                "A: start downloading, await the network",
                "B: start writing to the database, await the disk",
                "A: network data arrived, download done",
                "B: disk write done",
                "both done: the loop ran A and B on one thread, switching at each await"), events);
    }

    @Test
    void runCancelsLeftoversShutsTheExecutorDownAndClosesTheLoop() {
        assertEquals(List.of(
                "1. a new event loop is running: true",
                "2. main runs as a task: true",
                "   main used the default executor: executor job done",
                "3. the task main left behind is cancelled by run()",
                "4. the default executor is shut down: true",
                "5. the loop is closed: true, left-behind task cancelled: true",
                "run() returned \"main's result\""), demo.lifecycle());
    }

    @Test
    void lowLevelLoopRunsTasksOneAfterAnotherThenCloses() {
        assertEquals(List.of(
                "runUntilComplete(first) -> first",
                "runUntilComplete(later) -> a task added later, same loop",
                "loop closed: true"), demo.lowLevel());
    }
}
