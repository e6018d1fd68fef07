package io.jasyncio;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Shared set-up of the ported asyncio tests: a fresh loop on the virtual clock per test (CPython's
 * {@code new_test_loop}), closed afterwards, and helpers that mirror {@code test_utils}.
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
        loop.runUntilComplete(() -> null);
    }

    /** test_utils.run_until: runs the loop until {@code condition} holds (checking between iterations). */
    static void runUntil(EventLoop loop, java.util.function.BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            loop.runUntilComplete(() -> {
                Asyncio.sleep(0.001);
                return null;
            });
        }
    }

    /** The messages of the contexts handled so far. */
    List<String> handledMessages() {
        List<String> m = new ArrayList<>();
        for (ExceptionContext c : handled) m.add(c.message());
        return m;
    }
}
