package io.jasyncio;

import java.util.List;

/**
 * Helpers for the synchronization tests: short names for the asyncio functions the CPython tests use
 * (gather, wait_for / timeout); their loops are run by {@link TestLoops}.
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
        TestLoops.run(co(body));
    }

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

    /** {@code await asyncio.gather(*tasks)}. */
    static List<Object> gather(List<? extends Future<?>> tasks) {
        return Asyncio.await(Asyncio.gather(tasks, false));
    }

    static List<Object> gather(Future<?>... tasks) {
        return gather(List.of(tasks));
    }

    /** {@code await asyncio.gather(*tasks, return_exceptions=True)}. */
    static List<Object> gatherReturnExceptions(List<? extends Future<?>> tasks) {
        return Asyncio.await(Asyncio.gather(tasks, true));
    }

    /** {@code async with asyncio.timeout(delay): body}. */
    static <T> T withTimeout(double delay, Coroutine<T> body) {
        return Asyncio.timeout(delay, body);
    }
}
