package io.jasyncio;

/** Test helpers of the composition tests: everything runs on a loop with a virtual clock. */
final class CompositionSupport {
    private CompositionSupport() {}

    /** Runs {@code main} as asyncio.run does, on a virtual-clock loop. */
    static <T> T run(Coroutine<T> main) {
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            return r.run(main);
        }
    }

    /** The running loop's time. */
    static double now() {
        return Asyncio.getRunningLoop().time();
    }

    /** Runs one iteration of {@code loop} (asyncio's test_utils.run_briefly). */
    static void runBriefly(EventLoop loop) {
        loop.callSoon(loop::stop);
        loop.runForever();
    }

    /** Runs a few iterations of {@code loop}: enough for chains of done callbacks to settle. */
    static void runLoop(EventLoop loop) {
        for (int i = 0; i < 5; i++) runBriefly(loop);
    }

    /** A done callback that records its calls (asyncio's test_utils.MockCallback). */
    static final class RecordingCallback implements java.util.function.Consumer<Future<?>> {
        final java.util.List<Future<?>> calls = new java.util.ArrayList<>();

        @Override
        public void accept(Future<?> f) {
            calls.add(f);
        }

        void assertCalledOnceWith(Future<?> f) {
            org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(f), calls);
        }
    }

    /**
     * Makes the running virtual-clock loop's time jump by {@code seconds}, as if the loop thread had been busy
     * that long (the tests' {@code time.sleep()} inside a coroutine): a test-only stand-in for blocking the loop
     * thread, which a virtual clock cannot see.
     */
    static void busyFor(double seconds) {
        LoopClock clock = Asyncio.getRunningLoop().clock;
        if (!clock.isVirtual()) throw new AssertionError("busyFor needs a loop with a virtual clock");
        clock.advance((long) (seconds * 1e9));
    }

    /** A coroutine that sleeps {@code delay} seconds, then returns {@code result}. */
    static <T> Coroutine<T> sleeping(double delay, T result) {
        return () -> Asyncio.sleep(delay, result);
    }

    /** Thrown by test coroutines, as Python's test suites use ZeroDivisionError and friends. */
    static final class MyExc extends RuntimeException {
        MyExc() {
            super();
        }

        MyExc(String msg) {
            super(msg);
        }
    }

    /** Python's BaseException subclass of the TaskGroup tests: an Error in Java. */
    static final class MyBaseExc extends Error {
    }
}
