package io.jasyncio;

import java.util.ArrayList;
import java.util.List;

/**
 * Helpers for the synchronization tests: a virtual-clock runner, and small stand-ins for the asyncio
 * functions the CPython tests use (gather, wait_for / timeout, TaskGroup) until the composition module lands.
 */
final class SyncTesting {
    private SyncTesting() {}

    /** asyncio's repr pattern of the primitives, in jasyncio's form ({@code <io.jasyncio.Lock@1f [locked]>}). */
    static final java.util.regex.Pattern REPR = java.util.regex.Pattern.compile(
            "^<(?<cls>[\\w.$]+)@(?<address>[0-9a-f]+) \\[(?<extras>"
            + "(set|unset|locked|unlocked|filling|draining|resetting|broken)"
            + "(, value:\\d)?(, waiters:\\d+)?(, waiters:\\d+/\\d+)?)\\]>$");

    static boolean reprMatches(Object o) {
        return REPR.matcher(o.toString()).matches();
    }

    /** Runs a test body in a fresh loop with the virtual clock. */
    static void runTest(Body body) {
        run(co(body));
    }

    /** Runs {@code main} in a fresh loop with the virtual clock, as IsolatedAsyncioTestCase runs a test. */
    static <T> T run(Coroutine<T> main) {
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            return r.run(() -> {
                // A deadlocked test leaves the virtual clock nothing to do but jump here: fail instead of hang.
                Task<?> self = Asyncio.currentTask();
                TimerHandle watchdog = Asyncio.getRunningLoop().callLater(DEADLOCK_SECONDS,
                        () -> self.cancel("test deadlocked: nothing left to run after " + DEADLOCK_SECONDS + "s"));
                try {
                    return main.call();
                } finally {
                    watchdog.cancel();
                }
            });
        }
    }

    /** Virtual seconds after which a test is considered deadlocked (no test sleeps this long). */
    static final double DEADLOCK_SECONDS = 100_000;

    /** Lambda form of an {@code async def} returning nothing. */
    interface Body {
        void run() throws Exception;
    }

    static Coroutine<Void> co(Body b) {
        return () -> {
            b.run();
            return null;
        };
    }

    static Task<Void> spawn(Body b) {
        return Asyncio.createTask(co(b));
    }

    /** {@code await asyncio.gather(*tasks)}: every result in order; the first failure is thrown. */
    static List<Object> gather(List<? extends Future<?>> tasks) {
        List<Object> results = new ArrayList<>();
        for (Future<?> t : tasks) results.add(Asyncio.await(t));
        return results;
    }

    static List<Object> gather(Future<?>... tasks) {
        return gather(List.of(tasks));
    }

    /** {@code await asyncio.gather(*tasks, return_exceptions=True)}. */
    static List<Object> gatherReturnExceptions(List<? extends Future<?>> tasks) {
        List<Object> results = new ArrayList<>();
        for (Future<?> t : tasks) {
            try {
                results.add(Asyncio.await(t));
            } catch (Throwable e) {
                results.add(e);
            }
        }
        return results;
    }

    /**
     * {@code async with asyncio.timeout(delay): body} (and {@code wait_for(body, delay)}): cancels the calling
     * task after {@code delay} seconds and turns that cancellation into {@link TimeoutError}.
     */
    static <T> T withTimeout(double delay, Coroutine<T> body) {
        Task<?> task = Asyncio.currentTask();
        boolean[] expired = {false};
        TimerHandle h = Asyncio.getRunningLoop().callLater(delay, () -> {
            expired[0] = true;
            task.cancel();
        });
        try {
            return body.call();
        } catch (CancelledError e) {
            if (expired[0] && task.uncancel() == 0) {
                TimeoutError te = new TimeoutError();
                te.initCause(e);
                throw te;
            }
            throw e;
        } catch (Exception e) {
            throw io.jasyncio.internal.Sneaky.rethrow(e);
        } finally {
            h.cancel();
        }
    }
}
