package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The current task is found from the calling thread whatever task code does to that thread (issue 13, item 8):
 * it once went through the fiber thread's uncaught-exception handler, so a task that installed its own handler
 * could no longer sleep or await ({@code IllegalStateException}) and hung in its next blocking JDK call.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang must fail, not wait
class CurrentTaskLookupTest {
    private static final Thread.UncaughtExceptionHandler USERS = (t, e) -> { };

    /** Runs the checks after task code replaced its thread's handler with {@code handler} (null: none of its own). */
    private static List<String> afterReplacingTheHandler(Thread.UncaughtExceptionHandler handler) {
        return Asyncio.run(() -> {
            List<String> log = new ArrayList<>();
            Task<?> me = Asyncio.currentTask();
            Thread.currentThread().setUncaughtExceptionHandler(handler);
            assertSame(me, Asyncio.currentTask());
            Asyncio.sleep(0);
            log.add("slept");
            Future<String> f = Asyncio.getRunningLoop().createFuture();
            Asyncio.getRunningLoop().callSoon(() -> f.setResult("awaited"));
            log.add(Asyncio.await(f));
            Thread.sleep(5); // a blocking JDK call: parks only this task with vthread, and must come back
            log.add("blocked and back");
            CompletableFuture<String> fromAnotherThread = CompletableFuture.supplyAsync(() -> "joined");
            log.add(fromAnotherThread.join()); // a JDK wait released by another thread
            assertSame(me, Asyncio.currentTask());
            return log;
        });
    }

    private static boolean vthread() {
        return "vthread".equals(io.jasyncio.internal.Engine.get().name());
    }

    @Test
    void aTaskThatInstallsItsOwnUncaughtExceptionHandlerCanStillSleepAwaitAndBlock() {
        assertEquals(List.of("slept", "awaited", "blocked and back", "joined"), afterReplacingTheHandler(USERS));
    }

    @Test
    void aTaskThatClearsItsUncaughtExceptionHandlerCanStillSleepAwaitAndBlock() {
        assertEquals(List.of("slept", "awaited", "blocked and back", "joined"), afterReplacingTheHandler(null));
    }

    @Test
    void aTaskWithItsOwnHandlerIsCancelledNormallyAtAnAwaitAndInABlockingCall() {
        Asyncio.run(() -> {
            Task<Void> atAwait = Asyncio.createTask(() -> {
                Thread.currentThread().setUncaughtExceptionHandler(USERS);
                Asyncio.await(Asyncio.getRunningLoop().createFuture());
                return null;
            });
            List<Task<Void>> tasks = new ArrayList<>(List.of(atAwait));
            if (vthread()) { // with portable, a blocking call holds the loop: nothing could cancel it meanwhile
                Event blocking = new Event();
                tasks.add(Asyncio.createTask(() -> {
                    Thread.currentThread().setUncaughtExceptionHandler(null);
                    blocking.set();
                    Thread.sleep(60_000); // parked in the JDK, cancelled by interruption
                    return null;
                }));
                blocking.await();
            }
            Asyncio.sleep(0);
            for (Task<Void> t : tasks) t.cancel();
            for (Task<Void> t : tasks) {
                assertThrows(CancelledError.class, () -> Asyncio.await(t));
                assertTrue(t.cancelled(), t.toString());
            }
            return null;
        });
    }

    @Test
    void theLoopStillFindsATaskWhoseHandlerWasReplacedWhenItIsResumedFromABlockingCall() {
        // The engine hands a continuation released from a blocking call back to its task's loop; it once looked the
        // task up through the handler, and a foreign handler there made that hand-off fail on the releasing thread.
        int n = 20;
        int[] done = {0};
        Asyncio.run(() -> {
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                tasks.add(Asyncio.createTask(() -> {
                    Thread.currentThread().setUncaughtExceptionHandler(USERS);
                    for (int j = 0; j < 3; j++) Thread.sleep(1);
                    done[0]++;
                    return null;
                }));
            }
            for (Task<Void> t : tasks) Asyncio.await(t);
            return null;
        });
        assertEquals(n, done[0]);
    }
}
