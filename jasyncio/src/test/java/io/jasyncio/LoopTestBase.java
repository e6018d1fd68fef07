package io.jasyncio;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Shared set-up of the ported asyncio tests: a fresh loop on the virtual clock per test (CPython's
 * {@code new_test_loop}), closed afterwards; its helpers are {@link TestLoops}' for that loop.
 */
abstract class LoopTestBase {
    EventLoop loop;
    /** Contexts the loop passed to its exception handler (tests that want the default handler reset it). */
    final List<ExceptionContext> handled = new ArrayList<>();

    @BeforeEach
    void newTestLoop() {
        loop = EventLoop.withVirtualClock();
        loop.setExceptionHandler((l, ctx) -> handled.add(ctx));
    }

    @AfterEach
    void closeTestLoop() {
        Asyncio.setEventLoop(null);
        if (loop != null && !loop.isRunning()) loop.close();
    }

    /** test_utils.run_briefly: one task step, so that callbacks scheduled before it run. */
    void runBriefly() {
        runBriefly(loop);
    }

    static void runBriefly(EventLoop loop) {
        TestLoops.runBriefly(loop);
    }

    /** test_utils.run_until: runs the loop until {@code condition} holds (checking between iterations). */
    static void runUntil(EventLoop loop, java.util.function.BooleanSupplier condition) {
        TestLoops.runUntil(loop, condition);
    }

    /** The messages of the contexts handled so far. */
    List<String> handledMessages() {
        List<String> m = new ArrayList<>();
        for (ExceptionContext c : handled) m.add(c.message());
        return m;
    }
}
