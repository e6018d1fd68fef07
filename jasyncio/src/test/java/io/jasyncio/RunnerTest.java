package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Ports of test_runners.py (RunTests, RunnerTests), plus what must be gone after {@code Asyncio.run} returns. */
class RunnerTest {

    private static Runner virtualRunner() {
        return Runner.builder().loopFactory(EventLoop::withVirtualClock).build();
    }

    // ports test_runners.py::RunTests::test_asyncio_run_return
    @Test
    void asyncioRunReturn() {
        assertEquals(42, Asyncio.run(() -> {
            Asyncio.sleep(0);
            return 42;
        }));
    }

    // ports test_runners.py::RunTests::test_asyncio_run_raises
    @Test
    void asyncioRunRaises() {
        IllegalArgumentException spam = new IllegalArgumentException("spam");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Asyncio.run(() -> {
            Asyncio.sleep(0);
            throw spam;
        }));
        assertSame(spam, e, "the exception is rethrown unchanged");
    }

    // ports test_runners.py::RunTests::test_asyncio_run_only_coro
    @Test
    void asyncioRunOnlyCoro() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> Asyncio.run(null));
        assertTrue(e.getMessage().contains("a coroutine was expected"), e.getMessage());
    }

    // ports test_runners.py::RunTests::test_asyncio_run_debug
    @Test
    void asyncioRunDebug() {
        Coroutine<Boolean> debugOfLoop = () -> Asyncio.getEventLoop().getDebug();
        assertFalse(Asyncio.run(debugOfLoop, false));
        assertTrue(Asyncio.run(debugOfLoop, true));
        String old = System.getProperty("jasyncio.debug");
        try {
            System.setProperty("jasyncio.debug", "true"); // asyncio's PYTHONASYNCIODEBUG
            assertTrue(Asyncio.run(debugOfLoop));
            assertFalse(Asyncio.run(debugOfLoop, false));
            System.setProperty("jasyncio.debug", "false");
            assertTrue(Asyncio.run(debugOfLoop, true));
            assertFalse(Asyncio.run(debugOfLoop));
        } finally {
            if (old == null) System.clearProperty("jasyncio.debug");
            else System.setProperty("jasyncio.debug", old);
        }
    }

    // ports test_runners.py::RunTests::test_asyncio_run_from_running_loop
    @Test
    void asyncioRunFromRunningLoop() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Asyncio.run(() -> Asyncio.run(() -> 1)));
        assertEquals("asyncio.run() cannot be called from a running event loop", e.getMessage());
    }

    // ports test_runners.py::RunTests::test_asyncio_run_cancels_hanging_tasks
    @Test
    void asyncioRunCancelsHangingTasks() {
        AtomicReference<Task<Object>> lo = new AtomicReference<>();
        assertEquals(123, Asyncio.run(() -> {
            lo.set(Asyncio.createTask(() -> Asyncio.sleep(0.1, null)));
            return 123;
        }));
        assertTrue(lo.get().done());
        assertTrue(lo.get().cancelled());
    }

    // ports test_runners.py::RunTests::test_asyncio_run_reports_hanging_tasks_errors
    @Test
    void asyncioRunReportsHangingTasksErrors() {
        AtomicReference<Task<Object>> lo = new AtomicReference<>();
        List<ExceptionContext> contexts = new ArrayList<>();
        assertEquals(123, Asyncio.run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, c) -> contexts.add(c));
            lo.set(Asyncio.createTask(() -> {
                try {
                    Asyncio.sleep(0.1);
                } catch (CancelledError e) {
                    return 1 / zero();
                }
                return null;
            }));
            return 123;
        }));
        assertTrue(lo.get().done());
        assertEquals(1, contexts.size());
        assertTrue(contexts.get(0).message().matches("unhandled exception during asyncio.run\\(\\) shutdown"));
        assertSame(lo.get(), contexts.get(0).task());
        assertInstanceOf(ArithmeticException.class, contexts.get(0).exception());
    }

    private static int zero() {
        return 0;
    }

    // ports test_runners.py::RunTests::test_asyncio_run_closes_gens_after_hanging_tasks_errors
    @Test
    void asyncioRunFinishesHangingTasksWhenMainFails() {
        class FancyExit extends RuntimeException {}
        AtomicReference<Task<Object>> lazyboy = new AtomicReference<>();
        assertThrows(FancyExit.class, () -> Asyncio.run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, c) -> {});
            lazyboy.set(Asyncio.createTask(() -> {
                try {
                    while (true) Asyncio.sleep(1);
                } catch (CancelledError e) {
                    return 1 / zero();
                }
            }));
            throw new FancyExit();
        }));
        assertTrue(lazyboy.get().done());
    }

    // ports test_runners.py::RunTests::test_asyncio_run_set_event_loop
    @Test
    void asyncioRunSetsAndClearsTheEventLoop() {
        EventLoop seen = Asyncio.run(() -> {
            EventLoop running = Asyncio.getRunningLoop();
            assertSame(running, Asyncio.getEventLoop());
            return running;
        });
        assertTrue(seen.isClosed());
        assertThrows(IllegalStateException.class, Asyncio::getEventLoop);
    }

    // ports test_runners.py::RunTests::test_asyncio_run_loop_factory
    @Test
    void asyncioRunLoopFactory() {
        AtomicInteger calls = new AtomicInteger();
        EventLoop loop = EventLoop.withVirtualClock();
        try (Runner r = Runner.builder().loopFactory(() -> {
            calls.incrementAndGet();
            return loop;
        }).build()) {
            r.run(() -> {
                assertSame(loop, Asyncio.getRunningLoop());
                return null;
            });
        }
        assertEquals(1, calls.get());
        assertTrue(loop.isClosed());
    }

    // ports test_runners.py::RunnerTests::test_non_debug
    @Test
    void nonDebug() {
        try (Runner runner = Runner.builder().debug(false).build()) {
            assertFalse(runner.getLoop().getDebug());
        }
    }

    // ports test_runners.py::RunnerTests::test_debug
    @Test
    void debug() {
        try (Runner runner = Runner.builder().debug(true).build()) {
            assertTrue(runner.getLoop().getDebug());
        }
    }

    // ports test_runners.py::RunnerTests::test_custom_factory
    @Test
    void customFactory() {
        EventLoop loop = EventLoop.withVirtualClock();
        try (Runner runner = Runner.builder().loopFactory(() -> loop).build()) {
            assertSame(loop, runner.getLoop());
        }
    }

    // ports test_runners.py::RunnerTests::test_run
    @Test
    void run() {
        Runner runner;
        EventLoop loop;
        try (Runner r = new Runner()) {
            runner = r;
            assertEquals("done", r.run(() -> {
                Asyncio.sleep(0);
                return "done";
            }));
            loop = r.getLoop();
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, runner::getLoop);
        assertEquals("Runner is closed", e.getMessage());
        assertTrue(loop.isClosed());
    }

    // ports test_runners.py::RunnerTests::test_run_non_coro
    @Test
    void runNonCoro() {
        try (Runner runner = virtualRunner()) {
            NullPointerException e = assertThrows(NullPointerException.class, () -> runner.run(null));
            assertTrue(e.getMessage().contains("a coroutine was expected"));
        }
    }

    // ports test_runners.py::RunnerTests::test_explicit_close
    @Test
    void explicitClose() {
        Runner runner = virtualRunner();
        EventLoop loop = runner.getLoop();
        runner.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, runner::getLoop);
        assertEquals("Runner is closed", e.getMessage());
        assertTrue(loop.isClosed());
    }

    // ports test_runners.py::RunnerTests::test_double_close
    @Test
    void doubleClose() {
        Runner runner = virtualRunner();
        EventLoop loop = runner.getLoop();
        runner.close();
        assertTrue(loop.isClosed());
        runner.close();
        assertTrue(loop.isClosed());
    }

    // ports test_runners.py::RunnerTests::test_second_with_block_raises
    @Test
    void secondWithBlockRaises() {
        List<Integer> ret = new ArrayList<>();
        Runner runner = virtualRunner();
        try (runner) {
            runner.run(() -> ret.add(1));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            try (runner) {
                runner.run(() -> ret.add(2));
            }
        });
        assertEquals("Runner is closed", e.getMessage());
        assertEquals(List.of(1), ret);
    }

    // ports test_runners.py::RunnerTests::test_recursive_run
    @Test
    void recursiveRun() {
        try (Runner runner = virtualRunner()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> runner.run(() -> runner.run(() -> null)));
            assertEquals("Runner.run() cannot be called from a running event loop", e.getMessage());
        }
    }

    // ports test_runners.py::RunnerTests::test_interrupt_call_soon
    @Test
    void interruptCallSoon() {
        assumeSigintTestable();
        try (Runner runner = new Runner()) {
            runner.getLoop().callLater(0.01, RunnerTest::interruptSelf);
            assertThrows(KeyboardInterrupt.class, () -> runner.run(() -> {
                assertThrows(CancelledError.class, RunnerTest::spinUntilCancelled);
                throw new CancelledError();
            }));
        }
    }

    // ports test_runners.py::RunnerTests::test_interrupt_wait
    @Test
    void interruptWait() {
        assumeSigintTestable();
        try (Runner runner = new Runner()) {
            Future<Object> fut = runner.getLoop().createFuture();
            runner.getLoop().callLater(0.01, RunnerTest::interruptSelf);
            assertThrows(KeyboardInterrupt.class, () -> runner.run(() -> {
                // bounded: a SIGINT that never comes fails the test instead of hanging it
                assertThrows(CancelledError.class, () -> Asyncio.waitFor(fut, 10.0), () -> "interruptSelf: " + interruptOutcome);
                throw new CancelledError();
            }));
            assertTrue(fut.cancelled());
        }
    }

    // ports test_runners.py::RunnerTests::test_interrupt_cancelled_task
    @Test
    void interruptCancelledTask() {
        assumeSigintTestable();
        try (Runner runner = new Runner()) {
            assertThrows(CancelledError.class, () -> runner.run(() -> {
                Task<?> main = Asyncio.currentTask();
                Asyncio.createTask(() -> {
                    Asyncio.sleep(0);
                    main.cancel();
                    interruptSelf();
                    return null;
                });
                try {
                    Asyncio.sleep(10);
                } catch (CancelledError e) {
                    // Stay until the Ctrl-C has been handled (it cancels once more), so that the signal can
                    // never arrive after run() has restored the JVM's own handler.
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    while (main.cancelling() < 2) {
                        Asyncio.sleep(0.001);
                        if (System.nanoTime() > deadline) fail("no SIGINT handled within 10 s; interruptSelf: " + interruptOutcome);
                    }
                    throw e;
                }
                return null;
            }));
        }
    }

    // ports test_runners.py::RunnerTests::test_signal_install_not_supported_ok
    @Test
    void runOnAThreadThatCannotTakeSigint() throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = new Thread(() -> result.set(Asyncio.run(() -> "ok")), "not-main");
        t.start();
        t.join();
        assertEquals("ok", result.get());
    }

    // ports test_runners.py::RunnerTests::test_no_repr_is_call_on_the_task_result
    @Test
    void noToStringIsCalledOnTheTaskResult() {
        AtomicInteger reprCount = new AtomicInteger();
        Object result = new Object() {
            @Override
            public String toString() {
                reprCount.incrementAndGet();
                return "MyResult";
            }
        };
        try (Runner runner = virtualRunner()) {
            assertSame(result, runner.run(() -> result));
        }
        assertEquals(0, reprCount.get());
    }

    // ports test_runners.py::RunnerTests::test_set_event_loop_called_once
    @Test
    void setEventLoopCalledOnce() {
        Runner runner = new Runner();
        runner.run(() -> null);
        runner.run(() -> null);
        assertSame(runner.getLoop(), Asyncio.getEventLoop(), "the runner's loop is this thread's loop");
        runner.close();
        assertThrows(IllegalStateException.class, Asyncio::getEventLoop);
    }

    // ports test_runners.py::RunTests::test_loop_factory_default_event_loop
    @Test
    void defaultLoopRunsOnTheRealClock() {
        try (Runner runner = new Runner()) {
            double t0 = runner.getLoop().time();
            runner.run(() -> Asyncio.sleep(0.001, null));
            assertTrue(runner.getLoop().time() - t0 >= 0.001);
        }
    }

    /** Sends SIGINT to this JVM (CPython's tests use _thread.interrupt_main()). */
    /** What the last {@link #interruptSelf()} did: "sent", or the error that kept it from sending. */
    private static volatile Object interruptOutcome = "not called";

    private static void interruptSelf() {
        try {
            Process p = new ProcessBuilder("kill", "-INT", Long.toString(ProcessHandle.current().pid())).start();
            assertEquals(0, p.waitFor());
            interruptOutcome = "sent";
        } catch (Exception | AssertionError e) {
            interruptOutcome = e;
            throw new IllegalStateException("cannot send SIGINT to this JVM", e);
        }
    }

    /** Yields until the task is cancelled (by the SIGINT); fails, rather than hangs, if that takes over 10 s. */
    private static void spinUntilCancelled() {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            Asyncio.sleep(0);
            if (System.nanoTime() > deadline) fail("no cancellation within 10 s of the SIGINT timer; interruptSelf: " + interruptOutcome);
        }
    }

    /** The Runner handles Ctrl-C only on the thread named "main", and only where kill(1) exists. */
    private static void assumeSigintTestable() {
        assumeTrue("main".equals(Thread.currentThread().getName()), "SIGINT is handled on the main thread only");
        assumeTrue(!Boolean.getBoolean("jasyncio.noSigint"));
        // With -Xrs the JVM leaves signals alone and SIGINT would end it.
        assumeTrue(!java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-Xrs"));
        assumeTrue(new java.io.File("/bin/kill").canExecute() || new java.io.File("/usr/bin/kill").canExecute());
        // A JVM started with SIGINT ignored (in the background by a non-interactive shell) cannot handle it.
        sun.misc.Signal sig = new sun.misc.Signal("INT");
        sun.misc.SignalHandler prev = sun.misc.Signal.handle(sig, s -> { });
        sun.misc.Signal.handle(sig, prev);
        assumeTrue(prev != sun.misc.SignalHandler.SIG_IGN, "SIGINT is ignored in this JVM (inherited from its parent)");
    }

    // ---- our own: nothing of a run survives it ----

    @Test
    void afterRunNoTaskThreadOrSelectorIsAlive() {
        List<Thread> fibers = new ArrayList<>();
        AtomicReference<Thread> worker = new AtomicReference<>();
        AtomicReference<Selector> selector = new AtomicReference<>();
        AtomicReference<Task<Object>> leftover = new AtomicReference<>();
        Asyncio.run(() -> {
            fibers.add(Thread.currentThread());
            selector.set(Asyncio.getRunningLoop().selector());
            worker.set(Asyncio.toThread(Thread::currentThread));
            leftover.set(Asyncio.createTask(() -> {
                fibers.add(Thread.currentThread());
                Asyncio.sleep(3600);
                return null;
            }));
            Asyncio.sleep(0);
            return null;
        });
        assertTrue(leftover.get().cancelled());
        assertEquals(2, fibers.size());
        for (Thread f : fibers) assertFalse(f.isAlive(), "task thread " + f + " still alive");
        assertTrue(worker.get().getName().startsWith("asyncio-"));
        assertFalse(worker.get().isAlive(), "executor thread " + worker.get() + " still alive");
        assertFalse(selector.get().isOpen(), "the loop's selector is still open");
    }

    @Test
    void runWaitsForDefaultExecutorJobsAtShutdown() {
        AtomicBoolean finished = new AtomicBoolean();
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().runInExecutor(null, () -> {
                Thread.sleep(50); // a short real wait: the job is still running when main returns
                finished.set(true);
                return null;
            });
            return null;
        });
        assertTrue(finished.get(), "shutdown_default_executor waits for running jobs");
    }

    @Test
    void runnerCanRunSeveralCoroutinesInOneLoop() {
        try (Runner runner = virtualRunner()) {
            EventLoop first = runner.run(Asyncio::getRunningLoop);
            EventLoop second = runner.run(Asyncio::getRunningLoop);
            assertSame(first, second);
            assertFalse(first.isClosed());
        }
    }

    @Test
    void runnerRunWithTheVirtualClockTakesNoRealTime() {
        try (Runner runner = virtualRunner()) {
            double t = runner.run(() -> {
                Asyncio.sleep(86400);
                return Asyncio.getRunningLoop().time();
            });
            assertEquals(86400.0, t, 1e-6);
        }
    }

    @Test
    void tasksLeftFromOneRunAreCancelledOnlyAtClose() {
        AtomicReference<Task<Object>> bg = new AtomicReference<>();
        try (Runner runner = virtualRunner()) {
            runner.run(() -> {
                bg.set(Asyncio.createTask(() -> Asyncio.sleep(10, null)));
                return null;
            });
            assertFalse(bg.get().done());
            runner.run(() -> Asyncio.sleep(20, null));
            assertTrue(bg.get().done());
            assertFalse(bg.get().cancelled(), "it finished its sleep during the second run");
        }
    }

    @Test
    void runnerCloseCancelsRemainingTasks() {
        AtomicReference<Task<Object>> bg = new AtomicReference<>();
        Runner runner = virtualRunner();
        runner.run(() -> {
            bg.set(Asyncio.createTask(() -> Asyncio.sleep(10, null)));
            return null;
        });
        runner.close();
        assertTrue(bg.get().cancelled());
    }

    @Test
    void runnerCloseFromInsideARunningLoopIsRefused() {
        try (Runner runner = virtualRunner()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> runner.run(() -> {
                runner.close();
                return null;
            }));
            assertTrue(e.getMessage().contains("running"), e.getMessage());
        }
    }

    @Test
    void mainTaskCancelledEndsRunWithCancelledError() {
        assertThrows(CancelledError.class, () -> Asyncio.run(() -> {
            Asyncio.currentTask().cancel();
            Asyncio.sleep(1);
            return null;
        }));
    }

    @Test
    void checkedExceptionOfMainIsRethrownUnchanged() {
        java.io.IOException io = new java.io.IOException("io");
        Throwable t = assertThrows(java.io.IOException.class, () -> Asyncio.run(() -> {
            throw io;
        }));
        assertSame(io, t);
    }
}
