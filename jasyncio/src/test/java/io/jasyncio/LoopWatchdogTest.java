package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The loop watchdog (docs/ENGINES.md, "The loop watchdog"; issue 15): a loop held past its threshold by one task
 * or callback is named in one WARNING with its stack, whichever engine runs it; a loop waiting for events is not.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang must fail, not wait
class LoopWatchdogTest {
    /** The WARNINGs of the watchdog captured so far. */
    private static List<String> stalls(LogCapture log) {
        return log.messages(Level.WARNING).stream().filter(m -> m.startsWith("Event loop ")).toList();
    }

    /** Waits (real time, bounded) until the watchdog has logged a stall; the holder's code calls this. */
    private static void untilLogged(LogCapture log) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (stalls(log).isEmpty()) {
            if (System.nanoTime() > deadline) throw new AssertionError("the watchdog logged nothing within 30 s");
            Thread.onSpinWait();
        }
    }

    @Test
    void aTaskBlockedReadingAFifoIsNamedWithTheJdkCallThatHoldsTheLoop() throws Exception {
        Path dir = Files.createTempDirectory("watchdog");
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo is needed");
        try (LogCapture log = new LogCapture()) {
            // The writer opens the FIFO only once the watchdog has spoken, so the read blocks until then.
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                untilLogged(log);
                try (OutputStream out = Files.newOutputStream(fifo)) {
                    out.write("hello".getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            String got = Asyncio.run(() -> {
                Asyncio.getRunningLoop().setWatchdogThreshold(0.2);
                Task<String> reader = Asyncio.createTask(() -> Files.readString(fifo), "fifo-reader");
                return Asyncio.await(reader);
            });
            writer.join(10_000);
            assertEquals("hello", got);
            List<String> stalls = stalls(log);
            assertEquals(1, stalls.size(), "once per stall: " + stalls);
            String m = stalls.get(0);
            assertTrue(m.contains("by task 'fifo-reader' (id "), m);
            assertTrue(m.contains("in the JDK call java."), m); // the open or read that blocks the loop's thread
            assertTrue(m.contains("\n    at "), "with the stack: " + m);
        } finally {
            Files.deleteIfExists(fifo);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void aBusyTaskIsNamedWithWhereItRuns() {
        try (LogCapture log = new LogCapture()) {
            Asyncio.run(() -> {
                Asyncio.getRunningLoop().setWatchdogThreshold(0.2);
                Task<Void> busy = Asyncio.createTask(() -> {
                    busyUntilLogged(log);
                    return null;
                }, "busy-one");
                return Asyncio.await(busy);
            });
            String m = stalls(log).get(0);
            assertTrue(m.contains("by task 'busy-one'"), m);
            assertTrue(m.contains("running io.jasyncio.LoopWatchdogTest.busyUntilLogged")
                    || m.contains("at io.jasyncio.LoopWatchdogTest.busyUntilLogged"), m);
        }
    }

    private static void busyUntilLogged(LogCapture log) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (stalls(log).isEmpty()) {
            if (System.nanoTime() > deadline) throw new AssertionError("the watchdog logged nothing within 30 s");
        }
    }

    @Test
    void aBusyCallbackIsReportedAsACallback() {
        try (LogCapture log = new LogCapture()) {
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                loop.setWatchdogThreshold(0.2);
                Future<Void> done = loop.createFuture();
                loop.callSoon(() -> {
                    busyUntilLogged(log);
                    done.setResult(null);
                });
                return Asyncio.await(done);
            });
            String m = stalls(log).get(0);
            assertTrue(m.contains("by a callback"), m);
            assertTrue(m.contains("io.jasyncio.LoopWatchdogTest.busyUntilLogged"), m);
        }
    }

    @Test
    void aLoopWaitingForEventsIsNotStalledAndAQuietOneLogsNothing() {
        try (LogCapture log = new LogCapture()) {
            Asyncio.run(() -> {
                Asyncio.getRunningLoop().setWatchdogThreshold(0.05);
                Asyncio.sleep(0.5); // real time, in the selector: ten thresholds without a step is no stall
                for (int i = 0; i < 5; i++) Asyncio.sleep(0.01);
                return null;
            });
            assertEquals(List.of(), stalls(log));
        }
    }

    @Test
    void theThresholdComesFromThePropertyAndTheApiAndZeroTurnsItOff() {
        assertEquals(1_000_000_000L, LoopWatchdog.parseThreshold(null));
        assertEquals(250_000_000L, LoopWatchdog.parseThreshold("0.25"));
        assertEquals(0L, LoopWatchdog.parseThreshold("off"));
        try (EventLoop loop = new EventLoop()) {
            assertEquals(LoopWatchdog.DEFAULT_THRESHOLD_NANOS / 1e9, loop.getWatchdogThreshold());
            loop.setWatchdogThreshold(0);
            assertEquals(0.0, loop.getWatchdogThreshold());
            assertThrows(IllegalArgumentException.class, () -> loop.setWatchdogThreshold(-1));
            int others = LoopWatchdog.watchedCount(); // loops of other threads (none, normally)
            loop.runUntilComplete(() -> {
                assertEquals(others, LoopWatchdog.watchedCount(), "off: not watched");
                loop.setWatchdogThreshold(0.5);
                assertEquals(others + 1, LoopWatchdog.watchedCount(), "on while running: watched at once");
                return null;
            });
            assertEquals(others, LoopWatchdog.watchedCount(), "stopped: not watched");
        }
    }

    @Test
    void theWatchdogIsADaemonAndKeepsNoLoopOnceItStops() throws Exception {
        EventLoop loop = new EventLoop();
        loop.runUntilComplete(() -> {
            Thread dog = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("jasyncio-watchdog")).findFirst().orElseThrow();
            assertTrue(dog.isDaemon());
            return null;
        });
        loop.close();
        WeakReference<EventLoop> ref = new WeakReference<>(loop);
        loop = null;
        for (int i = 0; i < 50 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(ref.get(), "nothing keeps a closed loop reachable");
    }
}
