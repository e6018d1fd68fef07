package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Context variables in tasks and callbacks: ports of test_tasks.py's test_context_N and their kin. */
class ContextVarTest extends LoopTestBase {

    // ports test_tasks.py::BaseTaskTests::test_context_1
    @Test
    void taskSeesTheContextOfItsCreationNotLaterSets() {
        ContextVar<String> cvar = new ContextVar<>("cvar", "nope");
        loop.runUntilComplete(() -> {
            assertEquals("nope", cvar.get());
            Task<Object> sub = Asyncio.createTask(() -> {
                Asyncio.sleep(0.01);
                assertEquals("nope", cvar.get());
                cvar.set("something else");
                return null;
            });
            cvar.set("yes");
            assertEquals("yes", cvar.get());
            Asyncio.await(sub);
            assertEquals("yes", cvar.get());
            return null;
        });
        assertEquals("nope", cvar.get(), "the test thread's own context is untouched");
    }

    // ports test_tasks.py::BaseTaskTests::test_context_2
    @Test
    void doneCallbacksRunInACopyOfTheContextTheyWereAddedIn() {
        ContextVar<String> cvar = new ContextVar<>("cvar", "nope");
        List<String> seenByCallback = new ArrayList<>();
        loop.runUntilComplete(() -> {
            assertEquals("nope", cvar.get());
            for (int j = 0; j < 2; j++) {
                Future<Object> fut = loop.createFuture();
                fut.addDoneCallback(f -> {
                    seenByCallback.add(cvar.get());
                    cvar.set("something else"); // must not reach the task's context
                });
                cvar.set("yes" + j);
                loop.callSoon(() -> fut.setResult(null));
                Asyncio.await(fut);
                assertEquals("yes" + j, cvar.get());
                for (int i = 0; i < 3; i++) {
                    cvar.set("yes" + i + "-" + j);
                    Asyncio.sleep(0.001);
                    assertEquals("yes" + i + "-" + j, cvar.get());
                }
            }
            return null;
        });
        // Each callback was added before the set of its round: it saw the value of the round before.
        assertEquals(List.of("nope", "yes2-0"), seenByCallback);
        assertEquals("nope", cvar.get());
    }

    // ports test_tasks.py::BaseTaskTests::test_context_3
    @Test
    void hundredTasksEachKeepTheirOwnValue() {
        ContextVar<Integer> cvar = new ContextVar<>("cvar", -1);
        Random random = new Random(42);
        loop.runUntilComplete(() -> {
            List<Task<?>> tasks = new ArrayList<>();
            for (int t = 0; t < 100; t++) {
                int num = random.nextInt(11);
                long seed = random.nextLong();
                tasks.add(loop.createTask(() -> {
                    Random r = new Random(seed);
                    for (int i = 0; i < 10; i++) {
                        cvar.set(num + i);
                        Asyncio.sleep(0.001 + r.nextDouble() * 0.049);
                        assertEquals(num + i, cvar.get());
                    }
                    return null;
                }));
            }
            Asyncio.gather(tasks.toArray(new Task<?>[0]));
            return null;
        });
        assertEquals(-1, cvar.get());
    }

    /** test_context_4, _5 and _6 differ only in how the task is made: new Task, asyncio.create_task, loop.create_task. */
    // ports test_tasks.py::BaseTaskTests::test_context_4
    // ports test_tasks.py::BaseTaskTests::test_context_5
    // ports test_tasks.py::BaseTaskTests::test_context_6
    @Test
    void taskGivenAContextSetsItsVariablesThere() {
        ContextVar<Integer> cvar = new ContextVar<>("cvar");
        List<Integer> ret = loop.runUntilComplete(() -> {
            List<Integer> out = new ArrayList<>();
            Context ctx = Context.copyContext();
            out.add(ctx.get(cvar));
            Task<Object> t1 = new Task<>(loop, () -> set(cvar, 1), null, false, ctx);
            Asyncio.await(t1);
            out.add(ctx.get(cvar));
            Task<Object> t2 = Asyncio.createTask(() -> set(cvar, 2), null, ctx);
            Asyncio.await(t2);
            out.add(ctx.get(cvar));
            Task<Object> t3 = loop.createTask(() -> set(cvar, 3), null, ctx);
            Asyncio.await(t3);
            out.add(ctx.get(cvar));
            assertThrows(NoSuchElementException.class, cvar::get, "the creating task's own context is untouched");
            return out;
        });
        assertEquals(java.util.Arrays.asList(null, 1, 2, 3), ret);
    }

