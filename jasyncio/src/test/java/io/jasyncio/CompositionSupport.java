package io.jasyncio;

/** Test doubles of the composition tests (their loops are run by {@link TestLoops}). */
final class CompositionSupport {
    private CompositionSupport() {}

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
