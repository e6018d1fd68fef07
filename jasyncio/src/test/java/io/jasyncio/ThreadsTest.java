package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Ports of test_threads.py (to_thread) and test_tasks.py::RunCoroutineThreadsafeTests: the ways between the
 * loop's thread and other threads.
 */
class ThreadsTest extends LoopTestBase {

    // ports test_threads.py::ToThreadTests::test_to_thread
    @Test
    void toThread() {
        int r = loop.runUntilComplete(() -> Asyncio.toThread(() -> List.of(40, 2).stream().mapToInt(i -> i).sum()));
        assertEquals(42, r);
    }

    // ports test_threads.py::ToThreadTests::test_to_thread_exception
    @Test
    void toThreadException() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(() ->
                Asyncio.toThread(() -> {
                    throw new IllegalStateException("test");
                })));
        assertEquals("test", e.getMessage());
    }

    // ports test_threads.py::ToThreadTests::test_to_thread_once
    @Test
    void toThreadOnce() {
        AtomicInteger calls = new AtomicInteger();
        loop.runUntilComplete(() -> Asyncio.toThread(calls::incrementAndGet));
        assertEquals(1, calls.get());
    }

    // ports test_threads.py::ToThreadTests::test_to_thread_concurrent
    @Test
    void toThreadConcurrent() {
        AtomicInteger calls = new AtomicInteger();
        loop.runUntilComplete(() -> {
            List<Task<Integer>> ts = new ArrayList<>();
            for (int i = 0; i < 10; i++) ts.add(Asyncio.createTask(() -> Asyncio.toThread(calls::incrementAndGet)));
            for (Task<Integer> t : ts) Asyncio.await(t);
            return null;
        });
        assertEquals(10, calls.get());
    }

    // ports test_threads.py::ToThreadTests::test_to_thread_args_kwargs
    @Test
    void toThreadArguments() {
        List<List<Object>> calls = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.function.BiFunction<String, Boolean, Object> func = (a, something) -> calls.add(List.of(a, something));
        loop.runUntilComplete(() -> Asyncio.toThread(() -> func.apply("test", true)));
        assertEquals(List.of(List.of("test", true)), calls, "called once, with the captured arguments");
    }

    @Test
    void toThreadRunsOffTheLoopThread() {
        Thread loopThread = Thread.currentThread();
        Thread worker = loop.runUntilComplete(() -> Asyncio.toThread(Thread::currentThread));
        assertNotSame(loopThread, worker);
        assertTrue(worker.getName().startsWith("asyncio-"), worker.getName());
    }

    /** RunCoroutineThreadsafeTests.add: waits 0.05 s and returns a + b. */
    private int add(int a, int b, boolean fail, boolean cancel) {
        Asyncio.sleep(0.05);
        if (fail) throw new IllegalStateException("Fail!");
        if (cancel) {
            Asyncio.currentTask().cancel();
            Asyncio.sleep(0);
        }
        return a + b;
    }

    /** RunCoroutineThreadsafeTests.target: submits add() from another thread and waits for it. */
    private int target(boolean fail, boolean cancel, Double timeout) throws Exception {
        CompletableFuture<Integer> future = Asyncio.runCoroutineThreadsafe(() -> add(1, 2, fail, cancel), loop);
        try {
            if (timeout == null) return future.get();
            return future.get((long) (timeout * 1000), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (Exception) e.getCause();
        } finally {
            if (!future.isDone()) future.cancel(false);
        }
    }

    // ports test_tasks.py::RunCoroutineThreadsafeTests::test_run_coroutine_threadsafe
    @Test
    void runCoroutineThreadsafe() {
        Future<Integer> future = loop.runInExecutor(null, () -> target(false, false, null));
        assertEquals(3, loop.runUntilComplete(future));
    }

    // ports test_tasks.py::RunCoroutineThreadsafeTests::test_run_coroutine_threadsafe_with_exception
    @Test
    void runCoroutineThreadsafeWithException() {
        Future<Integer> future = loop.runInExecutor(null, () -> target(true, false, null));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(future));
        assertEquals("Fail!", e.getMessage());
    }

    // ports test_tasks.py::RunCoroutineThreadsafeTests::test_run_coroutine_threadsafe_with_timeout
    @Test
    void runCoroutineThreadsafeWithTimeout() {
        Future<Integer> future = loop.runInExecutor(null, () -> target(false, false, 0.0));
        assertThrows(java.util.concurrent.TimeoutException.class, () -> loop.runUntilComplete(future));
        // The cancellation travels to the loop through callSoonThreadsafe; let it arrive and take effect.
        runUntil(loop, () -> loop.allTasks().isEmpty());
        for (Task<?> t : loop.allTasks()) assertTrue(t.done());
    }

    // ports test_tasks.py::RunCoroutineThreadsafeTests::test_run_coroutine_threadsafe_task_cancelled
    @Test
    void runCoroutineThreadsafeTaskCancelled() {
        Future<Integer> future = loop.runInExecutor(null, () -> target(false, true, null));
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(future));
    }

    // ports test_tasks.py::RunCoroutineThreadsafeTests::test_run_coroutine_threadsafe_task_factory_exception
    @Test
    void runCoroutineThreadsafeTaskFactoryException() {
        UnsupportedOperationException boom = new UnsupportedOperationException("no tasks today");
        loop.setTaskFactory((l, coro, name) -> {
            throw boom;
        });
        Future<Integer> run = loop.runInExecutor(null, () -> target(false, false, null));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> loop.runUntilComplete(run));
        assertSame(boom, e);
        assertEquals(1, handled.size(), handledMessages().toString());
        assertSame(boom, handled.get(0).exception());
    }

    // ---- our own ----

    @Test
    void callSoonThreadsafeWakesTheLoopAndRunsOnItsThread() throws Exception {
        EventLoop real = new EventLoop();
        try {
            Thread loopThread = Thread.currentThread();
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            String r = real.runUntilComplete(() -> {
                Future<String> f = real.createFuture();
                Thread other = new Thread(() -> real.callSoonThreadsafe(() -> {
                    ranOn.set(Thread.currentThread());
                    f.setResult("woken");
                }));
                other.start();
                return Asyncio.await(f); // the loop sleeps with nothing scheduled until the other thread calls
            });
            assertEquals("woken", r);
            assertSame(loopThread, ranOn.get());
        } finally {
            real.close();
        }
    }

    @Test
    void runCoroutineThreadsafeCancelFromTheCallerCancelsTheTask() throws Exception {
        EventLoop real = new EventLoop();
        try {
            AtomicReference<CompletableFuture<Object>> cf = new AtomicReference<>();
            Object r = real.runUntilComplete(() -> {
                Future<Object> submitted = real.createFuture();
                Thread caller = new Thread(() -> {
                    cf.set(Asyncio.runCoroutineThreadsafe(() -> {
                        try {
                            submitted.setResult(null);
                            Asyncio.sleep(3600);
                            return "slept";
                        } catch (CancelledError e) {
                            return "cancelled";
                        }
                    }, real));
                });
                caller.start();
                caller.join();
                Asyncio.await(submitted);
                cf.get().cancel(false);
                // the task sees the cancellation, and the loop has no task left afterwards
                while (Asyncio.allTasks().size() > 1) Asyncio.sleep(0.001);
                return "ok";
            });
            assertEquals("ok", r);
            assertTrue(cf.get().isCancelled());
        } finally {
            real.close();
        }
    }

    @Test
    void runCoroutineThreadsafeOnClosedLoopFails() {
        loop.close();
        assertThrows(IllegalStateException.class, () -> Asyncio.runCoroutineThreadsafe(() -> 1, loop));
    }

    @Test
    void toThreadOutsideATaskFails() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Asyncio.toThread(() -> 1));
        assertTrue(e.getMessage().contains("toThread()"), e.getMessage());
    }
}
