package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Ports of test_eager_task_factory.py: tasks created with {@link EventLoop#EAGER_TASK_FACTORY}. */
class EagerTaskFactoryTest extends LoopTestBase {

    @BeforeEach
    void useEagerFactory() {
        loop.setTaskFactory(EventLoop.EAGER_TASK_FACTORY);
    }

    /** EagerTaskFactoryLoopTests.run_coro: runs {@code coro} once the loop is running (eager steps need that). */
    private <T> T runCoro(Coroutine<T> coro) {
        return loop.runUntilComplete(() -> {
            assertTrue(Asyncio.getEventLoop().isRunning());
            return Asyncio.await(coro);
        });
    }

    // ports test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_eager_task_factory_set
    @Test
    void eagerTaskFactorySet() {
        assertSame(EventLoop.EAGER_TASK_FACTORY, loop.getTaskFactory());
        runCoro(() -> {
            Task<Object> t = loop.createTask(() -> null);
            assertInstanceOf(Task.class, t);
            return Asyncio.await(t);
        });
    }

    /**
     * test_eager_task_factory_set's factory is {@code create_eager_task_factory(Task)}: here with a custom
     * constructor that records its calls, then with {@code Task::new}.
     */
    @Test
    void createEagerTaskFactoryWithACustomConstructor() {
        List<String> made = new ArrayList<>();
        EventLoop.TaskFactory factory = EventLoop.createEagerTaskFactory((l, coro, name, eager, context) -> {
            made.add(name + (eager ? " eager" : " lazy"));
            return new Task<>(l, coro, name, eager, context);
        });
        loop.setTaskFactory(factory);
        assertSame(factory, loop.getTaskFactory());
        ContextVar<String> v = new ContextVar<>("v", "none");
        Context given = new Context();
        given.run(() -> v.set("given"));
        assertEquals("given", runCoro(() -> {
            Task<String> t = loop.createTask(v::get, "t1", given);
            assertTrue(t.done(), "an eager task that never suspends is done when createTask returns");
            return Asyncio.await(t);
        }));
        assertEquals(List.of("null eager", "t1 eager"), made, "runUntilComplete's own task goes through the factory too");
        loop.setTaskFactory(EventLoop.createEagerTaskFactory(Task::new));
        runCoro(() -> {
            Task<Object> t = loop.createTask(() -> null);
            assertTrue(t.done());
            return Asyncio.await(t);
        });
    }

    // ports test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_await_future_during_eager_step
    @Test
    void awaitFutureDuringEagerStep() {
        assertEquals("my message", runCoro(() -> {
            Future<String> fut = loop.createFuture();
            Task<Object> t = loop.createTask(() -> {
                fut.setResult("my message");
                return null;
            });
            assertTrue(t.done(), "the eager step completed the task");
            return Asyncio.await(fut);
        }));
    }

    // ports test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_eager_completion
    @Test
    void eagerCompletion() {
        assertEquals("hello", runCoro(() -> {
            Task<String> t = loop.createTask(() -> "hello");
            assertTrue(t.done());
            return Asyncio.await(t);
        }));
    }

    // ports test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_block_after_eager_step
    @Test
    void blockAfterEagerStep() {
        assertEquals("finished after blocking", runCoro(() -> {
            Task<String> t = loop.createTask(() -> Asyncio.sleep(0.1, "finished after blocking"));
            assertFalse(t.done());
            String r = Asyncio.await(t);
            assertTrue(t.done());
            return r;
        }));
    }

    // ports test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_cancellation_after_eager_completion
    @Test
    void cancellationAfterEagerCompletion() {
        assertEquals("finished without blocking", runCoro(() -> {
            Task<String> t = loop.createTask(() -> "finished without blocking");
            t.cancel();
            String r = Asyncio.await(t);
            assertFalse(t.cancelled());
            return r;
        }));
    }

    // ports test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_cancellation_after_eager_step_blocks
    @Test
    void cancellationAfterEagerStepBlocks() {
        CancelledError e = assertThrows(CancelledError.class, () -> runCoro(() -> {
            Task<String> t = loop.createTask(() -> Asyncio.sleep(0.1, "finished after blocking"));
            t.cancel("cancellation message");
            assertTrue(t.cancelling() > 0);
            return Asyncio.await(t);
        }));
        assertEquals("cancellation message", e.getMessage());
    }

    // ports test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_current_task
    @Test
    void currentTask() {
        AtomicReference<Task<?>> captured = new AtomicReference<>();
        runCoro(() -> {
            Task<?> outer = Asyncio.currentTask();
            Task<Object> t = loop.createTask(() -> {
                captured.set(Asyncio.currentTask());
                Asyncio.sleep(0.1);
                assertSame(captured.get(), Asyncio.currentTask());
                return null;
            });
            assertSame(t, captured.get());
            assertSame(outer, Asyncio.currentTask(), "the creating task is current again");
            return Asyncio.await(t);
        });
    }

    // ports test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_all_tasks_with_eager_completion
    @Test
    void allTasksWithEagerCompletion() {
        AtomicReference<Set<Task<?>>> captured = new AtomicReference<>();
        runCoro(() -> {
            Task<Object> t = loop.createTask(() -> {
                captured.set(Asyncio.allTasks());
                return null;
            });
            assertTrue(captured.get().contains(t));
            assertFalse(Asyncio.allTasks().contains(t));
            return null;
        });
    }

    // ports test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_all_tasks_with_blocking
    @Test
    void allTasksWithBlocking() {
        AtomicReference<Set<Task<?>>> captured = new AtomicReference<>();
        runCoro(() -> {
            Future<Object> fut1 = loop.createFuture();
            Future<Object> fut2 = loop.createFuture();
            Task<Object> t = loop.createTask(() -> {
                captured.set(Asyncio.allTasks());
                Asyncio.await(fut1);
                fut2.setResult(null);
                return null;
            });
            assertTrue(captured.get().contains(t));
            assertTrue(Asyncio.allTasks().contains(t));
            fut1.setResult(null);
            Asyncio.await(fut2);
            assertFalse(Asyncio.allTasks().contains(t));
            return null;
        });
    }

    // ports test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_context_vars
    @Test
    void firstStepRunsInsideCreateTaskSecondLater() {
        AtomicBoolean first = new AtomicBoolean();
        AtomicBoolean second = new AtomicBoolean();
        runCoro(() -> {
            Task<Object> t = loop.createTask(() -> {
                first.set(true);
                Asyncio.sleep(0.1);
                second.set(true);
                return null;
            });
            assertTrue(first.get());
            assertFalse(second.get());
            Asyncio.await(t);
            assertTrue(second.get());
            return null;
        });
    }

    @Test
    void getCoroAfterEagerCompletion() { // asyncio returns None here (gh-122332); we keep the coroutine
        Coroutine<Object> coro = () -> null;
        runCoro(() -> {
            Task<Object> task = loop.createTask(coro);
            Asyncio.await(task);
            assertSame(coro, task.getCoro());
            return null;
        });
    }

    // ports test_eager_task_factory.py::EagerTests::test_awaitables_chain
    @Test
    void awaitablesChain() {
        AtomicInteger created = new AtomicInteger();
        loop.setTaskFactory((l, coro, name) -> {
            created.incrementAndGet();
            return EventLoop.EAGER_TASK_FACTORY.create(l, coro, name);
        });
        assertEquals(100, loop.runUntilComplete(() -> awaitableChain(100)));
        assertEquals(1, created.get(), "awaiting a coroutine creates no task");
    }

    // ports test_eager_task_factory.py::NonEagerTests::test_awaitables_chain
    @Test
    void awaitablesChainNonEager() {
        AtomicInteger created = new AtomicInteger();
        loop.setTaskFactory((l, coro, name) -> {
            created.incrementAndGet();
            return new Task<>(l, coro, name, false);
        });
        assertEquals(100, loop.runUntilComplete(() -> awaitableChain(100)));
        assertEquals(1, created.get());
    }

    private static int awaitableChain(int depth) {
        if (depth == 0) return 0;
        return 1 + Asyncio.await(() -> awaitableChain(depth - 1));
    }

    // ---- our own ----

    @Test
    void notEagerWhenTheLoopIsNotRunning() {
        List<String> log = new ArrayList<>();
        Task<Object> t = loop.createTask(() -> {
            log.add("ran");
            return null;
        });
        assertEquals(List.of(), log);
        assertFalse(t.done());
        loop.runUntilComplete(t);
        assertEquals(List.of("ran"), log);
    }

    @Test
    void eagerTaskCreatedFromACallbackRunsAtOnce() {
        List<String> log = new ArrayList<>();
        runCoro(() -> {
            Future<Object> done = loop.createFuture();
            loop.callSoon(() -> {
                log.add("callback");
                Task<Object> t = loop.createTask(() -> {
                    log.add("eager");
                    return null;
                });
                log.add("after createTask done=" + t.done());
                done.setResult(null);
            });
            return Asyncio.await(done);
        });
        assertEquals(List.of("callback", "eager", "after createTask done=true"), log);
    }

    @Test
    void eagerTaskExceptionIsKeptInTheTask() {
        IllegalStateException boom = new IllegalStateException("boom");
        runCoro(() -> {
            Task<Object> t = loop.createTask(() -> {
                throw boom;
            });
            assertTrue(t.done());
            assertSame(boom, t.exception());
            return null;
        });
        loop.close();
        assertEquals(List.of(), handled);
    }

    @Test
    void nestedEagerTasksRunDepthFirst() {
        List<String> log = new ArrayList<>();
        runCoro(() -> {
            Task<Object> a = loop.createTask(() -> {
                log.add("a start");
                Task<Object> b = loop.createTask(() -> {
                    log.add("b");
                    return null;
                });
                log.add("a after b done=" + b.done());
                return null;
            });
            log.add("main after a done=" + a.done());
            return null;
        });
        assertEquals(List.of("a start", "b", "a after b done=true", "main after a done=true"), log);
    }

    @Test
    void eagerTaskGetsItsName() {
        runCoro(() -> {
            Task<Object> t = loop.createTask(() -> null, "eager-one");
            assertEquals("eager-one", t.getName());
            return null;
        });
    }
}
