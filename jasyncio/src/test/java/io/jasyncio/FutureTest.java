package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** Ports of test_futures.py::BaseFutureTests (with our deterministic never-retrieved reporting at close). */
class FutureTest extends LoopTestBase {

    // ports test_futures.py::BaseFutureTests::test_initial_state
    @Test
    void initialState() {
        Future<Object> f = loop.createFuture();
        assertFalse(f.cancelled());
        assertFalse(f.done());
        f.cancel();
        assertTrue(f.cancelled());
    }

    // ports test_futures.py::BaseFutureTests::test_constructor_without_loop
    @Test
    void constructorWithoutLoop() {
        assertThrows(NullPointerException.class, () -> new Future<>(null));
    }

    // ports test_futures.py::BaseFutureTests::test_constructor_use_running_loop
    @Test
    void constructorUseRunningLoop() {
        Future<?> f = loop.runUntilComplete(() -> Asyncio.getRunningLoop().createFuture());
        assertSame(loop, f.getLoop());
    }

    // ports test_futures.py::BaseFutureTests::test_constructor_use_global_loop
    @Test
    void constructorUseGlobalLoop() {
        Asyncio.setEventLoop(loop);
        Future<?> f = new Future<>(Asyncio.getEventLoop());
        assertSame(loop, f.getLoop());
    }

    // ports test_futures.py::BaseFutureTests::test_future_cancel_message_getter
    @Test
    void futureCancelMessageGetter() {
        Future<Object> f = loop.createFuture();
        f.cancel("my message");
        CancelledError e = assertThrows(CancelledError.class, () -> loop.runUntilComplete(f));
        assertEquals("my message", e.getMessage());
        assertEquals("my message", e.cancelMessage());
    }

    // ports test_futures.py::BaseFutureTests::test_cancel
    @Test
    void cancel() {
        Future<Object> f = loop.createFuture();
        assertTrue(f.cancel());
        assertTrue(f.cancelled());
        assertTrue(f.done());
        assertThrows(CancelledError.class, f::result);
        assertThrows(CancelledError.class, f::exception);
        assertThrows(InvalidStateError.class, () -> f.setResult(null));
        assertThrows(InvalidStateError.class, () -> f.setException(new RuntimeException()));
        assertFalse(f.cancel());
    }

    // ports test_futures.py::BaseFutureTests::test_result
    @Test
    void result() {
        Future<Integer> f = loop.createFuture();
        assertThrows(InvalidStateError.class, f::result);
        f.setResult(42);
        assertFalse(f.cancelled());
        assertTrue(f.done());
        assertEquals(42, f.result());
        assertNull(f.exception());
        assertThrows(InvalidStateError.class, () -> f.setResult(null));
        assertThrows(InvalidStateError.class, () -> f.setException(new RuntimeException()));
        assertFalse(f.cancel());
    }

    // ports test_futures.py::BaseFutureTests::test_exception
    @Test
    void exception() {
        RuntimeException exc = new RuntimeException();
        Future<Object> f = loop.createFuture();
        assertThrows(InvalidStateError.class, f::exception);
        f.setException(exc);
        assertFalse(f.cancelled());
        assertTrue(f.done());
        assertSame(exc, assertThrows(RuntimeException.class, f::result));
        assertSame(exc, f.exception());
        assertThrows(InvalidStateError.class, () -> f.setResult(null));
        assertThrows(InvalidStateError.class, () -> f.setException(new RuntimeException()));
        assertFalse(f.cancel());
    }

    @Test
    void checkedExceptionRethrownUnchanged() {
        Future<Object> f = loop.createFuture();
        Exception checked = new java.io.IOException("disk");
        f.setException(checked);
        Throwable thrown = assertThrows(java.io.IOException.class, f::result);
        assertSame(checked, thrown);
    }

    // ports test_futures.py::BaseFutureTests::test_future_repr
    @Test
    void futureRepr() {
        Future<Integer> pending = loop.createFuture();
        assertEquals("<Future pending>", pending.toString());
        pending.cancel();
        loop.setDebug(true);
        Future<Integer> pendingDebug = loop.createFuture();
        assertTrue(pendingDebug.toString().matches("<Future pending created at FutureTest\\.java:\\d+>"),
                pendingDebug.toString());
        loop.setDebug(false);
        Future<Integer> cancelled = loop.createFuture();
        cancelled.cancel();
        assertEquals("<Future cancelled>", cancelled.toString());
        Future<Integer> result = loop.createFuture();
        result.setResult(4);
        assertEquals("<Future finished result=4>", result.toString());
        Future<Integer> exc = loop.createFuture();
        RuntimeException e = new RuntimeException();
        exc.setException(e);
        assertEquals("<Future finished exception=java.lang.RuntimeException>", exc.toString());
        assertSame(e, exc.exception());
    }

