package io.jasyncio;

import static io.jasyncio.CompositionSupport.*;
import static io.jasyncio.TestLoops.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TaskGroupTest {

    private static Set<Class<?>> errorTypes(ExceptionGroup eg) {
        return eg.exceptions().stream().map(Object::getClass).collect(Collectors.toSet());
    }

    private static Coroutine<Object> crashAfter(double t) {
        return () -> {
            Asyncio.sleep(t);
            throw new IllegalArgumentException(String.valueOf(t));
        };
    }

    private static Coroutine<Object> divideByZeroAfter(double t) {
        return () -> {
            Asyncio.sleep(t);
            throw new ArithmeticException("/ by zero");
        };
    }

    /** Sleeps {@code t}, then fails in a finally block (the tests' "finally: 1 / 0"). */
    private static Coroutine<Object> sleepThenCrashInFinally(double t) {
        return () -> {
            try {
                Asyncio.sleep(t);
            } finally {
                throw new ArithmeticException("/ by zero");
            }
        };
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_01
    @Test
    void waitsForAllChildren() {
        run(() -> {
            List<Task<Integer>> t = new ArrayList<>();
            TaskGroup.run(g -> {
                t.add(g.createTask(sleeping(0.1, 42)));
                t.add(g.createTask(sleeping(0.2, 11)));
                return null;
            });
            assertEquals(42, t.get(0).result());
            assertEquals(11, t.get(1).result());
            assertEquals(0.2, now(), 1e-9);
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_02
    @Test
    void childCreatedAfterAwait() {
        run(() -> {
            List<Task<Integer>> t = new ArrayList<>();
            TaskGroup.run(g -> {
                t.add(g.createTask(sleeping(0.1, 42)));
                Asyncio.sleep(0.15);
                t.add(g.createTask(sleeping(0.2, 11)));
                return null;
            });
            assertEquals(42, t.get(0).result());
            assertEquals(11, t.get(1).result());
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_03
    @Test
    void childCancelledExplicitly() {
        run(() -> {
            List<Task<Integer>> t = new ArrayList<>();
            TaskGroup.run(g -> {
                t.add(g.createTask(sleeping(1, 42)));
                Asyncio.sleep(0.15);
                // cancel t1 explicitly: everything goes on working
                t.get(0).cancel();
                t.add(g.createTask(sleeping(0.2, 11)));
                return null;
            });
            assertTrue(t.get(0).cancelled());
            assertEquals(11, t.get(1).result());
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_04
    @Test
    void failingChildCancelsSibling() {
        run(() -> {
            int[] num = {0};
            boolean[] t2Cancel = {false};
            List<Task<?>> t2 = new ArrayList<>();
            Coroutine<Object> foo2 = () -> {
                try {
                    Asyncio.sleep(1);
                } catch (CancelledError e) {
                    t2Cancel[0] = true;
                    throw e;
                }
                num[0]++;
                return null;
            };
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> Asyncio.await(Asyncio.createTask(() -> {
                TaskGroup.run(g -> {
                    g.createTask(divideByZeroAfter(0.1));
                    t2.add(g.createTask(foo2));
                    return null;
                });
                num[0] += 10;
                return null;
            })));
            assertEquals(Set.of(ArithmeticException.class), errorTypes(eg));
            assertEquals(0, num[0]);
            assertTrue(t2Cancel[0]);
            assertTrue(t2.get(0).cancelled());
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_cancel_children_on_child_error
    @Test
    void childErrorCancelsChildrenAndBody() {
        run(() -> {
            int[] num = {0};
            boolean[] t2Cancel = {false};
            boolean[] runnerCancel = {false};
            Coroutine<Object> foo2 = () -> {
                try {
                    Asyncio.sleep(5);
                } catch (CancelledError e) {
                    t2Cancel[0] = true;
                    throw e;
                }
                num[0]++;
                return null;
            };
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> Asyncio.await(Asyncio.createTask(() -> {
                TaskGroup.run(g -> {
                    g.createTask(divideByZeroAfter(0.1));
                    g.createTask(divideByZeroAfter(0.1));
                    g.createTask(divideByZeroAfter(0.1));
                    g.createTask(foo2);
                    try {
                        Asyncio.sleep(10);
                    } catch (CancelledError e) {
                        runnerCancel[0] = true;
                        throw e;
                    }
                    return null;
                });
                num[0] += 10;
                return null;
            })));
            assertEquals(Set.of(ArithmeticException.class), errorTypes(eg));
            // with a virtual clock the three fail in the same iteration, before the cancellation lands
            assertEquals(3, eg.exceptions().size());
            assertEquals(0, num[0]);
            assertTrue(t2Cancel[0]);
            assertTrue(runnerCancel[0]);
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_cancellation
    @Test
    void parentCancellationCancelsChildren() {
        run(() -> {
            int[] num = {0};
            Coroutine<Object> foo = () -> {
                try {
                    Asyncio.sleep(5);
                } catch (CancelledError e) {
                    num[0]++;
                    throw e;
                }
                return null;
            };
            Task<Object> r = Asyncio.createTask(() -> TaskGroup.run(g -> {
                for (int i = 0; i < 5; i++) g.createTask(foo);
                return null;
            }));
            Asyncio.sleep(0.1);
            assertFalse(r.done());
            r.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(r));
            assertEquals(5, num[0]);
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_07
    @Test
    void parentCancellationCancelsChildrenAndBody() {
        run(() -> {
            int[] num = {0};
            Coroutine<Object> foo = () -> {
                try {
                    Asyncio.sleep(5);
                } catch (CancelledError e) {
                    num[0]++;
                    throw e;
                }
                return null;
            };
            Task<Object> r = Asyncio.createTask(() -> TaskGroup.run(g -> {
                for (int i = 0; i < 5; i++) g.createTask(foo);
                try {
                    Asyncio.sleep(10);
                } catch (CancelledError e) {
                    num[0] += 10;
                    throw e;
                }
                return null;
            }));
            Asyncio.sleep(0.1);
            assertFalse(r.done());
            r.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(r));
            assertEquals(15, num[0]);
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_08
    @Test
    void childrenFailingWhileCancelledGiveAGroup() {
        run(() -> {
            Task<Object> r = Asyncio.createTask(() -> TaskGroup.run(g -> {
                for (int i = 0; i < 5; i++) g.createTask(sleepThenCrashInFinally(10));
                Asyncio.sleep(10);
                return null;
            }));
            Asyncio.sleep(0.1);
            assertFalse(r.done());
            r.cancel();
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> Asyncio.await(r));
            assertEquals(Set.of(ArithmeticException.class), errorTypes(eg));
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_09
    @Test
    void bodyFailsAfterAwait() {
        run(() -> {
            List<Task<?>> t = new ArrayList<>();
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(g -> {
                t.add(g.createTask(sleeping(1, 42)));
                t.add(g.createTask(sleeping(2, 11)));
                Asyncio.sleep(0.1);
                throw new ArithmeticException();
            }));
            assertEquals(Set.of(ArithmeticException.class), errorTypes(eg));
            assertTrue(t.get(0).cancelled());
            assertTrue(t.get(1).cancelled());
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_10
    @Test
    void bodyFailsAtOnce() {
        run(() -> {
            List<Task<?>> t = new ArrayList<>();
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(g -> {
                t.add(g.createTask(sleeping(1, 42)));
                t.add(g.createTask(sleeping(2, 11)));
                throw new ArithmeticException();
            }));
            assertEquals(Set.of(ArithmeticException.class), errorTypes(eg));
            assertTrue(t.get(0).cancelled());
            assertTrue(t.get(1).cancelled());
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_11
    @Test
    void nestedGroupErrorsAreNested() {
        run(() -> {
            Task<Object> r = Asyncio.createTask(() -> TaskGroup.run(g1 -> TaskGroup.run(g2 -> {
                for (int i = 0; i < 5; i++) g2.createTask(sleepThenCrashInFinally(10));
                Asyncio.sleep(10);
                return null;
            })));
            Asyncio.sleep(0.1);
            assertFalse(r.done());
            r.cancel();
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> Asyncio.await(r));
            assertEquals(Set.of(ExceptionGroup.class), errorTypes(eg));
            assertEquals(Set.of(ArithmeticException.class), errorTypes((ExceptionGroup) eg.exceptions().get(0)));
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_12
    @Test
    void nestedGroupErrorsWithOuterChild() {
        run(() -> {
            Task<Object> r = Asyncio.createTask(() -> TaskGroup.run(g1 -> {
                g1.createTask(sleeping(10, null));
                return TaskGroup.run(g2 -> {
                    for (int i = 0; i < 5; i++) g2.createTask(sleepThenCrashInFinally(10));
                    Asyncio.sleep(10);
                    return null;
                });
            }));
            Asyncio.sleep(0.1);
            assertFalse(r.done());
            r.cancel();
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> Asyncio.await(r));
            assertEquals(Set.of(ExceptionGroup.class), errorTypes(eg));
            assertEquals(Set.of(ArithmeticException.class), errorTypes((ExceptionGroup) eg.exceptions().get(0)));
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_13
    @Test
    void outerChildFailsFirst() {
        run(() -> {
            Task<Object> r = Asyncio.createTask(() -> TaskGroup.run(g1 -> {
                g1.createTask(crashAfter(0.1));
                return TaskGroup.run(g2 -> {
                    g2.createTask(crashAfter(10));
                    return null;
                });
            }));
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> Asyncio.await(r));
            assertEquals(Set.of(IllegalArgumentException.class), errorTypes(eg));
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_14
    @Test
    void innerChildFailsFirst() {
        run(() -> {
            Task<Object> r = Asyncio.createTask(() -> TaskGroup.run(g1 -> {
                g1.createTask(crashAfter(10));
                return TaskGroup.run(g2 -> {
                    g2.createTask(crashAfter(0.1));
                    return null;
                });
            }));
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> Asyncio.await(r));
            assertEquals(Set.of(ExceptionGroup.class), errorTypes(eg));
            assertEquals(Set.of(IllegalArgumentException.class), errorTypes((ExceptionGroup) eg.exceptions().get(0)));
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_15
    @Test
    void childFailsWhileBodyHandlesCancellation() {
        run(() -> {
            Task<Object> r = Asyncio.createTask(() -> TaskGroup.run(g1 -> {
                g1.createTask(divideByZeroAfter(0.3));
                try {
                    Asyncio.sleep(10);
                } catch (CancelledError e) {
                    Asyncio.sleep(0.5);
                    throw e;
                }
                return null;
            }));
            Asyncio.sleep(0.1);
            assertFalse(r.done());
            r.cancel();
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> Asyncio.await(r));
            assertEquals(Set.of(ArithmeticException.class), errorTypes(eg));
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_16
    @Test
    void childFailsWhileBodyHandlesCancellationNested() {
        run(() -> {
            Coroutine<Object> nestedRunner = () -> TaskGroup.run(g1 -> {
                g1.createTask(divideByZeroAfter(0.3));
                try {
                    Asyncio.sleep(10);
                } catch (CancelledError e) {
                    Asyncio.sleep(0.5);
                    throw e;
                }
                return null;
            });
            Task<Object> r = Asyncio.createTask(() -> Asyncio.await(Asyncio.createTask(nestedRunner)));
            Asyncio.sleep(0.1);
            assertFalse(r.done());
            r.cancel();
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> Asyncio.await(r));
            assertEquals(Set.of(ArithmeticException.class), errorTypes(eg));
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_17
    @Test
    void emptyGroupCancelled() {
        run(() -> {
            int[] num = {0};
            Task<Object> r = Asyncio.createTask(() -> new TaskGroup().run(() -> {
                try {
                    Asyncio.sleep(10);
                } catch (CancelledError e) {
                    num[0] += 10;
                    throw e;
                }
                return null;
            }));
            Asyncio.sleep(0.1);
            assertFalse(r.done());
            r.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(r));
            assertEquals(10, num[0]);
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_18
    @Test
    void bodyTurnsCancellationIntoError() {
        run(() -> {
            int[] num = {0};
            Task<Object> r = Asyncio.createTask(() -> new TaskGroup().run(() -> {
                try {
                    Asyncio.sleep(10);
                } catch (CancelledError e) {
                    num[0] += 10;
                    // not a good idea, but supported
                    throw new MyExc();
                }
                return null;
            }));
            Asyncio.sleep(0.1);
            assertFalse(r.done());
            r.cancel();
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> Asyncio.await(r));
            assertEquals(Set.of(MyExc.class), errorTypes(eg));
            assertEquals(10, num[0]);
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_19
    @Test
    void childAndBodyErrorsTogether() {
        run(() -> {
            Coroutine<Object> nested = () -> {
                try {
                    Asyncio.sleep(10);
                } finally {
                    throw new MyExc();
                }
            };
            Task<Object> r = Asyncio.createTask(() -> TaskGroup.run(g -> {
                g.createTask(divideByZeroAfter(0.1));
                return Asyncio.await(nested);
            }));
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> Asyncio.await(r));
            assertEquals(Set.of(MyExc.class, ArithmeticException.class), errorTypes(eg));
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_20
    @Test
    void keyboardInterruptInBodyIsRaisedAsIs() {
        run(() -> {
            Coroutine<Object> nested = () -> {
                try {
                    Asyncio.sleep(10);
                } finally {
                    throw new KeyboardInterrupt(null);
                }
            };
            assertThrows(KeyboardInterrupt.class, () -> TaskGroup.run(g -> {
                g.createTask(divideByZeroAfter(0.1));
                return Asyncio.await(nested);
            }));
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_20a
    @Test
    void errorSubclassInBodyIsGrouped() {
        // Python's BaseException subclass is grouped in a BaseExceptionGroup; Java's Error, in an ExceptionGroup.
        run(() -> {
            Coroutine<Object> nested = () -> {
                try {
                    Asyncio.sleep(10);
                } finally {
                    throw new MyBaseExc();
                }
            };
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(g -> {
                g.createTask(divideByZeroAfter(0.1));
                return Asyncio.await(nested);
            }));
            assertEquals(Set.of(MyBaseExc.class, ArithmeticException.class), errorTypes(eg));
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_21a
    @Test
    void errorSubclassInChildIsGrouped() {
        run(() -> {
            Coroutine<Object> nested = () -> {
                try {
                    Asyncio.sleep(10);
                } finally {
                    throw new ClassCastException(); // the test's TypeError
                }
            };
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(g -> {
                g.createTask(() -> {
                    Asyncio.sleep(0.1);
                    throw new MyBaseExc();
                });
                return Asyncio.await(nested);
            }));
            assertEquals(Set.of(MyBaseExc.class, ClassCastException.class), errorTypes(eg));
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_22
    @Test
    void cancelWhileChildrenRun() {
        run(() -> {
            Task<Object> r = Asyncio.createTask(() -> TaskGroup.run(g -> {
                g.createTask(sleeping(1, 42));
                g.createTask(sleeping(2, 11));
                return null;
            }));
            Asyncio.sleep(0.05);
            r.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(r));
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_23
    @Test
    void finishedChildrenLeaveTheGroup() {
        run(() -> {
            TaskGroup.run(g -> {
                for (int count = 0; count < 10; count++) {
                    Asyncio.sleep(0.1);
                    g.createTask(sleeping(0.3, null));
                    if (count == 5) assertTrue(g.taskCount() < 5);
                }
                Asyncio.sleep(1.35);
                assertEquals(0, g.taskCount());
                return null;
            });
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_24
    @Test
    void childrenCreateChildren() {
        run(() -> {
            TaskGroup.run(g -> {
                g.createTask(() -> {
                    Asyncio.sleep(0.1);
                    g.createTask(sleeping(0.1, null));
                    g.createTask(sleeping(0.2, null));
                    return null;
                });
                return null;
            });
            assertEquals(0.3, now(), 1e-9);
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_25
    @Test
    void hydra() {
        run(() -> {
            int[] nhydras = {0};
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(g -> {
                class Hydra implements Coroutine<Object> {
                    @Override public Object call() {
                        nhydras[0]++;
                        Asyncio.sleep(0.01);
                        g.createTask(new Hydra());
                        g.createTask(new Hydra());
                        return null;
                    }
                }
                g.createTask(new Hydra());
                g.createTask(() -> {
                    while (nhydras[0] < 10) Asyncio.sleep(0.015);
                    throw new ArithmeticException();
                });
                return null;
            }));
            assertEquals(Set.of(ArithmeticException.class), errorTypes(eg));
            assertTrue(nhydras[0] >= 10);
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_task_name
    @Test
    void taskName() {
        run(() -> TaskGroup.run(g -> {
            Task<Object> t = g.createTask(() -> Asyncio.sleep(0, null), "yolo");
            assertEquals("yolo", t.getName());
            return null;
        }));
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_no_create_task_after_failure
    @Test
    void noCreateTaskWhileShuttingDown() {
        run(() -> {
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(g -> {
                g.createTask(divideByZeroAfter(0.001));
                g.createTask(() -> {
                    try {
                        Asyncio.sleep(1);
                    } catch (CancelledError e) {
                        IllegalStateException ise = assertThrows(IllegalStateException.class,
                                () -> g.createTask(divideByZeroAfter(0.001)));
                        assertTrue(ise.getMessage().contains("is shutting down"), ise.getMessage());
                    }
                    return null;
                });
                return null;
            }));
            assertEquals(Set.of(ArithmeticException.class), errorTypes(eg));
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_context_manager_exit_raises
    @Test
    void bodyCleanupRaisesAfterChildFailed() {
        // See https://github.com/python/cpython/issues/95289
        final class CustomException extends RuntimeException {
        }
        run(() -> Asyncio.await(Asyncio.createTask(() -> {
            Task<?> task = Asyncio.currentTask();
            ExceptionGroup err = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(tg -> {
                try { // the test's "async with database()", whose exit raises
                    tg.createTask(() -> {
                        throw new CustomException();
                    });
                    Asyncio.sleep(1);
                } finally {
                    throw new CustomException();
                }
            }));
            assertEquals(0, task.cancelling());
            assertEquals(2, err.exceptions().size());
            assertEquals(Set.of(CustomException.class), errorTypes(err));
            return null;
        })));
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_already_entered
    @Test
    void alreadyEntered() {
        run(() -> {
            TaskGroup tg = new TaskGroup();
            tg.run(() -> {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> tg.run(() -> null));
                assertTrue(e.getMessage().contains("has already been entered"), e.getMessage());
                return null;
            });
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_double_enter
    @Test
    void doubleEnter() {
        run(() -> {
            TaskGroup tg = new TaskGroup();
            tg.run(() -> null);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> tg.run(() -> null));
            assertTrue(e.getMessage().contains("has already been entered"), e.getMessage());
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_finished
    @Test
    void finished() {
        run(() -> {
            TaskGroup tg = new TaskGroup();
            tg.run(() -> null);
            boolean[] ran = {false};
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> tg.createTask(() -> {
                ran[0] = true;
                return null;
            }));
            assertTrue(e.getMessage().contains("is finished"), e.getMessage());
            Asyncio.sleep(0);
            assertFalse(ran[0], "the refused coroutine never runs");
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_not_entered
    @Test
    void notEntered() {
        run(() -> {
            TaskGroup tg = new TaskGroup();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> tg.createTask(() -> null));
            assertTrue(e.getMessage().contains("has not been entered"), e.getMessage());
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_without_parent_task
    @Test
    void withoutParentTask() {
        run(() -> {
            TaskGroup tg = new TaskGroup();
            Throwable[] thrown = {null};
            Asyncio.getRunningLoop().callSoon(() -> { // a callback: no task runs it
                try {
                    tg.run(() -> null);
                } catch (Throwable e) {
                    thrown[0] = e;
                }
            });
            Asyncio.sleep(0);
            assertInstanceOf(IllegalStateException.class, thrown[0]);
            assertTrue(thrown[0].getMessage().contains("parent task"), thrown[0].getMessage());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> tg.createTask(() -> null));
            assertTrue(e.getMessage().contains("has not been entered"), e.getMessage());
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_coro_closed_when_tg_closed
    @Test
    void createTaskAfterTheBlock() {
        try (EventLoop loop = EventLoop.withVirtualClock()) {
            loop.runUntilComplete(() -> {
                TaskGroup tg = new TaskGroup();
                tg.run(() -> null);
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> tg.createTask(() -> Asyncio.sleep(0, null)));
                assertTrue(e.getMessage().contains("is finished"), e.getMessage());
                return null;
            });
        }
    }

    // ports test_taskgroups.py::TestTaskGroup::test_cancelling_level_preserved
    @Test
    void cancellingLevelPreserved() {
        run(() -> {
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(tg -> {
                tg.createTask(() -> {
                    Asyncio.sleep(0.0);
                    throw new IllegalStateException();
                });
                return null;
            }));
            assertEquals(Set.of(IllegalStateException.class), errorTypes(eg));
            assertEquals(0, Asyncio.currentTask().cancelling());
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_nested_groups_both_cancelled
    @Test
    void nestedGroupsBothCancelled() {
        run(() -> {
            ExceptionGroup outerEg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(outerTg -> {
                ExceptionGroup innerEg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(innerTg -> {
                    innerTg.createTask(() -> {
                        Asyncio.sleep(0);
                        throw new IllegalStateException();
                    });
                    outerTg.createTask(() -> {
                        Asyncio.sleep(0);
                        throw new IllegalArgumentException();
                    });
                    return null;
                }));
                assertEquals(Set.of(IllegalStateException.class), errorTypes(innerEg));
                assertEquals(1, Asyncio.currentTask().cancelling());
                return null;
            }));
            assertEquals(Set.of(IllegalArgumentException.class), errorTypes(outerEg));
            assertEquals(0, Asyncio.currentTask().cancelling());
            return null;
        });
    }

    // ports test_taskgroups.py::TestTaskGroup::test_error_and_cancel
    @Test
    void errorAndCancel() {
        run(() -> {
            Future<Object> event = Asyncio.getRunningLoop().createFuture(); // the test's asyncio.Event
            Task<Object> t = Asyncio.createTask(() -> {
                ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(tg -> {
                    tg.createTask(() -> {
                        event.setResult(null);
                        Asyncio.sleep(0);
                        throw new IllegalStateException();
                    });
                    Asyncio.sleep(1);
                    fail("Sleep in group should have been cancelled");
                    return null;
                }));
                assertEquals(Set.of(IllegalStateException.class), errorTypes(eg));
                assertEquals(1, Asyncio.currentTask().cancelling());
                Asyncio.sleep(1);
                fail("Sleep after group should have been cancelled");
                return null;
            });
            Asyncio.await(event);
            assertEquals(0, t.cancelling());
            t.cancel();
            assertEquals(1, t.cancelling());
            assertThrows(CancelledError.class, () -> Asyncio.await(t));
            assertTrue(t.cancelled());
            return null;
        });
    }

    // ---- own tests

    @Test
    void returnsTheBlockValueAfterTheChildren() {
        run(() -> {
            int v = TaskGroup.run(g -> {
                g.createTask(sleeping(3, null));
                return 7;
            });
            assertEquals(7, v);
            assertEquals(3.0, now(), 1e-9);
            return null;
        });
    }

    @Test
    void exceptionGroupKeepsEveryFailureAsSuppressed() {
        run(() -> {
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(g -> {
                g.createTask(() -> { throw new MyExc("a"); });
                g.createTask(() -> { throw new MyExc("b"); });
                return null;
            }));
            assertEquals(List.of("a", "b"), eg.exceptions().stream().map(Throwable::getMessage).toList());
            assertEquals(eg.exceptions(), List.of(eg.getSuppressed()));
            assertEquals("unhandled errors in a TaskGroup (2 sub-exceptions)", eg.getMessage());
            assertEquals("unhandled errors in a TaskGroup", eg.message());
            return null;
        });
    }

    @Test
    void noChildOutlivesTheBlockWhenTheBodyThrowsAtOnce() {
        run(() -> {
            List<Task<?>> kids = new ArrayList<>();
            assertThrows(ExceptionGroup.class, () -> TaskGroup.run(g -> {
                for (int i = 0; i < 3; i++) kids.add(g.createTask(sleeping(100, null)));
                throw new MyExc();
            }));
            for (Task<?> k : kids) assertTrue(k.done());
            assertEquals(0.0, now(), 1e-9);
            return null;
        });
    }

    @Test
    void cancellationAtEachAwaitPointOfTheBody() {
        for (int point = 0; point < 3; point++) {
            double at = point + 0.5;
            run(() -> {
                List<Task<?>> kids = new ArrayList<>();
                Task<Object> t = Asyncio.createTask(() -> TaskGroup.run(g -> {
                    kids.add(g.createTask(sleeping(100, null)));
                    for (int i = 0; i < 3; i++) Asyncio.sleep(1);
                    return null;
                }));
                Asyncio.sleep(at);
                t.cancel();
                assertThrows(CancelledError.class, () -> Asyncio.await(t));
                assertTrue(t.cancelled());
                assertTrue(kids.get(0).cancelled());
                assertEquals(at, now(), 1e-9);
                return null;
            });
        }
    }

    @Test
    void cancellationWhileWaitingForChildrenAtTheEnd() {
        run(() -> {
            List<Task<?>> kids = new ArrayList<>();
            Task<Object> t = Asyncio.createTask(() -> TaskGroup.run(g -> {
                kids.add(g.createTask(sleeping(5, null)));
                return "body done";
            }));
            Asyncio.sleep(1); // the block's body is over; the group waits for the child
            t.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(t));
            assertTrue(kids.get(0).cancelled());
            return null;
        });
    }

    @Test
    void childThatIgnoresCancellationIsStillWaitedFor() {
        run(() -> {
            Task<Object> t = Asyncio.createTask(() -> TaskGroup.run(g -> {
                g.createTask(() -> {
                    try {
                        Asyncio.sleep(5);
                    } catch (CancelledError e) {
                        Asyncio.sleep(2); // cleanup that takes a while
                    }
                    return null;
                });
                return null;
            }));
            Asyncio.sleep(1);
            t.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(t));
            assertEquals(3.0, now(), 1e-9);
            return null;
        });
    }

    @Test
    void eagerChildFailingAtOnceAbortsTheGroup() {
        run(() -> {
            Asyncio.getRunningLoop().setTaskFactory(EventLoop.EAGER_TASK_FACTORY);
            List<Task<?>> kids = new ArrayList<>();
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(g -> {
                kids.add(g.createTask(sleeping(10, null)));
                g.createTask(() -> { throw new MyExc("eager"); });
                Asyncio.sleep(10);
                return null;
            }));
            assertEquals(Set.of(MyExc.class), errorTypes(eg));
            assertTrue(kids.get(0).cancelled());
            assertEquals(0.0, now(), 1e-9);
            return null;
        });
    }

    @Test
    void repeatedParentCancellationWhileChildrenFinish() {
        run(() -> {
            Task<Object> t = Asyncio.createTask(() -> TaskGroup.run(g -> {
                g.createTask(() -> {
                    try {
                        Asyncio.sleep(5);
                    } catch (CancelledError e) {
                        Asyncio.sleep(2);
                    }
                    return null;
                });
                return null;
            }));
            Asyncio.sleep(1);
            t.cancel();
            Asyncio.sleep(1);
            t.cancel(); // the group is already aborting: it keeps waiting for the child
            assertThrows(CancelledError.class, () -> Asyncio.await(t));
            assertTrue(t.cancelled());
            assertEquals(3.0, now(), 1e-9);
            return null;
        });
    }

    @Test
    void childErrorsGoToTheGroupNotToTheLoopHandler() {
        java.util.List<ExceptionContext> reported = new java.util.ArrayList<>();
        run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> reported.add(ctx));
            assertThrows(ExceptionGroup.class, () -> TaskGroup.run(g -> {
                g.createTask(() -> { throw new MyExc(); });
                return null;
            }));
            return null;
        });
        assertTrue(reported.isEmpty(), reported::toString);
    }

    @Test
    void toStringShowsTheState() {
        run(() -> {
            TaskGroup tg = new TaskGroup();
            assertEquals("<TaskGroup>", tg.toString());
            tg.run(() -> {
                tg.createTask(sleeping(1, null));
                assertEquals("<TaskGroup tasks=1 entered>", tg.toString());
                return null;
            });
            return null;
        });
    }
}
