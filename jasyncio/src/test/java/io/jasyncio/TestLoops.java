package io.jasyncio;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The tests' one way to run a loop (the helpers of asyncio's {@code test_utils} and
 * {@code IsolatedAsyncioTestCase}):
 * <ul>
 * <li>{@link #run}: a test body on a fresh loop with the virtual clock (sleeps and timeouts cost no real time),
 * which fails instead of hanging when the test deadlocks;</li>
 * <li>{@link #runReal}: a body that needs real time (processes, sockets of other programs) on a fresh loop,
 * bounded by {@link #REAL_RUN_LIMIT_SECONDS};</li>
 * <li>{@link #runBriefly} and {@link #runUntil}: a loop the test holds itself (see {@link LoopTestBase}), driven
 * from outside; {@link #waitUntil}: inside a task, yield until a condition holds;</li>
 * <li>{@link #now} and {@link #busyFor}: the running loop's (virtual) time;</li>
 * <li>{@link #collectErrors}, {@link #runCollectingErrors} and {@link #runRealCollectingErrors}: what reaches the
 * loop's exception handler, kept for the test's assertions instead of logged.</li>
 * </ul>
 * Threading: {@link #run}, {@link #runReal}, {@link #runBriefly} and {@link #runUntil} from a test's thread (no
 * loop running there); {@link #waitUntil}, {@link #now}, {@link #busyFor} and {@link #collectErrors} from a task.
 */
public final class TestLoops {
    private TestLoops() {}

    /** Virtual seconds after which a test run by {@link #run} is considered deadlocked (no test sleeps this long). */
    public static final double DEADLOCK_SECONDS = 100_000;

    /** No test run by {@link #runReal} may take longer than this; a hang fails with a TimeoutError instead. */
    public static final double REAL_RUN_LIMIT_SECONDS = 30.0;

    /**
     * Runs {@code main} as {@code asyncio.run} does, on a fresh loop with the virtual clock. A deadlocked test
     * leaves the virtual clock nothing to do but jump to {@link #DEADLOCK_SECONDS}: its main task is cancelled
     * there, so the test fails instead of hanging.
     */
    public static <T> T run(Coroutine<T> main) {
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            return r.run(() -> {
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

    /** Runs {@code main} on a fresh real-time loop, bounded by {@link #REAL_RUN_LIMIT_SECONDS}. */
    public static <T> T runReal(Coroutine<T> main) {
        return Asyncio.run(() -> Asyncio.waitFor(main, REAL_RUN_LIMIT_SECONDS));
    }

    /** {@link #run} with {@link #collectErrors} from the start; returns what reached the exception handler. */
    public static List<ExceptionContext> runCollectingErrors(Coroutine<?> main) {
        List<ExceptionContext> errors = new ArrayList<>();
        run(() -> {
            collectInto(errors);
            return main.call();
        });
        return errors;
    }

    /** {@link #runReal} with {@link #collectErrors} from the start; returns what reached the exception handler. */
    public static List<ExceptionContext> runRealCollectingErrors(Coroutine<?> main) {
        List<ExceptionContext> errors = new ArrayList<>();
        runReal(() -> {
            collectInto(errors);
            return main.call();
        });
        return errors;
    }

    /**
     * Inside a task: from now on what reaches the running loop's exception handler is added to the returned list,
     * in order, instead of being logged.
     */
    public static List<ExceptionContext> collectErrors() {
        List<ExceptionContext> errors = new ArrayList<>();
        collectInto(errors);
        return errors;
    }

    private static void collectInto(List<ExceptionContext> errors) {
        Asyncio.getRunningLoop().setExceptionHandler((loop, ctx) -> errors.add(ctx));
    }

    /** test_utils.run_briefly: runs {@code loop} for one task step, so that the callbacks scheduled before run. */
    public static void runBriefly(EventLoop loop) {
        loop.runUntilComplete(() -> null);
    }

    /** Runs a few task steps of {@code loop}: enough for chains of done callbacks to settle. */
    public static void runLoop(EventLoop loop) {
        for (int i = 0; i < 5; i++) runBriefly(loop);
    }

    /** test_utils.run_until: runs {@code loop} until {@code condition} holds (checked between iterations). */
    public static void runUntil(EventLoop loop, BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            loop.runUntilComplete(() -> {
                Asyncio.sleep(0.001);
                return null;
            });
        }
    }

    /** Inside a task: yields to the loop until {@code condition} holds, for at most ~10 s of real time. */
    public static void waitUntil(BooleanSupplier condition) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not reached in time");
            Asyncio.sleep(0.001);
        }
    }

    /** The running loop's time. */
    public static double now() {
        return Asyncio.getRunningLoop().time();
    }

    /**
     * Makes the running virtual-clock loop's time jump by {@code seconds}, as if the loop thread had been busy
     * that long (the tests' {@code time.sleep()} inside a coroutine): a test-only stand-in for blocking the loop
     * thread, which a virtual clock cannot see.
     */
    public static void busyFor(double seconds) {
        LoopClock clock = Asyncio.getRunningLoop().clock;
        if (!clock.isVirtual()) throw new AssertionError("busyFor needs a loop with a virtual clock");
        clock.advance((long) (seconds * 1e9));
    }
}
