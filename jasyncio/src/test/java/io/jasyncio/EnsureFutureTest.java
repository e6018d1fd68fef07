package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Ports of test_tasks.py's ensure_future tests (BaseTaskTests). */
class EnsureFutureTest extends LoopTestBase {

    // ports test_tasks.py::BaseTaskTests::test_ensure_future_coroutine
    @Test
    void ensureFutureCoroutine() {
        Future<String> t = Asyncio.ensureFuture((Coroutine<String>) () -> "ok", loop);
        assertInstanceOf(Task.class, t);
        assertSame(loop, t.getLoop());
        assertEquals("ok", loop.runUntilComplete(t));

        // No running loop and none set for this thread: refused, as asyncio's "no current event loop".
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Asyncio.ensureFuture((Coroutine<String>) () -> "ok"));
        assertTrue(e.getMessage().contains("no current event loop"), e.getMessage());

        // From a task: the running loop.
        Future<String> inner = loop.runUntilComplete(() -> Asyncio.ensureFuture((Coroutine<String>) () -> "ok"));
        assertSame(loop, inner.getLoop());
        assertEquals("ok", loop.runUntilComplete(inner));

        // With a loop set for this thread: that loop.
        Asyncio.setEventLoop(loop);
        Future<String> set = Asyncio.ensureFuture((Coroutine<String>) () -> "ok");
        assertSame(loop, set.getLoop());
        assertEquals("ok", loop.runUntilComplete(set));
    }

    // ports test_tasks.py::BaseTaskTests::test_ensure_future_future
    @Test
    void ensureFutureFuture() {
        Future<String> orig = loop.createFuture();
        orig.setResult("ko");
        Future<String> f = Asyncio.ensureFuture(orig);
        assertSame(orig, f);
        assertEquals("ko", loop.runUntilComplete(f));
        try (EventLoop other = new EventLoop()) {
            assertThrows(IllegalArgumentException.class, () -> Asyncio.ensureFuture(orig, other));
        }
        assertSame(orig, Asyncio.ensureFuture(orig, loop));
    }

    // ports test_tasks.py::BaseTaskTests::test_ensure_future_task
    @Test
    void ensureFutureTask() {
        Task<String> orig = loop.createTask(() -> "ok");
        Future<String> t = Asyncio.ensureFuture(orig);
        assertSame(orig, t);
        assertEquals("ok", loop.runUntilComplete(t));
        try (EventLoop other = new EventLoop()) {
            assertThrows(IllegalArgumentException.class, () -> Asyncio.ensureFuture(orig, other));
        }
        assertSame(orig, Asyncio.ensureFuture(orig, loop));
    }

    // ports test_tasks.py::BaseTaskTests::test_ensure_future_awaitable
    @Test
    void ensureFutureAwaitable() {
        // A CompletionStage is Java's other awaitable: it becomes a task that awaits it.
        CompletableFuture<String> stage = new CompletableFuture<>();
        Future<String> fut = Asyncio.ensureFuture(stage, loop);
        assertInstanceOf(Task.class, fut);
        loop.callSoon(() -> stage.complete("ok"));
        assertEquals("ok", loop.runUntilComplete(fut));
    }

    // ports test_tasks.py::BaseTaskTests::test_ensure_future_neither
    @Test
    void ensureFutureNeither() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Asyncio.ensureFuture("ok", loop));
        assertTrue(e.getMessage().contains("a Coroutine or a CompletionStage is required"), e.getMessage());
        assertThrows(NullPointerException.class, () -> Asyncio.ensureFuture(null, loop));
    }

    // ports test_tasks.py::BaseTaskTests::test_ensure_future_error_msg
    @Test
    void ensureFutureErrorMessage() {
        Future<String> f = loop.createFuture();
        try (EventLoop other = new EventLoop()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Asyncio.ensureFuture(f, other));
            assertEquals("The future belongs to a different loop than the one specified as the loop argument",
                    e.getMessage());
        }
    }
}
