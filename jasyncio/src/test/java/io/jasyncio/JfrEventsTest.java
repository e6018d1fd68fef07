package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.jfr.Events;
import io.jasyncio.transport.Server;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.Streams;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * jasyncio's JFR events (package io.jasyncio.jfr), read back from a recording taken in-process, on whichever
 * engine runs the class: every task's created and ended events with its outcome, cancel requests, slow steps, the
 * watchdog's stall, and the periodic loop sample with its open connections.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JfrEventsTest {

    /** Runs {@code body} with {@code events} recorded; returns what was recorded. */
    private static List<RecordedEvent> record(Runnable body, String... events) throws Exception {
        Asyncio.run(() -> 1); // tasks existed before the recording
        Path file = Files.createTempFile("jasyncio-events", ".jfr");
        try (Recording r = new Recording()) {
            for (String e : events) r.enable(e);
            r.start();
            body.run();
            r.stop();
            r.dump(file);
            return RecordingFile.readAllEvents(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static Map<String, RecordedEvent> byName(List<RecordedEvent> events, String type) {
        return events.stream().filter(e -> e.getEventType().getName().equals(type))
                .collect(Collectors.toMap(e -> e.getString("name"), e -> e, (a, b) -> a));
    }

    /**
     * The case the first attempt lost on the vthread engine: task code commits TaskCreated events, then the loop's
     * own thread commits the TaskEnded of the first task to finish. Each task has both events, with its outcome.
     */
    @Test
    void everyTaskHasCreatedAndEndedEventsWithItsOutcome() throws Exception {
        List<RecordedEvent> events = record(() -> Asyncio.run(() -> {
            Task<Integer> ok = Asyncio.createTask(() -> 42, "jfr-ok");
            Task<Object> bad = Asyncio.createTask(() -> {
                throw new IllegalStateException("boom");
            }, "jfr-bad");
            Task<Object> cancelled = Asyncio.createTask(() -> {
                Asyncio.sleep(3600.0);
                return null;
            }, "jfr-cancelled");
            Asyncio.sleep(0);
            cancelled.cancel("enough");
            Asyncio.await(Asyncio.gather(true, ok, bad, cancelled));
            // A task created by a callback: the loop's thread commits TaskCreated, after task code committed events.
            Future<Object> fromCallback = Asyncio.getRunningLoop().createFuture();
            Asyncio.getRunningLoop().callSoon(() -> Asyncio.getRunningLoop().createTask(() -> {
                fromCallback.setResult(null);
                return null;
            }, "jfr-from-callback"));
            Asyncio.await(fromCallback);
            return null;
        }), "io.jasyncio.TaskCreated", "io.jasyncio.TaskEnded", "io.jasyncio.TaskCancelled");
        Map<String, RecordedEvent> created = byName(events, "io.jasyncio.TaskCreated");
        Map<String, RecordedEvent> ended = byName(events, "io.jasyncio.TaskEnded");
        for (String n : List.of("jfr-ok", "jfr-bad", "jfr-cancelled", "jfr-from-callback")) {
            assertTrue(created.containsKey(n), "TaskCreated of " + n + " in " + created.keySet());
            assertTrue(ended.containsKey(n), "TaskEnded of " + n + " in " + ended.keySet());
            assertEquals(created.get(n).getLong("taskId"), ended.get(n).getLong("taskId"), n);
        }
        assertEquals("result", ended.get("jfr-ok").getString("outcome"));
        assertNull(ended.get("jfr-ok").getString("exception"));
        assertEquals("exception", ended.get("jfr-bad").getString("outcome"));
        assertEquals(IllegalStateException.class.getName(), ended.get("jfr-bad").getString("exception"));
        assertEquals("cancelled", ended.get("jfr-cancelled").getString("outcome"));
        RecordedEvent cancel = byName(events, "io.jasyncio.TaskCancelled").get("jfr-cancelled");
        assertNotNull(cancel, "the cancel request is recorded");
        assertEquals("enough", cancel.getString("message"));
        assertNotNull(cancel.getStackTrace(), "with who cancelled");
        // Every task of the run (the main one too) has exactly one ended event.
        long endedCount = events.stream().filter(e -> e.getEventType().getName().equals("io.jasyncio.TaskEnded")).count();
        long createdCount = events.stream().filter(e -> e.getEventType().getName().equals("io.jasyncio.TaskCreated")).count();
        assertEquals(createdCount, endedCount, "one TaskEnded per TaskCreated");
    }

    /** In debug mode, with the slow callback duration at 0, every step is slow: the task's steps are named. */
    @Test
    void aSlowStepNamesTheTaskOrCallbackInDebugMode() throws Exception {
        for (boolean debug : new boolean[] {false, true}) {
            List<RecordedEvent> events = record(() -> {
                try (EventLoop loop = new EventLoop()) {
                    loop.setDebug(debug);
                    loop.setSlowCallbackDuration(0.0);
                    loop.runUntilComplete(() -> {
                        Asyncio.await(Asyncio.createTask(() -> 1, "slow-one"));
                        return null;
                    });
                }
            }, "io.jasyncio.SlowStep");
            List<String> what = events.stream().filter(e -> e.getEventType().getName().equals("io.jasyncio.SlowStep"))
                    .map(e -> e.getString("what")).toList();
            if (debug) assertTrue(what.stream().anyMatch(w -> w.contains("slow-one")), what.toString());
            else assertEquals(List.of(), what, "outside debug mode steps are not timed");
        }
    }

    /** The watchdog's stall is an event naming the task that holds the loop, with its frames. */
    @Test
    void theWatchdogsStallIsAnEventNamingTheTask() throws Exception {
        CompletableFuture<RecordedEvent> blocked = new CompletableFuture<>();
        try (RecordingStream rs = new RecordingStream()) {
            rs.enable("io.jasyncio.LoopBlocked");
            rs.onEvent("io.jasyncio.LoopBlocked", blocked::complete);
            rs.startAsync();
            Asyncio.run(() -> {
                Asyncio.getRunningLoop().setWatchdogThreshold(0.1);
                Task<Void> busy = Asyncio.createTask(() -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (!blocked.isDone() && System.nanoTime() < deadline) Thread.onSpinWait(); // holds the loop
                    return null;
                }, "hog");
                Asyncio.await(busy);
                return null;
            });
            RecordedEvent e = blocked.get(10, TimeUnit.SECONDS);
            assertTrue(e.getString("holder").contains("task 'hog'"), e.getString("holder"));
            assertNotEquals(0, e.getLong("taskId"));
            assertTrue(e.getString("frames").contains("JfrEventsTest"), e.getString("frames"));
            assertTrue(e.getDuration("heldFor").toMillis() >= 100, e.toString());
        }
    }

    /** The periodic sample of a running loop counts its open connections (a client and the server's side). */
    @Test
    void theLoopSampleCountsOpenConnections() throws Exception {
        CompletableFuture<RecordedEvent> sample = new CompletableFuture<>();
        try (RecordingStream rs = new RecordingStream()) {
            rs.enable("io.jasyncio.LoopSample").withPeriod(Duration.ofMillis(50));
            Predicate<RecordedEvent> twoOpen = e -> e.getInt("openConnections") >= 2;
            rs.onEvent("io.jasyncio.LoopSample", e -> {
                if (twoOpen.test(e)) sample.complete(e);
            });
            rs.startAsync();
            Asyncio.run(() -> {
                Server server = Streams.startServer((r, w) -> { }, "127.0.0.1", 0);
                int port = ((InetSocketAddress) server.getSockets().get(0).getLocalAddress()).getPort();
                StreamPair client = Streams.openConnection("127.0.0.1", port);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!sample.isDone() && System.nanoTime() < deadline) Asyncio.sleep(0.02);
                client.writer().close();
                server.close();
                return null;
            });
            RecordedEvent e = sample.get(1, TimeUnit.SECONDS);
            assertTrue(e.getInt("tasksAlive") >= 1, e.toString());
            assertTrue(e.getInt("readyQueueLength") >= 0, e.toString());
            assertTrue(e.getDuration("lag").toNanos() >= 0, e.toString());
        }
    }

    @Test
    void withoutARecordingTheEventsAreOffAndTasksRun() {
        assertFalse(Events.taskCreatedEnabled());
        assertFalse(Events.taskEndedEnabled());
        assertFalse(Events.slowStepEnabled());
        assertEquals(7, Asyncio.run(() -> Asyncio.await(Asyncio.createTask(() -> 7, "no-recording"))));
    }
}
