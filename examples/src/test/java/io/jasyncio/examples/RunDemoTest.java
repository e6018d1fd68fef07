package io.jasyncio.examples;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RunDemoTest {
    private final RunDemo demo = new RunDemo(new PrintStream(new ByteArrayOutputStream()), 1.0, EventLoop::withVirtualClock);

    @Test
    void basicsReturnsMainsValue() {
        assertEquals("done", demo.basics());
    }

    @Test
    void structuredProgramAwaitsInTurn() {
        assertEquals(List.of("user", "posts"), demo.structured());
    }

    @Test
    void concurrentTasksTakeAsLongAsTheLongest() {
        assertEquals(List.of(List.of("A_result", "B_result", "C_result"), 0.3), demo.concurrent());
    }

    @Test
    void exceptionsAreCaughtOrReturned() {
        assertEquals(List.of("caught task failed", "task 0: ok", "task 1: exception - task failed", "task 2: ok"),
                demo.exceptions());
    }

    @Test
    void waitForTimesOutAfterOneSecond() {
        assertEquals("timed out after 1.0 s", demo.timeout());
    }

    @Test
    void cancelledTaskCleansUp() {
        assertEquals(List.of("task saw CancelledError", "cancelled=true"), demo.cancellation());
    }

    @Test
    void debugModeNamesTheStepThatBlockedTheLoop() {
        assertEquals("slow step of 'blocking-task' reported", demo.debugMode());
    }

    @Test
    void vectorDbCliFindsTheTrueNearestNeighbours() {
        List<String> ids = demo.vectorDbCli();
        // The same data, ranked by brute force: cosine similarity to (0.5, 0.5, 0.5, 0.5).
        Random rnd = new Random(4);
        java.util.Map<String, Double> score = new java.util.HashMap<>();
        for (int i = 0; i < 100; i++) {
            double dot = 0, norm = 0;
            for (int d = 0; d < 4; d++) {
                float x = rnd.nextFloat();
                dot += 0.5 * x;
                norm += x * x;
            }
            score.put("vec_" + i, dot / (Math.sqrt(norm) * 1.0));
        }
        List<String> expected = score.entrySet().stream()
                .sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(3).map(java.util.Map.Entry::getKey).toList();
        assertEquals(expected, ids);
    }

    @Test
    void webServerAnswersFiveRequestsInAboutATenthOfASecond() {
        assertEquals(List.of(5, 0.1), demo.webServer());
    }

    @Test
    void applicationInsertsAndQueries() {
        assertEquals(Map.of("inserted", 50, "queries", 5, "status", "success"), demo.application());
    }

    @Test
    void nestedRunIsRefusedWithAsyncioMessage() {
        assertEquals("asyncio.run() cannot be called from a running event loop", demo.nestedRun());
    }
}