    private static Object set(ContextVar<Integer> cvar, int val) {
        Asyncio.sleep(0);
        cvar.set(val);
        return null;
    }

    // ports test_tasks.py::BaseTaskTests::test_get_context
    @Test
    void getContextReturnsTheContextGiven() {
        Context context = Context.copyContext();
        Task<Object> task = loop.createTask(() -> null, null, context);
        loop.runUntilComplete(task);
        assertSame(context, task.getContext());
    }

    // ports test_taskgroups.py::TestTaskGroup::test_taskgroup_task_context
    @Test
    void taskGroupTaskGivenAContext() {
        ContextVar<Integer> cvar = new ContextVar<>("cvar");
        loop.runUntilComplete(() -> {
            return TaskGroup.run(g -> {
                Context ctx = Context.copyContext();
                assertNull(ctx.get(cvar));
                Task<Object> t1 = g.createTask(() -> set(cvar, 1), null, ctx);
                Asyncio.await(t1);
                assertEquals(1, ctx.get(cvar));
                Task<Object> t2 = g.createTask(() -> set(cvar, 2), null, ctx);
                Asyncio.await(t2);
                assertEquals(2, ctx.get(cvar));
                return null;
            });
        });
    }

    // ports test_threads.py::ToThreadTests::test_to_thread_contextvars
    @Test
    void toThreadSeesTheTasksContext() {
        ContextVar<String> testCtx = new ContextVar<>("test_ctx");
        String result = loop.runUntilComplete(() -> {
            testCtx.set("parrot");
            return Asyncio.toThread(testCtx::get);
        });
        assertEquals("parrot", result);
    }

    // ports test_runners.py::RunnerTests::test_run_keeps_context
    @Test
    void runnerKeepsItsContextAcrossRuns() {
        ContextVar<Integer> cvar = new ContextVar<>("cvar", -1);
        try (Runner runner = new Runner()) {
            assertEquals(-1, runner.run(() -> {
                int old = cvar.get();
                Asyncio.sleep(0);
                cvar.set(1);
                return old;
            }));
            assertEquals(1, runner.run(() -> {
                int old = cvar.get();
                Asyncio.sleep(0);
                cvar.set(2);
                return old;
            }));
            assertEquals(2, runner.run(Context::copyContext).get(cvar));
        }
        assertEquals(-1, cvar.get());
    }

    // ports test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_context_vars
    @Test
    void eagerTaskRunsItsFirstStepInItsOwnContext() {
        ContextVar<Integer> cv = new ContextVar<>("cv", 0);
        AtomicBoolean firstStepRan = new AtomicBoolean();
        AtomicBoolean secondStepRan = new AtomicBoolean();
        loop.setTaskFactory(EventLoop.EAGER_TASK_FACTORY);
        loop.runUntilComplete(() -> {
            cv.set(1);
            Task<Object> t = loop.createTask(() -> {
                assertEquals(1, cv.get());
                cv.set(2);
                assertEquals(2, cv.get());
                firstStepRan.set(true);
                Asyncio.sleep(0.1);
                assertEquals(2, cv.get());
                cv.set(3);
                assertEquals(3, cv.get());
                secondStepRan.set(true);
                return null;
            });
            assertTrue(firstStepRan.get());
            assertFalse(secondStepRan.get());
            assertEquals(1, cv.get());
            Asyncio.await(t);
            assertTrue(secondStepRan.get());
            assertEquals(1, cv.get());
            return null;
        });
    }