    // ports test_futures.py::BaseFutureTests::test_tb_logger_abandoned
    @Test
    void tbLoggerAbandoned() {
        loop.createFuture();
        loop.close();
        assertEquals(List.of(), handled);
    }

    // ports test_futures.py::BaseFutureTests::test_tb_logger_not_called_after_cancel
    @Test
    void tbLoggerNotCalledAfterCancel() {
        Future<Object> f = loop.createFuture();
        f.setException(new Exception());
        f.cancel();
        loop.close();
        assertEquals(List.of(), handled);
    }

    // ports test_futures.py::BaseFutureTests::test_tb_logger_result_unretrieved
    @Test
    void tbLoggerResultUnretrieved() {
        Future<Object> f = loop.createFuture();
        f.setResult(42);
        loop.close();
        assertEquals(List.of(), handled);
    }

    // ports test_futures.py::BaseFutureTests::test_tb_logger_result_retrieved
    @Test
    void tbLoggerResultRetrieved() {
        Future<Object> f = loop.createFuture();
        f.setResult(42);
        f.result();
        loop.close();
        assertEquals(List.of(), handled);
    }

    // ports test_futures.py::BaseFutureTests::test_tb_logger_exception_unretrieved
    @Test
    void tbLoggerExceptionUnretrieved() {
        Future<Object> f = loop.createFuture();
        RuntimeException boom = new RuntimeException("boom");
        f.setException(boom);
        runBriefly();
        loop.close();
        assertEquals(List.of("Future exception was never retrieved"), handledMessages());
        assertSame(boom, handled.get(0).exception());
        assertSame(f, handled.get(0).future());
    }

    // ports test_futures.py::BaseFutureTests::test_tb_logger_exception_retrieved
    @Test
    void tbLoggerExceptionRetrieved() {
        Future<Object> f = loop.createFuture();
        f.setException(new RuntimeException("boom"));
        f.exception();
        loop.close();
        assertEquals(List.of(), handled);
    }

    // ports test_futures.py::BaseFutureTests::test_tb_logger_exception_result_retrieved
    @Test
    void tbLoggerExceptionResultRetrieved() {
        Future<Object> f = loop.createFuture();
        f.setException(new RuntimeException("boom"));
        assertThrows(RuntimeException.class, f::result);
        loop.close();
        assertEquals(List.of(), handled);
    }

