package io.jasyncio;

import static io.jasyncio.CompositionSupport.*;
import static io.jasyncio.TestLoops.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WaitForTest {
    /** A very small timeout: it passes "timeout > 0". */
    private static final double EPSILON = 0.0001;

    /** Runs for TASK_TIMEOUT seconds of loop time, ignoring cancel requests (test_waitfor.py's SlowTask). */
    private static final class SlowTask {
        static final double TASK_TIMEOUT = 0.2;
        boolean exited;

        Object run() {
            double exitAt = now() + TASK_TIMEOUT;
            while (true) {
                double toSleep = exitAt - now();
                if (toSleep <= 0) break;
                try {
                    Asyncio.sleep(toSleep);
                } catch (CancelledError e) {
                    // ignored on purpose
                }
            }
            exited = true;
            return null;
        }
    }

    // ports test_waitfor.py::AsyncioWaitForTest::test_asyncio_wait_for_cancelled
    @Test
    void cancelledWaitForWaitsForTheCoroutine() {
        run(() -> {
            SlowTask t = new SlowTask();
            Task<Object> waitForTask = Asyncio.createTask(() -> Asyncio.waitFor(t::run, SlowTask.TASK_TIMEOUT * 2));
            Asyncio.sleep(0);
            waitForTask.cancel();
            Asyncio.wait(Set.of(waitForTask));
            assertTrue(t.exited);
            return null;
        });
    }

    // ports test_waitfor.py::AsyncioWaitForTest::test_asyncio_wait_for_timeout
    @Test
    void timeoutWaitsForTheCoroutine() {
        run(() -> {
            SlowTask t = new SlowTask();
            try {
                Asyncio.waitFor(t::run, SlowTask.TASK_TIMEOUT / 2);
            } catch (TimeoutError e) {
                // expected or not: the task ignores cancellation
            }
            assertTrue(t.exited);
            return null;
        });
    }

    // ports test_waitfor.py::AsyncioWaitForTest::test_wait_for_timeout_less_then_0_or_0_future_done
    @Test
    void zeroTimeoutDoneFuture() {
        run(() -> {
            Future<String> fut = Asyncio.getRunningLoop().createFuture();
            fut.setResult("done");
            assertEquals("done", Asyncio.waitFor(fut, 0.0));
            assertTrue(fut.done());
            return null;
        });
    }

    // ports test_waitfor.py::AsyncioWaitForTest::test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started
    @Test
    void zeroTimeoutCoroutineNeverStarts() {
        run(() -> {
            boolean[] fooStarted = {false};
            assertThrows(TimeoutError.class, () -> Asyncio.waitFor(() -> {
                fooStarted[0] = true;
                return null;
            }, 0.0));
            assertFalse(fooStarted[0]);
            return null;
        });
    }

    // ports test_waitfor.py::AsyncioWaitForTest::test_wait_for_timeout_less_then_0_or_0
    @Test
    void zeroOrNegativeTimeoutCancelsRunningTask() {
        run(() -> {
            for (double timeout : new double[] {0, -1}) {
                Boolean[] fooRunning = {null};
                Future<Object> started = Asyncio.getRunningLoop().createFuture();
                Task<String> fut = Asyncio.createTask(() -> {
                    fooRunning[0] = true;
                    started.setResult(null);
                    try {
                        Asyncio.sleep(10);
                    } finally {
                        fooRunning[0] = false;
                    }
                    return "done";
                });
                Asyncio.await(started);
                assertThrows(TimeoutError.class, () -> Asyncio.waitFor(fut, timeout));
                assertTrue(fut.done());
                assertTrue(fut.cancelled());
                assertEquals(false, fooRunning[0]);
            }
            return null;
        });
    }

    // ports test_waitfor.py::AsyncioWaitForTest::test_wait_for
    @Test
    void timeoutCancelsTheTask() {
        run(() -> {
            Boolean[] fooRunning = {null};
            Task<String> fut = Asyncio.createTask(() -> {
                fooRunning[0] = true;
                try {
                    Asyncio.sleep(300);
                } finally {
                    fooRunning[0] = false;
                }
                return "done";
            });
            assertThrows(TimeoutError.class, () -> Asyncio.waitFor(fut, 0.1));
            assertEquals(0.1, now(), 1e-9);
            assertTrue(fut.done());
            assertTrue(fut.cancelled());
            assertEquals(false, fooRunning[0]);
            return null;
        });
    }

    // ports test_waitfor.py::AsyncioWaitForTest::test_wait_for_blocking
    @Test
    void noTimeout() {
        assertEquals("done", run(() -> Asyncio.waitFor(() -> "done", (Double) null)));
    }

    // ports test_waitfor.py::AsyncioWaitForTest::test_wait_for_race_condition
    @Test
    void resultArrivesJustInTime() {
        assertEquals("ok", run(() -> {
            Future<String> fut = Asyncio.getRunningLoop().createFuture();
            Asyncio.getRunningLoop().callSoon(() -> fut.setResult("ok"));
            return Asyncio.waitFor(fut, 0.2);
        }));
    }

    // ports test_waitfor.py::AsyncioWaitForTest::test_wait_for_cancellation_race_condition
    @Test
    void coroutineSwallowingTheTimeoutReturnsItsValue() {
        assertEquals(1, run(() -> Asyncio.waitFor(() -> {
            assertThrows(CancelledError.class, () -> Asyncio.sleep(1));
            return 1;
        }, 0.01)));
    }

    // ports test_waitfor.py::AsyncioWaitForTest::test_wait_for_waits_for_task_cancellation
    @Test
    void waitsForTheTaskToFinishCancelling() {
        run(() -> {
            boolean[] taskDone = {false};
            Task<Object> innerTask = Asyncio.createTask(() -> {
                try {
                    Asyncio.sleep(10);
                } catch (CancelledError e) {
                    Asyncio.sleep(EPSILON);
                    throw e;
                } finally {
                    taskDone[0] = true;
                }
                return null;
            });
            TimeoutError e = assertThrows(TimeoutError.class, () -> Asyncio.waitFor(innerTask, EPSILON));
            assertTrue(taskDone[0]);
            assertInstanceOf(CancelledError.class, e.getCause());
            return null;
        });
    }

    // ports test_waitfor.py::AsyncioWaitForTest::test_wait_for_waits_for_task_cancellation_w_timeout_0
    @Test
    void zeroTimeoutWaitsForTheTaskToFinishCancelling() {
        run(() -> {
            boolean[] taskDone = {false};
            Task<Object> innerTask = Asyncio.createTask(() -> {
                try {
                    Asyncio.sleep(10);
                } catch (CancelledError e) {
                    Asyncio.sleep(EPSILON);
                    throw e;
                } finally {
                    taskDone[0] = true;
                }
                return null;
            });
            Asyncio.sleep(EPSILON);
            TimeoutError e = assertThrows(TimeoutError.class, () -> Asyncio.waitFor(innerTask, 0.0));
            assertTrue(taskDone[0]);
            assertInstanceOf(CancelledError.class, e.getCause());
            return null;
        });
    }

    // ports test_waitfor.py::AsyncioWaitForTest::test_wait_for_reraises_exception_during_cancellation
    @Test
    void exceptionDuringCancellationIsRaised() {
        run(() -> {
            Task<Object> innerTask = Asyncio.createTask(() -> {
                try {
                    Asyncio.sleep(0.2);
                } finally {
                    throw new MyExc("foo");
                }
            });
            assertThrows(MyExc.class, () -> Asyncio.waitFor(innerTask, EPSILON));
            return null;
        });
    }

    private static void checkCancelWaitFor(Double timeout) {
        run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Task<Object> task = Asyncio.createTask(() -> Asyncio.await(loop.createFuture())); // never set
            Task<Object> wait = Asyncio.createTask(() -> Asyncio.waitFor(task, timeout));
            loop.callSoon(() -> wait.cancel());
            assertThrows(CancelledError.class, () -> Asyncio.await(wait));
            // Python issue #23219: cancelling the wait must also cancel the task
            assertTrue(task.cancelled());
            return null;
        });
    }

    // ports test_waitfor.py::AsyncioWaitForTest::test_cancel_blocking_wait_for
    @Test
    void cancelWaitForWithoutTimeout() {
        checkCancelWaitFor(null);
    }

    // ports test_waitfor.py::AsyncioWaitForTest::test_cancel_wait_for
    @Test
    void cancelWaitForWithTimeout() {
        checkCancelWaitFor(60.0);
    }

    // ports test_waitfor.py::AsyncioWaitForTest::test_wait_for_cancel_suppressed
    @Test
    void suppressedCancellationReturnsTheValue() {
        assertEquals(42, run(() -> Asyncio.waitFor(() -> {
            try {
                Asyncio.sleep(10);
            } catch (CancelledError e) {
                return 42;
            }
            return 0;
        }, 0.1)));
    }

    // ports test_waitfor.py::AsyncioWaitForTest::test_wait_for_issue86296
    @Test
    void cancelledAfterTheInnerTaskFinished() {
        run(() -> {
            Task<String> innerTask = Asyncio.createTask(() -> "done");
            boolean[] reachedEnd = {false};
            Task<Object> task = Asyncio.createTask(() -> {
                Asyncio.waitFor(innerTask, 100.0);
                Asyncio.sleep(1);
                reachedEnd[0] = true;
                return null;
            });
            assertFalse(task.done());
            Asyncio.sleep(0);
            task.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(task));
            assertTrue(innerTask.done());
            assertEquals("done", Asyncio.await(innerTask));
            assertFalse(reachedEnd[0]);
            return null;
        });
    }

    // ports test_waitfor.py::WaitForShieldTests::test_zero_timeout
    @Test
    void shieldedZeroTimeout() {
        run(() -> {
            Task<String> task = Asyncio.createTask(sleeping(0.01, "done"));
            Future<String> shieldedTask = Asyncio.shield(task);
            assertThrows(TimeoutError.class, () -> Asyncio.waitFor(shieldedTask, 0.0));
            // the task runs on in the background
            assertFalse(task.done());
            assertFalse(task.cancelled());
            assertTrue(shieldedTask.cancelled());
            Asyncio.sleep(0.1);
            assertTrue(task.done());
            return null;
        });
    }

    // ports test_waitfor.py::WaitForShieldTests::test_none_timeout
    @Test
    void shieldedNoTimeout() {
        run(() -> {
            Task<String> task = Asyncio.createTask(sleeping(0.1, "done"));
            Asyncio.waitFor(Asyncio.shield(task), (Double) null);
            assertTrue(task.done());
            assertEquals("done", Asyncio.await(task));
            return null;
        });
    }

    // ports test_waitfor.py::WaitForShieldTests::test_shielded_timeout
    @Test
    void shieldedTimeout() {
        run(() -> {
            Task<String> task = Asyncio.createTask(sleeping(0.1, "done"));
            assertThrows(TimeoutError.class, () -> Asyncio.waitFor(Asyncio.shield(task), 0.01));
            assertFalse(task.done());
            assertFalse(task.cancelled());
            assertEquals("done", Asyncio.await(task));
            return null;
        });
    }

    // ---- own tests

    @Test
    void coroutineRunsInTheCallingTask() {
        run(() -> {
            Task<?> caller = Asyncio.currentTask();
            assertSame(caller, Asyncio.waitFor(() -> Asyncio.currentTask(), 1.0));
            return null;
        });
    }

    @Test
    void timeoutRaisesAtTheDeadlineAndLeavesTheCallerUncancelled() {
        run(() -> {
            TimeoutError e = assertThrows(TimeoutError.class, () -> Asyncio.waitFor(sleeping(10, "x"), 2.5));
            assertInstanceOf(CancelledError.class, e.getCause());
            assertEquals(2.5, now(), 1e-9);
            assertEquals(0, Asyncio.currentTask().cancelling());
            Asyncio.sleep(1); // the task is not cancelled any more
            return null;
        });
    }

    @Test
    void durationOverloads() {
        run(() -> {
            assertEquals("x", Asyncio.waitFor(sleeping(1, "x"), java.time.Duration.ofSeconds(2)));
            Task<String> t = Asyncio.createTask(sleeping(5, "y"));
            assertThrows(TimeoutError.class, () -> Asyncio.waitFor(t, java.time.Duration.ofSeconds(1)));
            assertTrue(t.cancelled());
            return null;
        });
    }

    @Test
    void cancellationAtEachAwaitPointOfTheWaitedCoroutine() {
        // The waiting task is cancelled while the coroutine is at its 1st, 2nd, 3rd await:
        // the CancelledError (not a TimeoutError) propagates every time.
        for (int point = 0; point < 3; point++) {
            double at = point + 0.5;
            run(() -> {
                List<Integer> reached = new java.util.ArrayList<>();
                Task<Object> t = Asyncio.createTask(() -> Asyncio.waitFor(() -> {
                    for (int i = 0; i < 3; i++) {
                        reached.add(i);
                        Asyncio.sleep(1);
                    }
                    return "end";
                }, 10.0));
                Asyncio.sleep(at);
                t.cancel();
                assertThrows(CancelledError.class, () -> Asyncio.await(t));
                assertTrue(t.cancelled());
                assertEquals((int) at + 1, reached.size());
                return null;
            });
        }
    }

    @Test
    void exceptionOfTheAwaitedFuturePropagatesUnchanged() {
        run(() -> {
            MyExc boom = new MyExc("boom");
            Task<Object> t = Asyncio.createTask(() -> { throw boom; });
            assertSame(boom, assertThrows(MyExc.class, () -> Asyncio.waitFor(t, 1.0)));
            return null;
        });
    }

    @Test
    void cancellingTheCallerDuringZeroTimeoutCancelsTheWorkOnce() {
        run(() -> {
            Task<String> slow = Asyncio.createTask(() -> {
                try {
                    Asyncio.sleep(10);
                } catch (CancelledError e) {
                    Asyncio.sleep(2); // takes a while to give up
                    throw e;
                }
                return "never";
            });
            Asyncio.sleep(0);
            Task<String> caller = Asyncio.createTask(() -> Asyncio.waitFor(slow, 0.0));
            Asyncio.sleep(1); // caller waits in cancel-and-wait
            assertEquals(1, slow.cancelling());
            caller.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(caller));
            // the caller did not pass its own cancellation on: slow still has one request only
            assertEquals(1, slow.cancelling());
            assertThrows(CancelledError.class, () -> Asyncio.await(slow));
            assertEquals(2.0, now(), 1e-9); // cancelled at 0, gave up 2 s later
            assertFalse(Asyncio.currentTask().cancelling() > 0);
            return null;
        });
    }
}