    @Test
    void callbacksRunInTheContextCurrentWhenScheduledOrTheOneGiven() {
        ContextVar<String> cvar = new ContextVar<>("cvar", "none");
        List<String> seen = new ArrayList<>();
        Context given = new Context();
        loop.runUntilComplete(() -> {
            cvar.set("task");
            loop.callSoon(() -> seen.add("soon:" + cvar.get()));
            loop.callLater(0.01, () -> seen.add("later:" + cvar.get()));
            loop.callSoon(() -> cvar.set("set in a given context"), given);
            cvar.set("changed after scheduling");
            Asyncio.sleep(0.02);
            return null;
        });
        assertEquals(List.of("soon:task", "later:task"), seen);
        assertEquals("set in a given context", given.get(cvar));
    }

    @Test
    void contextRunSetsInThatContextAndRestoresTheCurrentOne() throws Exception {
        ContextVar<String> cvar = new ContextVar<>("cvar", "outer");
        Context ctx = Context.copyContext();
        String inside = ctx.call(() -> {
            cvar.set("inner");
            return cvar.get();
        });
        assertEquals("inner", inside);
        assertEquals("outer", cvar.get());
        assertEquals("inner", ctx.get(cvar));
        assertTrue(ctx.containsKey(cvar));
        assertEquals(1, ctx.size());
        assertEquals("outer", Context.copyContext().get(cvar, "outer"), "a default is not a value");
        Context copy = ctx.copy();
        ctx.run(() -> cvar.set("again"));
        assertEquals("inner", copy.get(cvar), "a copy does not follow the original");
    }

    @Test
    void tokensResetAndRefuseMisuse() {
        ContextVar<String> a = new ContextVar<>("a");
        ContextVar<String> b = new ContextVar<>("b");
        Context.copyContext().run(() -> {
            NoSuchElementException e = assertThrows(NoSuchElementException.class, a::get);
            assertTrue(e.getMessage().contains("'a'"), e.getMessage());
            assertEquals("fallback", a.get("fallback"));
            ContextVar.Token<String> t1 = a.set("1");
            assertSame(ContextVar.Token.MISSING, t1.getOldValue());
            ContextVar.Token<String> t2 = a.set("2");
            assertEquals("1", t2.getOldValue());
            a.reset(t2);
            assertEquals("1", a.get());
            assertThrows(IllegalStateException.class, () -> a.reset(t2), "a token is used once");
            @SuppressWarnings({"unchecked", "rawtypes"})
            ContextVar.Token<String> foreign = (ContextVar.Token) b.set("x");
            assertThrows(IllegalArgumentException.class, () -> a.reset(foreign));
            a.reset(t1);
            assertThrows(NoSuchElementException.class, a::get, "reset to no value at all");
            AtomicReference<ContextVar.Token<String>> elsewhere = new AtomicReference<>();
            new Context().run(() -> elsewhere.set(a.set("other")));
            assertThrows(IllegalArgumentException.class, () -> a.reset(elsewhere.get()),
                    "a token belongs to the context it was made in");
        });
    }