    // ports test_futures.py::BaseFutureTests::test_wrap_future
    @Test
    void wrapFuture() {
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Thread me = Thread.currentThread();
            CompletableFuture<Thread> f1 = CompletableFuture.supplyAsync(Thread::currentThread, ex);
            Future<Thread> f2 = Future.wrap(f1, loop);
            Thread ran = loop.runUntilComplete(f2);
            assertNotSame(me, ran);
        } finally {
            ex.shutdown();
        }
    }

    // ports test_futures.py::BaseFutureTests::test_wrap_future_without_loop
    @Test
    void wrapFutureWithoutLoop() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Asyncio.wrapFuture(new CompletableFuture<>()));
        assertTrue(e.getMessage().contains("no current event loop"), e.getMessage());
    }

    // ports test_futures.py::BaseFutureTests::test_wrap_future_use_global_loop
    @Test
    void wrapFutureUseGlobalLoop() {
        Asyncio.setEventLoop(loop);
        Future<String> f2 = Asyncio.wrapFuture(CompletableFuture.completedFuture("oi"));
        assertSame(loop, f2.getLoop());
        assertEquals("oi", loop.runUntilComplete(f2));
    }

    // ports test_futures.py::BaseFutureTests::test_copy_state
    @Test
    void copyState() {
        Future<Integer> f = loop.createFuture();
        f.setResult(10);
        Future<Integer> newf = Future.wrap(f.toCompletableFuture(), loop);
        runUntil(loop, newf::done);
        assertTrue(newf.done());
        assertEquals(10, newf.result());

        Future<Integer> fExc = loop.createFuture();
        RuntimeException exc = new RuntimeException();
        fExc.setException(exc);
        Future<Integer> newfExc = Future.wrap(fExc.toCompletableFuture(), loop);
        runUntil(loop, newfExc::done);
        assertTrue(newfExc.done());
        assertSame(exc, assertThrows(RuntimeException.class, newfExc::result));

        Future<Integer> fCancelled = loop.createFuture();
        fCancelled.cancel();
        Future<Integer> newfCancelled = Future.wrap(fCancelled.toCompletableFuture(), loop);
        runUntil(loop, newfCancelled::done);
        assertTrue(newfCancelled.cancelled());
    }

    // ports test_futures.py::BaseFutureTests::test_yield_from_twice
    @Test
    void awaitTheSameFutureTwice() {
        Future<Integer> f = loop.createFuture();
        List<Object> log = new java.util.ArrayList<>();
        Task<Object> t = loop.createTask(() -> {
            log.add("A");
            log.add(List.of("B", Asyncio.await(f)));
            log.add(List.of("C", Asyncio.await(f)));
            return null;
        });
        runBriefly();
        assertEquals(List.of("A"), log);
        f.setResult(42);
        loop.runUntilComplete(t);
        assertEquals(List.of("A", List.of("B", 42), List.of("C", 42)), log);
    }

    // ports test_futures2.py::FutureReprTests::test_recursive_repr_for_pending_tasks
    @Test
    void recursiveReprForPendingTasks() {
        Task<java.util.Set<Task<?>>> waiter = loop.createTask(Asyncio::allTasks);
        loop.runUntilComplete(waiter);
        assertTrue(waiter.result().contains(waiter));
        String repr = waiter.toString(); // no StackOverflowError
        assertTrue(repr.contains("..."), repr);
    }

    // ports test_futures2.py::FutureTests::test_future_traceback
    @Test
    void awaitingAFailedTaskRepeatedlyRaisesTheSameException() {
        loop.runUntilComplete(() -> {
            Task<Object> future = Asyncio.createTask(() -> {
                throw new IllegalArgumentException("42");
            });
            Throwable first = null;
            for (int i = 0; i < 5; i++) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Asyncio.await(future));
                if (first == null) first = e;
                assertSame(first, e);
            }
            return null;
        });
    }

    // ports test_futures.py::BaseFutureTests::test_wrap_future_use_running_loop
    @Test
    void wrapFutureUseRunningLoop() {
        CompletableFuture<String> f1 = CompletableFuture.completedFuture("oi");
        Future<String> f2 = loop.runUntilComplete(() -> Asyncio.wrapFuture(f1));
        assertSame(loop, f2.getLoop());
        runBriefly();
        assertEquals("oi", f2.result());
    }

    // ports test_futures.py::BaseFutureTests::test_wrap_future_cancel
    @Test
    void wrapFutureCancel() {
        CompletableFuture<Object> f1 = new CompletableFuture<>();
        Future<Object> f2 = Future.wrap(f1, loop);
        f2.cancel();
        runBriefly();
        assertTrue(f1.isCancelled());
        assertTrue(f2.cancelled());
    }

    // ports test_futures.py::BaseFutureTests::test_wrap_future_cancel2
    @Test
    void wrapFutureCancel2() {
        CompletableFuture<Object> f1 = new CompletableFuture<>();
        Future<Object> f2 = Future.wrap(f1, loop);
        f1.complete(42);
        f2.cancel();
        runBriefly();
        assertFalse(f1.isCancelled());
        assertEquals(42, f1.join());
        assertTrue(f2.cancelled());
    }

    // ports test_futures.py::BaseFutureTests::test_future_source_traceback
    @Test
    void futureSourceTraceback() {
        loop.setDebug(true);
        Future<Object> f = loop.createFuture();
        assertNotNull(f.sourceTraceback());
        assertTrue(Task.firstUserFrame(f.sourceTraceback()).startsWith("FutureTest.java:"),
                Task.firstUserFrame(f.sourceTraceback()));
        loop.setDebug(false);
        assertNull(loop.createFuture().sourceTraceback());
    }

    // ports test_futures.py::BaseFutureTests::test_future_exception_never_retrieved
    @Test
    void futureExceptionNeverRetrieved() {
        checkFutureExceptionNeverRetrieved(false);
    }

    // ports test_futures.py::BaseFutureTests::test_future_exception_never_retrieved_debug
    @Test
    void futureExceptionNeverRetrievedDebug() {
        checkFutureExceptionNeverRetrieved(true);
    }

    private void checkFutureExceptionNeverRetrieved(boolean debug) {
        loop.setDebug(debug);
        loop.setExceptionHandler(null); // the default handler logs
        Error exc = new OutOfMemoryError();
        Future<Object> f = loop.createFuture();
        f.setException(exc);
        f = null;
        runBriefly();
        try (LogCapture log = new LogCapture()) {
            loop.close();
            assertEquals(1, log.at(Level.SEVERE).size());
            var rec = log.at(Level.SEVERE).get(0);
            assertTrue(rec.getMessage().startsWith("Future exception was never retrieved\n"), rec.getMessage());
            assertSame(exc, rec.getThrown());
            assertEquals(debug, rec.getMessage().contains("created at: FutureTest.java:"), rec.getMessage());
        }
    }

    // ports test_futures.py::BaseFutureTests::test_future_stop_iteration_args
    @Test
    void awaitDoneFutureReturnsItsResult() {
        Future<List<Integer>> f = loop.createFuture();
        f.setResult(List.of(1, 2));
        assertEquals(List.of(1, 2), loop.runUntilComplete(() -> Asyncio.await(f)));
    }

    // ports test_futures.py::DuckTests::test_wrap_future
    @Test
    void awaitAnyCompletionStage() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        String r = loop.runUntilComplete(() -> {
            loop.callSoon(() -> cf.complete("duck"));
            return Asyncio.await(cf.thenApply(s -> s + "!"));
        });
        assertEquals("duck!", r);
    }

    // ---- our own: CompletionStage interop ----

    @Test
    void toCompletableFutureCompletesWithResult() {
        Future<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        assertFalse(cf.isDone());
        f.setResult("x");
        runBriefly();
        assertEquals("x", cf.join());
    }

    @Test
    void toCompletableFutureCompletesWithExceptionAndMarksItRetrieved() {
        Future<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        f.setException(boom);
        runBriefly();
        var e = assertThrows(java.util.concurrent.CompletionException.class, cf::join);
        assertSame(boom, e.getCause());
        loop.close();
        assertEquals(List.of(), handled);
    }

    @Test
    void toCompletableFutureCancelledFromAnotherThreadCancelsTheFuture() throws Exception {
        Future<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        Thread t = new Thread(() -> cf.cancel(false));
        t.start();
        t.join();
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(f));
        assertTrue(f.cancelled());
    }

    @Test
    void toCompletableFutureOfCancelledFutureIsCancelled() {
        Future<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        f.cancel("why");
        runBriefly();
        assertTrue(cf.isCancelled());
        assertThrows(java.util.concurrent.CancellationException.class, cf::join);
    }

    @Test
    void wrapFailedStageGivesTheCauseUnwrapped() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Future<String> f = Future.wrap(cf.thenApply(s -> s), loop);
        java.io.IOException io = new java.io.IOException("x");
        cf.completeExceptionally(io);
        Throwable t = assertThrows(java.io.IOException.class, () -> loop.runUntilComplete(f));
        assertSame(io, t);
    }

    @Test
    void wrapCancelledStageCancelsTheFuture() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Future<String> f = Future.wrap(cf, loop);
        cf.cancel(false);
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(f));
        assertTrue(f.cancelled());
    }

    @Test
    void awaitAlreadyCancelledStageRaisesCancelledError() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        cf.cancel(false);
        Task<String> t = loop.createTask(() -> Asyncio.await(cf));
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertTrue(t.cancelled(), "the CancelledError ended the task: it is cancelled, not failed");
    }

    @Test
    void awaitStageCancelledLaterRaisesCancelledError() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Task<String> t = loop.createTask(() -> Asyncio.await(cf));
        runBriefly();
        cf.cancel(false);
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertTrue(t.cancelled());
    }

    @Test
    void awaitAlreadyFailedStageRethrowsTheCause() {
        java.io.IOException io = new java.io.IOException("x");
        CompletableFuture<String> cf = CompletableFuture.failedFuture(io);
        Throwable thrown = assertThrows(java.io.IOException.class,
                () -> loop.runUntilComplete(() -> Asyncio.await(cf.thenApply(s -> s))));
        assertSame(io, thrown);
    }

    @Test
    void awaitFutureOfAnotherLoopFails() {
        EventLoop other = new EventLoop();
        try {
            Future<Object> foreign = other.createFuture();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> loop.runUntilComplete(() -> Asyncio.await(foreign)));
            assertTrue(e.getMessage().contains("attached to a different loop"), e.getMessage());
        } finally {
            other.close();
        }
    }

    @Test
    void runUntilCompleteOfFutureOfAnotherLoopFails() {
        EventLoop other = new EventLoop();
        try {
            Future<Object> foreign = other.createFuture();
            assertThrows(IllegalArgumentException.class, () -> loop.runUntilComplete(foreign));
        } finally {
            other.close();
        }
    }

    @Test
    void setResultTwiceFails() {
        Future<Integer> f = loop.createFuture();
        f.setResult(1);
        InvalidStateError e = assertThrows(InvalidStateError.class, () -> f.setResult(2));
        assertTrue(e.getMessage().startsWith("FINISHED"), e.getMessage());
        assertEquals(1, f.result());
    }

    @Test
    void setExceptionNullFails() {
        Future<Integer> f = loop.createFuture();
        assertThrows(NullPointerException.class, () -> f.setException(null));
        assertFalse(f.done());
    }

    @Test
    void awaitOutsideATaskFails() {
        Future<Integer> f = loop.createFuture();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Asyncio.await(f));
        assertTrue(e.getMessage().contains("must be called from a task"), e.getMessage());
        IllegalStateException e2 = assertThrows(IllegalStateException.class, () -> Asyncio.sleep(0));
        assertTrue(e2.getMessage().contains("sleep()"), e2.getMessage());
    }
}
