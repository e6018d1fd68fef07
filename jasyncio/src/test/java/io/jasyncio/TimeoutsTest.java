package io.jasyncio;

import static io.jasyncio.CompositionSupport.*;
import static io.jasyncio.TestLoops.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TimeoutsTest {

    private static boolean hasSuppressed(Throwable e, Class<? extends Throwable> type) {
        return Arrays.stream(e.getSuppressed()).anyMatch(type::isInstance);
    }

    private static void assertMessageContains(String part, Throwable e) {
        assertTrue(e.getMessage() != null && e.getMessage().contains(part), () -> "message: " + e.getMessage());
    }

    // ports test_timeouts.py::TimeoutTests::test_timeout_basic
    @Test
    void basic() {
        run(() -> {
            Timeout cm = Asyncio.timeout(0.01);
            assertThrows(TimeoutError.class, () -> cm.run(() -> Asyncio.sleep(10, null)));
            assertTrue(cm.expired());
            assertEquals(0.01, now(), 1e-9);
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_timeout_at_basic
    @Test
    void atBasic() {
        run(() -> {
            double deadline = now() + 0.01;
            Timeout cm = Asyncio.timeoutAt(deadline);
            assertThrows(TimeoutError.class, () -> cm.run(() -> Asyncio.sleep(10, null)));
            assertTrue(cm.expired());
            assertEquals(deadline, cm.when());
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_nested_timeouts
    @Test
    void nestedSameDeadline() {
        run(() -> {
            boolean[] cancelled = {false};
            double deadline = now() + 0.01;
            Timeout cm1 = Asyncio.timeoutAt(deadline);
            Timeout cm2 = Asyncio.timeoutAt(deadline);
            assertThrows(TimeoutError.class, () -> cm1.run(() -> {
                // Only the topmost timeout raises TimeoutError
                try {
                    return cm2.run(() -> Asyncio.sleep(10, null));
                } catch (CancelledError e) {
                    cancelled[0] = true;
                    throw e;
                }
            }));
            assertTrue(cancelled[0]);
            assertTrue(cm1.expired());
            assertTrue(cm2.expired());
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_waiter_cancelled
    @Test
    void waiterCancelled() {
        run(() -> {
            boolean[] cancelled = {false};
            assertThrows(TimeoutError.class, () -> Asyncio.timeout(0.01, () -> {
                try {
                    return Asyncio.sleep(10, null);
                } catch (CancelledError e) {
                    cancelled[0] = true;
                    throw e;
                }
            }));
            assertTrue(cancelled[0]);
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_timeout_not_called
    @Test
    void notCalled() {
        run(() -> {
            Timeout cm = Asyncio.timeout(10.0);
            cm.run(() -> Asyncio.sleep(0.01, null));
            double t1 = now();
            assertFalse(cm.expired());
            assertTrue(cm.when() > t1);
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_timeout_disabled
    @Test
    void disabled() {
        run(() -> {
            Timeout cm = Asyncio.timeout((Double) null);
            cm.run(() -> Asyncio.sleep(0.01, null));
            assertFalse(cm.expired());
            assertNull(cm.when());
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_timeout_at_disabled
    @Test
    void atDisabled() {
        run(() -> {
            Timeout cm = Asyncio.timeoutAt((Double) null);
            cm.run(() -> Asyncio.sleep(0.01, null));
            assertFalse(cm.expired());
            assertNull(cm.when());
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_timeout_zero
    @Test
    void zero() {
        run(() -> {
            double t0 = now();
            Timeout cm = Asyncio.timeout(0.0);
            assertThrows(TimeoutError.class, () -> cm.run(() -> Asyncio.sleep(10, null)));
            double t1 = now();
            assertTrue(cm.expired());
            assertTrue(t0 <= cm.when() && cm.when() <= t1);
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_timeout_zero_sleep_zero
    @Test
    void zeroSleepZero() {
        run(() -> {
            double t0 = now();
            Timeout cm = Asyncio.timeout(0.0);
            assertThrows(TimeoutError.class, () -> cm.run(() -> Asyncio.sleep(0, null)));
            double t1 = now();
            assertTrue(cm.expired());
            assertTrue(t0 <= cm.when() && cm.when() <= t1);
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_timeout_in_the_past_sleep_zero
    @Test
    void inThePastSleepZero() {
        run(() -> {
            double t0 = now();
            Timeout cm = Asyncio.timeout(-11.0);
            assertThrows(TimeoutError.class, () -> cm.run(() -> Asyncio.sleep(0, null)));
            double t1 = now();
            assertTrue(cm.expired());
            assertTrue(t0 >= cm.when() && cm.when() <= t1);
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_foreign_exception_passed
    @Test
    void foreignExceptionPassed() {
        run(() -> {
            Timeout cm = Asyncio.timeout(0.01);
            assertThrows(java.util.NoSuchElementException.class, () -> cm.run(() -> {
                throw new java.util.NoSuchElementException();
            }));
            assertFalse(cm.expired());
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_timeout_exception_context
    @Test
    void timeoutErrorIsCausedByTheCancellation() {
        run(() -> {
            TimeoutError e = assertThrows(TimeoutError.class, () -> Asyncio.timeout(0.01, () -> {
                try {
                    throw new ArithmeticException();
                } finally {
                    Asyncio.sleep(1);
                }
            }));
            // Expect TimeoutError caused by CancelledError (Java's finally drops the ArithmeticException).
            assertInstanceOf(CancelledError.class, e.getCause());
            assertNull(e.getCause().getCause());
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_foreign_exception_on_timeout
    @Test
    void foreignExceptionOnTimeout() {
        run(() -> {
            Coroutine<Object> crash = () -> {
                try {
                    Asyncio.sleep(1);
                } finally {
                    throw new ArithmeticException();
                }
            };
            ArithmeticException e = assertThrows(ArithmeticException.class, () -> Asyncio.timeout(0.01, crash));
            // Expect the ArithmeticException marked with the timeout that cut the block short.
            assertNull(e.getCause());
            assertTrue(hasSuppressed(e, TimeoutError.class));
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_foreign_exception_on_timeout_2
    @Test
    void foreignExceptionOnTimeoutAfterSeveralHandlers() {
        run(() -> {
            ArithmeticException e = assertThrows(ArithmeticException.class, () -> Asyncio.timeout(0.01, () -> {
                try {
                    try {
                        throw new IllegalArgumentException();
                    } finally {
                        Asyncio.sleep(1);
                    }
                } finally {
                    try {
                        throw new java.util.NoSuchElementException();
                    } finally {
                        throw new ArithmeticException();
                    }
                }
            }));
            assertNull(e.getCause());
            assertTrue(hasSuppressed(e, TimeoutError.class));
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_foreign_cancel_doesnt_timeout_if_not_expired
    @Test
    void foreignCancelIsNotATimeout() {
        run(() -> {
            Timeout cm = Asyncio.timeout(10.0);
            assertThrows(CancelledError.class, () -> cm.run(() -> {
                Asyncio.currentTask().cancel();
                return Asyncio.sleep(10, null);
            }));
            assertFalse(cm.expired());
            Asyncio.currentTask().uncancel();
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_outer_task_is_not_cancelled
    @Test
    void outerTaskIsNotCancelled() {
        run(() -> {
            Task<Object> task = Asyncio.createTask(() -> {
                assertThrows(TimeoutError.class, () -> Asyncio.timeout(0.001, () -> Asyncio.sleep(10, null)));
                return null;
            });
            Asyncio.await(task);
            assertFalse(task.cancelled());
            assertTrue(task.done());
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_nested_timeouts_concurrent
    @Test
    void nestedOuterExpiresFirst() {
        run(() -> {
            assertThrows(TimeoutError.class, () -> Asyncio.timeout(0.002, () -> {
                // the inner block sees a cancellation, not a TimeoutError: the outer deadline fired
                CancelledError e = assertThrows(CancelledError.class, () -> Asyncio.timeout(0.1, () -> {
                    busyFor(0.01); // pretend we crunch some numbers
                    return Asyncio.sleep(1, null);
                }));
                throw e;
            }));
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_nested_timeouts_loop_busy
    @Test
    void nestedBothExpireWhileTheLoopIsBusy() {
        // After the inner timeout, an expensive operation should be stopped by the outer timeout.
        run(() -> {
            double t0 = now();
            boolean[] reachedLongSleep = {false};
            assertThrows(TimeoutError.class, () -> Asyncio.timeout(0.1, () -> {           // (1)
                try {
                    Asyncio.timeout(0.01, () -> {                                          // (2)
                        busyFor(0.1); // the loop is busy: both deadlines pass
                        return Asyncio.sleep(1, null);
                    });
                } catch (TimeoutError e) {
                    // (2) would take it if it had been the only one to fire; a CancelledError goes on to (1)
                }
                reachedLongSleep[0] = true;
                return Asyncio.sleep(10, null); // interrupted by (1), if reached
            }));
            assertFalse(reachedLongSleep[0], "both fired at once: (2) let the cancellation through to (1)");
            double t1 = now();
            assertTrue(t0 <= t1 && t1 <= t0 + 1);
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_reschedule
    @Test
    void reschedule() {
        run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Timeout> fut = loop.createFuture();
            double deadline1 = now() + 10;
            double deadline2 = deadline1 + 20;
            Task<Object> task = Asyncio.createTask(() -> {
                Timeout cm = Asyncio.timeoutAt(deadline1);
                return cm.run(() -> {
                    fut.setResult(cm);
                    return Asyncio.sleep(50, null);
                });
            });
            Timeout cm = Asyncio.await(fut);
            assertEquals(deadline1, cm.when());
            cm.reschedule(deadline2);
            assertEquals(deadline2, cm.when());
            cm.reschedule(null);
            assertNull(cm.when());
            task.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(task));
            assertFalse(cm.expired());
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_repr_active
    @Test
    void reprActive() {
        run(() -> {
            Timeout cm = Asyncio.timeout(10.0);
            cm.run(() -> {
                assertTrue(cm.toString().matches("<Timeout \\[active\\] when=\\d+\\.\\d*>"), cm.toString());
                return null;
            });
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_repr_expired
    @Test
    void reprExpired() {
        run(() -> {
            Timeout cm = Asyncio.timeout(0.01);
            assertThrows(TimeoutError.class, () -> cm.run(() -> Asyncio.sleep(10, null)));
            assertEquals("<Timeout [expired]>", cm.toString());
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_repr_finished
    @Test
    void reprFinished() {
        run(() -> {
            Timeout cm = Asyncio.timeout(10.0);
            cm.run(() -> Asyncio.sleep(0, null));
            assertEquals("<Timeout [finished]>", cm.toString());
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_repr_disabled
    @Test
    void reprDisabled() {
        run(() -> {
            Timeout cm = Asyncio.timeout((Double) null);
            cm.run(() -> {
                assertEquals("<Timeout [active] when=None>", cm.toString());
                return null;
            });
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_nested_timeout_in_finally
    @Test
    void nestedTimeoutInFinally() {
        run(() -> {
            TimeoutError[] e2 = {null};
            TimeoutError e1 = assertThrows(TimeoutError.class, () -> Asyncio.timeout(0.01, () -> {
                try {
                    return Asyncio.sleep(1, null);
                } finally {
                    e2[0] = assertThrows(TimeoutError.class, () -> Asyncio.timeout(0.01, () -> Asyncio.sleep(10, null)));
                }
            }));
            // Both: a TimeoutError caused by a CancelledError, each its own.
            assertInstanceOf(CancelledError.class, e1.getCause());
            assertNull(e1.getCause().getCause());
            assertInstanceOf(CancelledError.class, e2[0].getCause());
            assertNotSame(e1.getCause(), e2[0].getCause());
            assertEquals(0.02, now(), 1e-9);
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_timeout_after_cancellation
    @Test
    void timeoutAfterCancellation() {
        run(() -> {
            try {
                Asyncio.currentTask().cancel();
                Asyncio.sleep(1); // work which will be cancelled
            } catch (CancelledError e) {
                // swallowed on purpose (the task's cancelling() stays 1)
            } finally {
                assertThrows(TimeoutError.class, () -> Asyncio.timeout(0.0, () -> Asyncio.sleep(1, null)));
            }
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_cancel_in_timeout_after_cancellation
    @Test
    void cancelInTimeoutAfterCancellation() {
        run(() -> {
            try {
                Asyncio.currentTask().cancel();
                Asyncio.sleep(1); // work which will be cancelled
            } catch (CancelledError e) {
                // swallowed on purpose
            } finally {
                assertThrows(CancelledError.class, () -> Asyncio.timeout(1.0, () -> {
                    Asyncio.currentTask().cancel();
                    return Asyncio.sleep(2, null);
                }));
            }
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_timeout_already_entered
    @Test
    void alreadyEntered() {
        run(() -> {
            Timeout cm = Asyncio.timeout(0.01);
            cm.run(() -> {
                assertMessageContains("has already been entered",
                        assertThrows(IllegalStateException.class, () -> cm.run(() -> null)));
                return null;
            });
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_timeout_double_enter
    @Test
    void doubleEnter() {
        run(() -> {
            Timeout cm = Asyncio.timeout(0.01);
            cm.run(() -> null);
            assertMessageContains("has already been entered",
                    assertThrows(IllegalStateException.class, () -> cm.run(() -> null)));
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_timeout_finished
    @Test
    void rescheduleWhenFinished() {
        run(() -> {
            Timeout cm = Asyncio.timeout(0.01);
            cm.run(() -> null);
            assertMessageContains("finished", assertThrows(IllegalStateException.class, () -> cm.reschedule(0.02)));
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_timeout_expired
    @Test
    void rescheduleWhenExpired() {
        run(() -> {
            Timeout cm = Asyncio.timeout(0.01);
            assertThrows(TimeoutError.class, () -> cm.run(() -> Asyncio.sleep(1, null)));
            assertMessageContains("expired", assertThrows(IllegalStateException.class, () -> cm.reschedule(0.02)));
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_timeout_expiring
    @Test
    void rescheduleWhenExpiring() {
        run(() -> {
            Timeout cm = Asyncio.timeout(0.01);
            cm.run(() -> {
                assertThrows(CancelledError.class, () -> Asyncio.sleep(1));
                assertMessageContains("expiring", assertThrows(IllegalStateException.class, () -> cm.reschedule(0.02)));
                return null;
            });
            assertTrue(cm.expired());
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_timeout_not_entered
    @Test
    void rescheduleWhenNotEntered() {
        run(() -> {
            Timeout cm = Asyncio.timeout(0.01);
            assertMessageContains("has not been entered",
                    assertThrows(IllegalStateException.class, () -> cm.reschedule(0.02)));
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_timeout_without_task
    @Test
    void withoutTask() {
        run(() -> {
            Timeout cm = Asyncio.timeout(0.01);
            Throwable[] thrown = {null};
            // a loop callback is not a task
            Asyncio.getRunningLoop().callSoon(() -> {
                try {
                    cm.run(() -> null);
                } catch (Throwable e) {
                    thrown[0] = e;
                }
            });
            Asyncio.sleep(0);
            assertInstanceOf(IllegalStateException.class, thrown[0]);
            assertMessageContains("task", thrown[0]);
            assertMessageContains("has not been entered",
                    assertThrows(IllegalStateException.class, () -> cm.reschedule(0.02)));
            return null;
        });
    }

    // ports test_timeouts.py::TimeoutTests::test_timeout_taskgroup
    @Test
    void timeoutAroundTaskGroup() {
        run(() -> {
            Coroutine<Object> task = () -> {
                try {
                    Asyncio.sleep(2); // interrupted after 0.01 second
                } finally {
                    throw new ArithmeticException(); // crash in cleanup
                }
            };
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> Asyncio.timeout(0.01, () ->
                    TaskGroup.run(tg -> {
                        tg.createTask(task);
                        try {
                            throw new IllegalArgumentException();
                        } finally {
                            Asyncio.sleep(1);
                        }
                    })));
            assertTrue(hasSuppressed(eg, TimeoutError.class), "the group carries the timeout");
            assertEquals(1, eg.exceptions().size(), eg::toString);
            Throwable e1 = eg.exceptions().get(0);
            assertInstanceOf(ArithmeticException.class, e1);
            assertTrue(hasSuppressed(e1, TimeoutError.class), "each member carries the timeout");
            return null;
        });
    }

    // ---- own tests

    @Test
    void rescheduleEarlierFiresAtTheNewDeadline() {
        run(() -> {
            Timeout cm = Asyncio.timeout(100.0);
            assertThrows(TimeoutError.class, () -> cm.run(() -> {
                cm.reschedule(now() + 3);
                return Asyncio.sleep(50, null);
            }));
            assertEquals(3.0, now(), 1e-9);
            return null;
        });
    }

    @Test
    void rescheduleIntoThePastFiresOnTheNextIteration() {
        run(() -> {
            Timeout cm = Asyncio.timeout(100.0);
            assertThrows(TimeoutError.class, () -> cm.run(() -> {
                Asyncio.sleep(1);
                cm.reschedule(0.0);
                return Asyncio.sleep(50, null);
            }));
            assertEquals(1.0, now(), 1e-9);
            return null;
        });
    }

    @Test
    void durationFormsAndValueOfTheBlock() {
        run(() -> {
            assertEquals("v", Asyncio.timeout(java.time.Duration.ofSeconds(2), () -> Asyncio.sleep(1, "v")));
            Timeout cm = Asyncio.timeout(java.time.Duration.ofMillis(500));
            assertEquals(now() + 0.5, cm.when(), 1e-9);
            return null;
        });
    }

    @Test
    void innerTimeoutExpiringFirstRaisesOnlyThere() {
        run(() -> {
            String r = Asyncio.timeout(10.0, () -> {
                assertThrows(TimeoutError.class, () -> Asyncio.timeout(1.0, () -> Asyncio.sleep(5, null)));
                return Asyncio.sleep(2, "outer went on");
            });
            assertEquals("outer went on", r);
            assertEquals(3.0, now(), 1e-9);
            assertEquals(0, Asyncio.currentTask().cancelling());
            return null;
        });
    }

    @Test
    void cancellationAtEachAwaitPointInsideATimeout() {
        for (int point = 0; point < 3; point++) {
            double at = point + 0.5;
            run(() -> {
                Timeout[] cm = {null};
                Task<Object> t = Asyncio.createTask(() -> {
                    cm[0] = Asyncio.timeout(10.0);
                    return cm[0].run(() -> {
                        for (int i = 0; i < 3; i++) Asyncio.sleep(1);
                        return null;
                    });
                });
                Asyncio.sleep(at);
                t.cancel();
                assertThrows(CancelledError.class, () -> Asyncio.await(t));
                assertTrue(t.cancelled());
                assertFalse(cm[0].expired());
                assertEquals("<Timeout [finished]>", cm[0].toString());
                return null;
            });
        }
    }

    @Test
    void timerIsCancelledWhenTheBlockEndsEarly() {
        run(() -> {
            Asyncio.timeout(5.0, () -> Asyncio.sleep(1, null));
            // if the timer were left, it would cancel the task during this sleep
            Asyncio.sleep(10);
            assertEquals(11.0, now(), 1e-9);
            return null;
        });
    }
}