    @Test
    void aContextCannotBeEnteredTwice() {
        Context c = new Context();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.run(() -> c.run(() -> { })));
        assertTrue(e.getMessage().startsWith("cannot enter context"), e.getMessage());
        c.run(() -> { }); // and it is free again afterwards
    }

    /** The program's first set, made in a plain callback, stays in that callback's copy, not the loop thread's context. */
    @Test
    void firstSetEverInACallbackDoesNotLeakIntoTheLoopThread() {
        ContextVar<String> v = new ContextVar<>("v", "dflt");
        boolean wasUsed = Context.used;
        Context.used = false; // as in a program that has set no variable yet
        try {
            loop.callSoon(() -> v.set("leak"));
            Future<Object> fut = loop.createFuture();
            fut.addDoneCallback(f -> v.set("leak from a done callback"));
            fut.setResult(null);
            runBriefly();
            assertEquals("dflt", v.get());
            assertEquals("dflt", loop.runUntilComplete(() -> v.get()), "nor into a task created afterwards");
        } finally {
            Context.used = wasUsed || Context.used;
        }
    }

    /** A reader's handle runs every call in one context, as asyncio's Handle keeps one: per-connection state. */
    @Test
    void aReaderKeepsOneContextAcrossItsCalls() throws Exception {
        ContextVar<Integer> v = new ContextVar<>("v", 0);
        List<Integer> seen = new ArrayList<>();
        java.nio.channels.Pipe pipe = java.nio.channels.Pipe.open();
        boolean wasUsed = Context.used;
        Context.used = false; // the reader's first call makes the program's first set: it must stay the handle's
        try {
            pipe.source().configureBlocking(false);
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            loop.runUntilComplete(() -> {
                Handle h = loop.addReader(pipe.source(), () -> {
                    try {
                        pipe.source().read(one.clear());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    seen.add(v.get());
                    v.set(v.get() + 1);
                });
                for (int i = 0; i < 3; i++) {
                    pipe.sink().write(java.nio.ByteBuffer.wrap(new byte[] {1}));
                    int before = seen.size();
                    for (int turns = 0; seen.size() == before; turns++) {
                        assertTrue(turns < 10_000, "the reader was not called");
                        Asyncio.sleep(0.001);
                    }
                }
                assertSame(h.getContext(), h.getContext());
                assertEquals(3, h.getContext().get(v));
                loop.removeReader(pipe.source());
                return null;
            });
        } finally {
            Context.used = wasUsed || Context.used;
            pipe.source().close();
            pipe.sink().close();
        }
        assertEquals(List.of(0, 1, 2), seen);
    }

    /** A task factory that gives its task its own context must not leave createTask's context to a later task. */
    @Test
    void aContextGivenToCreateTaskReachesNoOtherTask() {
        ContextVar<String> v = new ContextVar<>("v", "none");
        Context given = new Context();
        given.run(() -> v.set("given"));
        Context own = new Context();
        own.run(() -> v.set("own"));
        AtomicReference<String> childSaw = new AtomicReference<>();
        loop.runUntilComplete(() -> {
            loop.setTaskFactory((l, c, n) -> new Task<>(l, c, n, true, own));
            Task<Object> t = loop.createTask(() -> {
                loop.setTaskFactory(null);
                Asyncio.await(loop.createTask(() -> {
                    childSaw.set(v.get());
                    return null;
                }));
                return null;
            }, null, given);
            Asyncio.await(t);
            return null;
        });
        assertEquals("own", childSaw.get());
    }

    /** A factory that builds a helper task first: createTask's context goes to the task of its coroutine. */
    @Test
    void aContextGivenToCreateTaskGoesToTheTaskOfItsCoroutine() {
        ContextVar<String> v = new ContextVar<>("v", "none");
        Context given = new Context();
        given.run(() -> v.set("given"));
        AtomicReference<String> helperSaw = new AtomicReference<>();
        String mainSaw = loop.runUntilComplete(() -> {
            loop.setTaskFactory((l, c, n) -> {
                l.setTaskFactory(null);
                l.createTask(() -> {
                    helperSaw.set(v.get());
                    return null;
                });
                return new Task<>(l, c, n, false);
            });
            Task<String> t = loop.createTask(v::get, "main", given);
            return Asyncio.await(t);
        });
        assertEquals("given", mainSaw);
        assertEquals("none", helperSaw.get());
    }

    /** create_eager_task_factory passes createTask's context to the custom constructor, as asyncio's factory. */
    @Test
    void eagerFactoryConstructorReceivesTheContext() {
        ContextVar<String> v = new ContextVar<>("v", "none");
        Context given = new Context();
        given.run(() -> v.set("given"));
        Context fallback = new Context();
        List<Context> received = new ArrayList<>();
        loop.runUntilComplete(() -> {
            loop.setTaskFactory(EventLoop.createEagerTaskFactory((l, c, n, eager, ctx) -> {
                received.add(ctx);
                return new Task<>(l, c, n, eager, ctx != null ? ctx : fallback);
            }));
            Task<String> t = loop.createTask(v::get, "t", given);
            assertEquals("given", Asyncio.await(t));
            return null;
        });
        assertSame(given, received.getLast());
    }
}
