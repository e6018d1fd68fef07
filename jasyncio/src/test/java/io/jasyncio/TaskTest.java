package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Ports of the core parts of test_tasks.py::BaseTaskTests (creation, results, current task, steps, sleep). */
class TaskTest extends LoopTestBase {

    private <T> Task<T> newTask(Coroutine<T> coro) {
        return new Task<>(loop, coro, null, false);
    }

    // ports test_tasks.py::BaseTaskTests::test_task_cancel_message_getter
    @Test
    void taskCancelMessageGetter() {
        Task<Object> t = newTask(() -> null);
        t.cancel("my message");
        CancelledError e = assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertEquals("my message", e.getMessage());
    }

    // ports test_tasks.py::BaseTaskTests::test_other_loop_future
    @Test
    void otherLoopFuture() {
        EventLoop other = new EventLoop();
        try {
            Future<Object> fut = other.createFuture();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> loop.runUntilComplete(() -> Asyncio.await(fut)));
            assertTrue(e.getMessage().matches("(?s)Task .* got Future .* attached to a different loop"), e.getMessage());
        } finally {
            other.close();
        }
    }

    // ports test_tasks.py::BaseTaskTests::test_task_awaits_on_itself
    @Test
    void taskAwaitsOnItself() {
        AtomicReference<Task<Object>> self = new AtomicReference<>();
        Task<Object> task = newTask(() -> Asyncio.await(self.get()));
        self.set(task);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(task));
        assertTrue(e.getMessage().startsWith("Task cannot await on itself"), e.getMessage());
    }

    // ports test_tasks.py::BaseTaskTests::test_get_stack
    @Test
    void getStack() {
        AtomicReference<Task<?>> t = new AtomicReference<>();
        loop.runUntilComplete(() -> {
            t.set(Asyncio.createTask(this::foo));
            return Asyncio.await(t.get());
        });
        assertTrue(stackHas(fooStack, "foo"), Arrays.toString(fooStack));
        assertEquals(0, t.get().getStack().length, "a done task has no stack");
    }

    private StackTraceElement[] fooStack;
    private String fooPrinted;

    private Object foo() {
        return bar();
    }

    private Object bar() {
        fooStack = Asyncio.currentTask().getStack();
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        Asyncio.currentTask().printStack(new java.io.PrintStream(buf, true));
        fooPrinted = buf.toString();
        return null;
    }

    // ports test_tasks.py::BaseTaskTests::test_get_stack (its print_stack half)
    @Test
    void printStack() {
        loop.runUntilComplete(() -> Asyncio.await(Asyncio.createTask(this::foo)));
        assertTrue(fooPrinted.startsWith("Stack for <Task pending name='Task-"), fooPrinted);
        assertTrue(fooPrinted.contains("(most recent call last):"), fooPrinted);
        // most recent call last: bar's frame comes after foo's
        assertTrue(fooPrinted.indexOf(".foo(") < fooPrinted.indexOf(".bar("), fooPrinted);
    }

    /** asyncio: a task that ended with an exception keeps that exception's frames; a cancelled one has none. */
    @Test
    void stackOfAFailedAndOfACancelledTask() {
        Task<Object> failed = loop.createTask(this::fails);
        Task<Object> cancelled = loop.createTask(() -> Asyncio.sleep(10, null));
        runBriefly();
        cancelled.cancel();
        runBriefly();
        assertTrue(failed.done() && cancelled.cancelled());
        assertTrue(stackHas(failed.getStack(), "fails"), Arrays.toString(failed.getStack()));
        assertEquals(0, cancelled.getStack().length);
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        failed.printStack(new java.io.PrintStream(buf, true));
        String out = buf.toString();
        assertTrue(out.startsWith("Traceback for <Task finished"), out);
        assertTrue(out.strip().endsWith("java.lang.IllegalStateException: broken"), out);
        buf.reset();
        cancelled.printStack(new java.io.PrintStream(buf, true));
        assertTrue(buf.toString().startsWith("No stack for <Task cancelled"), buf.toString());
        failed.exception(); // retrieved: not reported as never retrieved
    }

    private Object fails() {
        throw new IllegalStateException("broken");
    }

    private static boolean stackHas(StackTraceElement[] stack, String method) {
        return Arrays.stream(stack).anyMatch(e -> e.getMethodName().equals(method));
    }

    // ports test_tasks.py::BaseTaskTests::test_task_basics
    @Test
    void taskBasics() {
        Coroutine<Integer> inner1 = () -> 42;
        Coroutine<Integer> inner2 = () -> 1000;
        assertEquals(1042, loop.runUntilComplete(() -> Asyncio.await(inner1) + Asyncio.await(inner2)));
    }

    // ports test_tasks.py::BaseTaskTests::test_sleep
    @Test
    void sleep() {
        Task<String> t = newTask(() -> {
            Asyncio.sleep(0.05);
            return Asyncio.sleep(0.05, "yeah");
        });
        loop.runUntilComplete(t);
        assertTrue(t.done());
        assertEquals("yeah", t.result());
        assertEquals(0.1, loop.time(), 1e-9);
    }

    // ports test_tasks.py::BaseTaskTests::test_sleep_when_delay_is_nan
    @Test
    void sleepWhenDelayIsNan() {
        Task<Object> t = newTask(() -> {
            Asyncio.sleep(Double.NaN);
            return null;
        });
        assertThrows(IllegalArgumentException.class, () -> loop.runUntilComplete(t));
    }

    // ports test_tasks.py::BaseTaskTests::test_task_cancel_sleeping_task
    @Test
    void taskCancelSleepingTask() {
        String r = loop.runUntilComplete(() -> {
            Task<Object> sleeper = Asyncio.createTask(() -> {
                Asyncio.sleep(5000);
                return null;
            });
            loop.callLater(0.1, sleeper::cancel);
            try {
                Asyncio.await(sleeper);
                return "slept in";
            } catch (CancelledError e) {
                return "cancelled";
            }
        });
        assertEquals("cancelled", r);
        assertEquals(0.1, loop.time(), 1e-9);
    }

    // ports test_tasks.py::BaseTaskTests::test_task_cancel_waiter_future
    @Test
    void taskCancelWaiterFuture() {
        Future<Object> fut = loop.createFuture();
        Task<Object> task = newTask(() -> Asyncio.await(fut));
        runBriefly();
        task.cancel();
        runBriefly();
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(task));
        assertTrue(fut.cancelled());
        assertFalse(task.toString().contains("wait_for="), task.toString());
    }

    // ports test_tasks.py::BaseTaskTests::test_task_set_methods
    @Test
    void taskSetMethods() {
        Task<String> task = newTask(() -> "ko");
        IllegalStateException e1 = assertThrows(IllegalStateException.class, () -> task.setResult("ok"));
        assertTrue(e1.getMessage().contains("not support set_result"));
        IllegalStateException e2 = assertThrows(IllegalStateException.class,
                () -> task.setException(new IllegalArgumentException()));
        assertTrue(e2.getMessage().contains("not support set_exception"));
        assertEquals("ko", loop.runUntilComplete(task));
    }

    // ports test_tasks.py::BaseTaskTests::test_step_result_future
    @Test
    void stepResultFuture() {
        Future<Object> fut = loop.createFuture();
        AtomicReference<Object> result = new AtomicReference<>();
        Task<Object> t = newTask(() -> {
            result.set(Asyncio.await(fut));
            return null;
        });
        runBriefly();
        assertFalse(t.done());
        Object res = new Object();
        fut.setResult(res);
        runBriefly();
        assertSame(res, result.get());
        assertTrue(t.done());
        assertNull(t.result());
    }

    // ports test_tasks.py::BaseTaskTests::test_coroutine_non_gen_function
    @Test
    void coroutineNonGenFunction() {
        assertEquals("test", loop.runUntilComplete(() -> "test"));
    }

    // ports test_tasks.py::BaseTaskTests::test_coroutine_non_gen_function_return_future
    @Test
    void coroutineReturningAFutureIsNotAwaited() {
        Future<String> fut = loop.createFuture();
        Task<Future<String>> t1 = newTask(() -> fut);
        Task<Object> t2 = newTask(() -> {
            fut.setResult("test");
            return null;
        });
        assertSame(fut, loop.runUntilComplete(t1));
        assertNull(t2.result());
    }

    // ports test_tasks.py::BaseTaskTests::test_current_task
    @Test
    void currentTask() {
        assertNull(loop.currentTask());
        AtomicReference<Task<Object>> task = new AtomicReference<>();
        task.set(newTask(() -> {
            assertSame(task.get(), Asyncio.currentTask());
            assertSame(task.get(), loop.currentTask());
            return null;
        }));
        loop.runUntilComplete(task.get());
        assertNull(loop.currentTask());
    }

    // ports test_tasks.py::BaseTaskTests::test_current_task_with_interleaving_tasks
    @Test
    void currentTaskWithInterleavingTasks() {
        assertNull(loop.currentTask());
        Future<Boolean> fut1 = loop.createFuture();
        Future<Boolean> fut2 = loop.createFuture();
        List<Task<?>> tasks = new ArrayList<>();
        tasks.add(newTask(() -> {
            assertSame(tasks.get(0), Asyncio.currentTask());
            Asyncio.await(fut1);
            assertSame(tasks.get(0), Asyncio.currentTask());
            fut2.setResult(true);
            return null;
        }));
        tasks.add(newTask(() -> {
            assertSame(tasks.get(1), Asyncio.currentTask());
            fut1.setResult(true);
            Asyncio.await(fut2);
            assertSame(tasks.get(1), Asyncio.currentTask());
            return null;
        }));
        loop.runUntilComplete(tasks.get(1));
        assertNull(tasks.get(0).result());
        assertNull(loop.currentTask());
    }

    // ports test_tasks.py::BaseTaskTests::test_log_destroyed_pending_task
    @Test
    void logDestroyedPendingTask() {
        loop.setDebug(true);
        Task<Object> task = loop.createTask(() -> {
            Asyncio.await(loop.createFuture());
            throw new Exception("code never reached");
        });
        assertEquals(Set.of(task), loop.allTasks());
        runBriefly();
        Throwable sourceTraceback = task.sourceTraceback();
        task = null;
        System.gc(); // the loop holds pending tasks strongly: nothing is reported before close
        assertEquals(List.of(), handled);
        loop.close();
        assertEquals(List.of("Task was destroyed but it is pending!"), handledMessages());
        assertNotNull(handled.get(0).task());
        assertSame(sourceTraceback, handled.get(0).sourceTraceback());
        assertNotNull(sourceTraceback);
    }

    // ports test_tasks.py::BaseTaskTests::test_tb_logger_not_called_after_cancel
    @Test
    void tbLoggerNotCalledAfterCancel() {
        loop.runUntilComplete(() -> {
            Task<Object> task = Asyncio.createTask(() -> {
                throw new IllegalArgumentException();
            });
            Asyncio.sleep(0.05);
            assertFalse(task.cancel(), "already done");
            return null;
        });
        loop.close();
        assertEquals(List.of(), handled);
    }

    // ports test_tasks.py::BaseTaskTests::test_task_source_traceback
    @Test
    void taskSourceTraceback() {
        loop.setDebug(true);
        Task<Object> task = newTask(() -> null);
        assertTrue(Task.firstUserFrame(task.sourceTraceback()).startsWith("TaskTest.java:"));
        loop.runUntilComplete(task);
    }

    // ports test_tasks.py::BaseTaskTests::test_exception_traceback
    @Test
    void exceptionTraceback() {
        loop.runUntilComplete(() -> {
            Task<Integer> task = Asyncio.createTask(() -> 1 / zero());
            Asyncio.sleep(0);
            Throwable e = task.exception();
            assertInstanceOf(ArithmeticException.class, e);
            assertTrue(e.getStackTrace().length > 0);
            return null;
        });
    }

    private static int zero() {
        return 0;
    }

    // ports test_tasks.py::BaseTaskTests::test_create_task_with_noncoroutine
    @Test
    void createTaskWithNull() {
        assertThrows(NullPointerException.class, () -> loop.createTask(null));
        assertThrows(NullPointerException.class, () -> loop.createTask(null));
    }

    // ports test_tasks.py::BaseTaskTests::test_create_task_with_async_function
    @Test
    void createTaskWithAsyncFunction() {
        Coroutine<Object> coro = () -> null;
        Task<Object> task = loop.createTask(coro);
        assertInstanceOf(Task.class, task);
        loop.runUntilComplete(task);
        task = loop.createTask(coro);
        loop.runUntilComplete(task);
        assertTrue(task.done());
    }

    // ports test_tasks.py::BaseTaskTests::test_bare_create_task
    @Test
    void bareCreateTask() {
        loop.runUntilComplete(() -> {
            Task<Integer> task = Asyncio.createTask(() -> 1);
            assertEquals(1, Asyncio.await(task));
            return null;
        });
    }

    // ports test_tasks.py::BaseTaskTests::test_bare_create_named_task
    @Test
    void bareCreateNamedTask() {
        loop.runUntilComplete(() -> {
            Task<Object> task = Asyncio.createTask(() -> null, "No-op");
            assertEquals("No-op", task.getName());
            Asyncio.await(task);
            return null;
        });
    }

    // ports test_tasks.py::BaseTaskTests::test_task_repr_autogenerated
    @Test
    void autogeneratedNamesCountUp() {
        Task<Object> t1 = newTask(() -> null);
        Task<Object> t2 = newTask(() -> null);
        assertTrue(t1.getName().matches("Task-\\d+"), t1.getName());
        long n1 = Long.parseLong(t1.getName().substring(5));
        long n2 = Long.parseLong(t2.getName().substring(5));
        assertEquals(n1 + 1, n2);
        loop.runUntilComplete(t2);
        loop.runUntilComplete(t1);
    }

    @Test
    void setName() {
        Task<Object> t = newTask(() -> null);
        t.setName("renamed");
        assertEquals("renamed", t.getName());
        loop.runUntilComplete(t);
    }

    // ports test_tasks.py::BaseTaskTests::test_task_repr_name_not_str
    @Test
    void setNameNullBecomesString() {
        Task<Object> t = newTask(() -> null);
        t.setName(null);
        assertEquals("null", t.getName());
        loop.runUntilComplete(t);
    }

    // ports test_tasks.py::BaseTaskTests::test_get_coro
    @Test
    void getCoro() {
        Coroutine<Object> coro = () -> null;
        Task<Object> task = newTask(coro);
        loop.runUntilComplete(task);
        assertSame(coro, task.getCoro());
    }

    // ports test_tasks.py::BaseTaskIntrospectionTests::test__enter_task
    @Test
    void enterTask() {
        Task<Object> task = newTask(() -> null);
        assertNull(loop.currentTask());
        loop.enterTask(task);
        assertSame(task, loop.currentTask());
        loop.leaveTask(task);
        loop.runUntilComplete(task);
    }

    // ports test_tasks.py::BaseTaskIntrospectionTests::test__enter_task_failure
    @Test
    void enterTaskFailure() {
        Task<Object> t1 = newTask(() -> null);
        Task<Object> t2 = newTask(() -> null);
        loop.enterTask(t1);
        assertThrows(IllegalStateException.class, () -> loop.enterTask(t2));
        assertSame(t1, loop.currentTask());
        loop.leaveTask(t1);
        loop.runUntilComplete(t2);
    }

    // ports test_tasks.py::BaseTaskIntrospectionTests::test__leave_task
    @Test
    void leaveTask() {
        Task<Object> t = newTask(() -> null);
        loop.enterTask(t);
        loop.leaveTask(t);
        assertNull(loop.currentTask());
        loop.runUntilComplete(t);
    }

    // ports test_tasks.py::BaseTaskIntrospectionTests::test__leave_task_failure1
    @Test
    void leaveTaskFailure1() {
        Task<Object> t1 = newTask(() -> null);
        Task<Object> t2 = newTask(() -> null);
        loop.enterTask(t1);
        assertThrows(IllegalStateException.class, () -> loop.leaveTask(t2));
        assertSame(t1, loop.currentTask());
        loop.leaveTask(t1);
        loop.runUntilComplete(t2);
    }

    // ports test_tasks.py::BaseTaskIntrospectionTests::test__leave_task_failure2
    @Test
    void leaveTaskFailure2() {
        Task<Object> t = newTask(() -> null);
        assertThrows(IllegalStateException.class, () -> loop.leaveTask(t));
        assertNull(loop.currentTask());
        loop.runUntilComplete(t);
    }

    // ports test_tasks.py::BaseCurrentLoopTests::test_current_task_no_running_loop
    @Test
    void currentTaskNoRunningLoop() {
        assertNull(loop.currentTask());
    }

    // ports test_tasks.py::BaseCurrentLoopTests::test_current_task_no_running_loop_implicit
    @Test
    void currentTaskNoRunningLoopImplicit() {
        IllegalStateException e = assertThrows(IllegalStateException.class, Asyncio::currentTask);
        assertTrue(e.getMessage().contains("no running event loop"));
    }

    // ports test_tasks.py::BaseCurrentLoopTests::test_current_task_with_implicit_loop
    @Test
    void currentTaskWithImplicitLoop() {
        AtomicReference<Task<Object>> task = new AtomicReference<>();
        task.set(newTask(() -> {
            assertSame(task.get(), loop.currentTask());
            assertSame(task.get(), Asyncio.currentTask());
            return null;
        }));
        loop.runUntilComplete(task.get());
        assertNull(loop.currentTask());
    }

    // ports test_tasks.py::GenericTaskTests::test_future_subclass
    @Test
    void taskIsAFuture() {
        assertTrue(Future.class.isAssignableFrom(Task.class));
    }

    // ports test_tasks.py::SleepTests::test_sleep_zero
    @Test
    void sleepZero() {
        AtomicInteger result = new AtomicInteger();
        loop.runUntilComplete(() -> {
            loop.callSoon(() -> result.addAndGet(1));
            assertEquals(0, result.get());
            int num = Asyncio.sleep(0, 10);
            assertEquals(1, result.get());
            result.addAndGet(num);
            return null;
        });
        assertEquals(11, result.get());
    }

    // ports test_tasks.py::SetMethodsTest::test_set_result_causes_invalid_state
    @Test
    void setResultCausesInvalidState() {
        Task<Integer> task = newTask(() -> Asyncio.sleep(0.1, 10));
        task.finishWithResult(99); // Future.set_result(task, ...) bypassing Task's refusal
        assertEquals(99, loop.runUntilComplete(task));
        runBriefly();
        assertEquals(1, handled.size(), handledMessages().toString());
        InvalidStateError e = assertInstanceOf(InvalidStateError.class, handled.get(0).exception());
        assertTrue(e.getMessage().contains("step(): already done"), e.getMessage());
    }

    // ports test_tasks.py::SetMethodsTest::test_set_exception_causes_invalid_state
    @Test
    void setExceptionCausesInvalidState() {
        class MyExc extends RuntimeException {}
        Task<Integer> task = newTask(() -> Asyncio.sleep(0.1, 10));
        task.finishWithException(new MyExc());
        assertThrows(MyExc.class, () -> loop.runUntilComplete(task));
        runBriefly();
        assertEquals(1, handled.size(), handledMessages().toString());
        InvalidStateError e = assertInstanceOf(InvalidStateError.class, handled.get(0).exception());
        assertTrue(e.getMessage().contains("step(): already done"), e.getMessage());
    }

    // ports test_tasks.py::BaseTaskTests::test_task_del_collect
    @Test
    void manyTasksFinishAndAreForgotten() {
        loop.runUntilComplete(() -> {
            List<Task<Object>> ts = new ArrayList<>();
            for (int i = 0; i < 100; i++) ts.add(Asyncio.createTask(Object::new));
            for (Task<Object> t : ts) assertNotNull(Asyncio.await(t));
            return null;
        });
        assertEquals(Set.of(), loop.allTasks());
    }

    // ports test_tasks.py::BaseTaskTests::test_baseexception_during_cancel
    @Test
    void otherExceptionRaisedWhileHandlingCancellation() {
        IllegalStateException base = new IllegalStateException("exit");
        Task<Object> task = newTask(() -> {
            try {
                Asyncio.sleep(10);
            } catch (CancelledError e) {
                throw base;
            }
            return null;
        });
        runBriefly();
        task.cancel();
        assertFalse(task.done());
        assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(task));
        assertTrue(task.done());
        assertFalse(task.cancelled());
        assertSame(base, task.exception());
    }

    // ports test_tasks.py::BaseTaskTests::test_create_task_with_asynclike_function
    @Test
    void createTaskWithAClassImplementingCoroutine() {
        class CoroLike implements Coroutine<Integer> {
            @Override
            public Integer call() {
                return 42;
            }
        }
        Task<Integer> task = loop.createTask(new CoroLike());
        assertEquals(42, loop.runUntilComplete(task));
        task = loop.createTask(new CoroLike());
        assertEquals(42, loop.runUntilComplete(task));
    }

    // ports test_tasks.py::BaseTaskIntrospectionTests::test__register_task_1
    @Test
    void registerTask() {
        Task<Object> task = newTask(() -> null);
        assertEquals(Set.of(task), loop.allTasks());
        loop.unregisterTask(task);
        assertEquals(Set.of(), loop.allTasks());
        loop.registerTask(task);
        assertEquals(Set.of(task), loop.allTasks());
        loop.runUntilComplete(task);
    }

    // ports test_tasks.py::BaseTaskIntrospectionTests::test__register_task_3
    @Test
    void registeredDoneTaskIsNotListed() {
        Task<Object> task = newTask(() -> null);
        loop.runUntilComplete(task);
        loop.registerTask(task);
        assertEquals(Set.of(), loop.allTasks());
        loop.unregisterTask(task);
    }

    // ports test_tasks.py::BaseTaskIntrospectionTests::test__unregister_task
    @Test
    void unregisterTask() {
        Task<Object> task = newTask(() -> null);
        loop.unregisterTask(task);
        assertEquals(Set.of(), loop.allTasks());
        loop.registerTask(task);
        loop.runUntilComplete(task);
    }

    // ports test_tasks.py::BaseTaskIntrospectionTests::test__unregister_task_not_registered
    @Test
    void unregisterTaskNotRegistered() {
        Task<Object> task = newTask(() -> null);
        loop.unregisterTask(task);
        loop.unregisterTask(task); // a second time: no-op
        assertEquals(Set.of(), loop.allTasks());
        loop.registerTask(task);
        loop.runUntilComplete(task);
    }

    @Test
    void taskExceptionHandlerRunsOnTheLoopThread() {
        Thread loopThread = Thread.currentThread();
        List<Thread> handlerThreads = new ArrayList<>();
        loop.setExceptionHandler((l, c) -> handlerThreads.add(Thread.currentThread()));
        loop.runUntilComplete(() -> {
            Asyncio.createTask(() -> 1 / zero());
            Asyncio.sleep(0);
            return null;
        });
        loop.close(); // the never-retrieved exception is reported here
        assertEquals(List.of(loopThread), handlerThreads);
    }

    @Test
    void handleExceptionHandlerRunsOnTheLoopThread() {
        Thread loopThread = Thread.currentThread();
        List<Thread> handlerThreads = new ArrayList<>();
        loop.setExceptionHandler((l, c) -> handlerThreads.add(Thread.currentThread()));
        loop.runUntilComplete(() -> {
            loop.callSoon(() -> {
                int x = 1 / zero();
            });
            Asyncio.sleep(0);
            return null;
        });
        assertEquals(List.of(loopThread), handlerThreads);
    }

    // ports test_pep492.py::CoroutineTests::test_task_print_stack
    @Test
    void taskPrintStack() {
        loop.runUntilComplete(() -> {
            Task<Object> t = Asyncio.createTask(this::foo);
            return Asyncio.await(t);
        });
        assertEquals("foo", Arrays.stream(fooStack).filter(e -> e.getMethodName().matches("foo|bar"))
                .reduce((x, y) -> y).orElseThrow().getMethodName(), "foo called bar");
    }


    // ports test_tasks.py::BaseTaskTests::test_sleep_cancel
    @Test
    void sleepCancel() {
        List<TimerHandle> handles = new ArrayList<>();
        EventLoop spying = new EventLoop() {
            @Override
            public TimerHandle callLater(double delay, Runnable callback) {
                TimerHandle h = super.callLater(delay, callback);
                handles.add(h);
                return h;
            }
        };
        try {
            Task<String> t = spying.createTask(() -> Asyncio.sleep(10.0, "yeah"));
            runBriefly(spying);
            assertEquals(1, handles.size());
            assertFalse(handles.get(0).cancelled());
            t.cancel();
            runBriefly(spying);
            assertTrue(handles.get(0).cancelled(), "cancelling the sleeping task cancels its timer");
            assertTrue(t.cancelled());
        } finally {
            spying.close();
        }
    }

    // ports test_tasks.py::BaseTaskTests::test_error_in_call_soon
    @Test
    void errorWhenSchedulingANewTask() {
        class Refused extends RuntimeException {}
        EventLoop refusing = new EventLoop() {
            @Override
            void scheduleStep(Task<?> task) { // how a new task's first step is scheduled
                throw new Refused();
            }
        };
        try {
            assertThrows(Refused.class, () -> refusing.createTask(() -> null));
            // asyncio also logs the half-made task as destroyed while pending; ours was never registered.
            assertEquals(Set.of(), refusing.allTasks());
        } finally {
            refusing.close();
        }
    }

    // ports test_base_events.py::BaseEventLoopTests::test_create_task
    @Test
    void createTaskGoesThroughTheLoop() {
        List<String> names = new ArrayList<>();
        EventLoop custom = new EventLoop() {
            @Override
            public <T> Task<T> createTask(Coroutine<T> coro, String name) {
                names.add(String.valueOf(name));
                return super.createTask(coro, name);
            }
        };
        try {
            custom.runUntilComplete(() -> Asyncio.await(Asyncio.createTask(() -> null, "mine")));
            assertTrue(names.contains("mine"), names.toString());
        } finally {
            custom.close();
        }
    }

    // ports test_tasks.py::BaseTaskTests::test_task_class
    @Test
    void taskClass() {
        Task<String> t = newTask(() -> "ok");
        loop.runUntilComplete(t);
        assertTrue(t.done());
        assertEquals("ok", t.result());
        assertSame(loop, t.getLoop());
        EventLoop other = EventLoop.withVirtualClock();
        try {
            Task<String> t2 = new Task<>(other, () -> "ok", null, false);
            assertSame(other, t2.getLoop());
            assertEquals("ok", other.runUntilComplete(t2));
        } finally {
            other.close();
        }
    }

    // ports test_tasks.py::BaseTaskTests::test_ensure_future_error_msg
    @Test
    void futureOfAnotherLoopErrorMessage() {
        EventLoop other = EventLoop.withVirtualClock();
        try {
            Future<Object> f = loop.createFuture();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.runUntilComplete(f));
            assertEquals("The future belongs to a different loop than the one specified as the loop argument",
                    e.getMessage());
        } finally {
            other.close();
        }
    }

    // ports test_tasks.py::CTask_Future_Tests::test_foobar
    @Test
    void awaitAFutureSubclass() {
        class Fut<T> extends Future<T> {
            Fut(EventLoop loop) {
                super(loop);
            }

            @Override
            public EventLoop getLoop() {
                throw new UnsupportedOperationException("not used by await");
            }
        }
        Fut<Integer> fut = new Fut<>(loop);
        loop.callLater(0.1, () -> fut.setResult(1));
        Task<String> task = loop.createTask(() -> {
            Asyncio.await(fut);
            return "spam";
        });
        assertEquals("spam", loop.runUntilComplete(task));
    }

    // ports test_tasks.py::BaseTaskTests::test_exception_chaining_after_await
    @Test
    void exceptionAfterAwaitIsNotChainedToTheOneBeingHandled() {
        loop.runUntilComplete(() -> {
            try {
                throw new java.util.NoSuchElementException("3");
            } catch (RuntimeException handling) {
                Task<Object> task = Asyncio.createTask(() -> {
                    throw new IllegalArgumentException();
                });
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Asyncio.await(task));
                // Java has no implicit __context__: await rethrows the task's exception untouched.
                assertNull(e.getCause());
                assertEquals(0, e.getSuppressed().length);
            }
            return null;
        });
    }

    // ports test_tasks.py::BaseTaskTests::test_exception_chaining_after_await_with_context_cycle
    @Test
    void rethrowingTheExceptionBeingHandledCreatesNoCycle() {
        loop.runUntilComplete(() -> {
            try {
                throw new java.util.NoSuchElementException("a");
            } catch (RuntimeException exc) {
                Task<Object> task = Asyncio.createTask(() -> {
                    throw exc;
                });
                RuntimeException e = assertThrows(RuntimeException.class, () -> Asyncio.await(task));
                assertSame(exc, e);
                assertNotSame(e, e.getCause());
                assertEquals(0, e.getSuppressed().length);
            }
            return null;
        });
    }

    // ---- our own ----

    @Test
    void runUntilCompleteOfNullCoroutineFails() {
        assertThrows(NullPointerException.class, () -> loop.runUntilComplete((Coroutine<Object>) null));
    }

    @Test
    void sleepZeroYieldsExactlyOnce() {
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            loop.callSoon(() -> {
                log.add("first");
                loop.callSoon(() -> log.add("second"));
            });
            Asyncio.sleep(0);
            log.add("after sleep(0)");
            Asyncio.sleep(0);
            log.add("after second sleep(0)");
            return null;
        });
        assertEquals(List.of("first", "after sleep(0)", "second", "after second sleep(0)"), log);
    }

    @Test
    void negativeSleepYieldsLikeZero() {
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            loop.callSoon(() -> log.add("cb"));
            Asyncio.sleep(-1);
            log.add("task");
            return null;
        });
        assertEquals(List.of("cb", "task"), log);
        assertEquals(0.0, loop.time());
    }

    @Test
    void sleepDurationUsesTheVirtualClock() {
        loop.runUntilComplete(() -> {
            Asyncio.sleep(java.time.Duration.ofMillis(1500));
            return null;
        });
        assertEquals(1.5, loop.time(), 1e-9);
    }

    @Test
    void taskStartsOnTheNextIterationNotInCreateTask() {
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            Task<Object> t = Asyncio.createTask(() -> {
                log.add("child");
                return null;
            });
            log.add("parent");
            Asyncio.await(t);
            return null;
        });
        assertEquals(List.of("parent", "child"), log);
    }

    @Test
    void stepsOfReadyTasksRunInFifoOrder() {
        List<Integer> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            List<Task<Object>> ts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int n = i;
                ts.add(Asyncio.createTask(() -> {
                    log.add(n);
                    Asyncio.sleep(0);
                    log.add(10 + n);
                    return null;
                }));
            }
            for (Task<Object> t : ts) Asyncio.await(t);
            return null;
        });
        assertEquals(List.of(0, 1, 2, 10, 11, 12), log);
    }

    @Test
    void taskResultAndException() {
        Task<Integer> ok = newTask(() -> 7);
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        Task<Integer> bad = newTask(() -> {
            throw boom;
        });
        assertThrows(InvalidStateError.class, ok::result);
        assertEquals(7, loop.runUntilComplete(ok));
        assertSame(boom, assertThrows(IllegalArgumentException.class, () -> loop.runUntilComplete(bad)));
        assertSame(boom, bad.exception());
        assertNull(ok.exception());
    }

    @Test
    void checkedExceptionOfATaskIsRethrownUnchangedByAwait() {
        java.io.IOException io = new java.io.IOException("io");
        Throwable seen = loop.runUntilComplete(() -> {
            Task<Object> t = Asyncio.createTask(() -> {
                throw io;
            });
            try {
                Asyncio.await(t);
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        assertSame(io, seen);
    }

    @Test
    void taskExceptionNeverRetrievedIsReportedAtClose() {
        IllegalStateException boom = new IllegalStateException("boom");
        // Held: a task still reachable is reported at close (a collected one while the loop runs, see
        // UnretrievedExceptionTest), with the task in the context.
        Task<Object> t = loop.createTask(() -> {
            throw boom;
        });
        runBriefly();
        assertEquals(List.of(), handled, "nothing before close");
        loop.close();
        assertEquals(List.of("Task exception was never retrieved"), handledMessages());
        assertSame(boom, handled.get(0).exception());
        assertSame(t, handled.get(0).task());
    }

    @Test
    void taskExceptionRetrievedIsNotReported() {
        Task<Object> t = loop.createTask(() -> {
            throw new IllegalStateException("boom");
        });
        runBriefly();
        assertInstanceOf(IllegalStateException.class, t.exception());
        loop.close();
        assertEquals(List.of(), handled);
    }

    @Test
    void taskExceptionAwaitedIsNotReported() {
        loop.runUntilComplete(() -> {
            Task<Object> t = Asyncio.createTask(() -> {
                throw new IllegalStateException("boom");
            });
            assertThrows(IllegalStateException.class, () -> Asyncio.await(t));
            return null;
        });
        loop.close();
        assertEquals(List.of(), handled);
    }

    @Test
    void unreferencedPendingTaskSurvivesGc() {
        Future<String> gate = loop.createFuture();
        AtomicReference<String> seen = new AtomicReference<>();
        loop.createTask(() -> {
            seen.set(Asyncio.await(gate));
            return null;
        });
        runBriefly();
        for (int i = 0; i < 3; i++) System.gc();
        assertEquals(1, loop.allTasks().size());
        gate.setResult("alive");
        runBriefly();
        runBriefly();
        assertEquals("alive", seen.get());
        assertEquals(Set.of(), loop.allTasks());
    }

    @Test
    void allTasksListsPendingTasksOnly() {
        loop.runUntilComplete(() -> {
            Task<?> me = Asyncio.currentTask();
            Task<Object> a = Asyncio.createTask(() -> {
                Asyncio.sleep(1);
                return null;
            });
            Task<Object> b = Asyncio.createTask(() -> null);
            assertEquals(Set.of(me, a, b), Asyncio.allTasks());
            Asyncio.await(b);
            assertEquals(Set.of(me, a), Asyncio.allTasks());
            Asyncio.await(a);
            assertEquals(Set.of(me), Asyncio.allTasks());
            return null;
        });
        assertEquals(Set.of(), loop.allTasks());
    }

    @Test
    void awaitingADoneTaskTwiceGivesTheSameResult() {
        loop.runUntilComplete(() -> {
            Task<String> t = Asyncio.createTask(() -> "r");
            assertEquals("r", Asyncio.await(t));
            assertEquals("r", Asyncio.await(t));
            return null;
        });
    }

    @Test
    void taskDoneCallbacksRunAfterTheTaskFinishes() {
        List<String> log = new ArrayList<>();
        Task<String> t = newTask(() -> {
            log.add("body");
            return "x";
        });
        t.addDoneCallback(f -> log.add("cb " + f.result()));
        loop.runUntilComplete(t);
        runBriefly();
        assertEquals(List.of("body", "cb x"), log);
    }

    @Test
    void getStackOfASuspendedTaskShowsWhereItWaits() {
        loop.runUntilComplete(() -> {
            Task<Object> sleeper = Asyncio.createTask(this::waitingHere);
            Asyncio.sleep(0);
            StackTraceElement[] stack = sleeper.getStack();
            assertTrue(stackHas(stack, "waitingHere"), Arrays.toString(stack));
            sleeper.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(sleeper));
            return null;
        });
    }

    private Object waitingHere() {
        Asyncio.sleep(100);
        return null;
    }

    @Test
    void debugModeAcceptsSchedulingFromTaskCode() {
        loop.setDebug(true);
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            loop.callSoon(() -> log.add("soon"));
            loop.callLater(0.5, () -> log.add("later"));
            loop.callAt(loop.time() + 1, () -> log.add("at"));
            Task<Object> child = Asyncio.createTask(() -> {
                loop.callSoon(() -> log.add("from child"));
                return null;
            });
            Asyncio.sleep(2);
            return Asyncio.await(child);
        });
        assertEquals(List.of("soon", "from child", "later", "at"), log);
        assertEquals(List.of(), handled);
    }

    @Test
    void noRunningLoopInsideAnExecutorThread() {
        Throwable t = loop.runUntilComplete(() -> Asyncio.toThread(() -> {
            try {
                Asyncio.getRunningLoop();
                return null;
            } catch (IllegalStateException e) {
                return e;
            }
        }));
        assertInstanceOf(IllegalStateException.class, t);
    }

    @Test
    void createTaskOnClosedLoopFails() {
        loop.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.createTask(() -> null));
        assertEquals("Event loop is closed", e.getMessage());
    }
}
