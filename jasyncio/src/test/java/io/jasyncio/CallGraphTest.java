package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Python 3.14's asyncio.graph (test_asyncio/test_graph.py): call stacks and awaited-by edges, on both engines. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CallGraphTest extends LoopTestBase {

    private static List<String> methods(FutureCallGraph g) {
        List<String> out = new ArrayList<>();
        for (FrameCallGraphEntry e : g.callStack()) out.add(e.frame().getMethodName());
        return out;
    }

    private static List<String> ourMethods(FutureCallGraph g) {
        List<String> out = new ArrayList<>();
        for (FrameCallGraphEntry e : g.callStack()) {
            if (e.frame().getClassName().equals(CallGraphTest.class.getName())) out.add(e.frame().getMethodName());
        }
        return out;
    }

    static Object deepest(Event go) throws Exception {
        go.await();
        return null;
    }

    static Object middle(Event go) throws Exception {
        return deepest(go);
    }

    static Object captureHere(List<FutureCallGraph> into) {
        into.add(CallGraph.captureCallGraph());
        return null;
    }

    // test_graph.py: test_stack_tgroup — the current task's stack, awaited by the group's parent task
    @Test
    void currentTaskInATaskGroupIsAwaitedByTheParent() {
        List<FutureCallGraph> got = new ArrayList<>();
        Task<?> main = loop.createTask(() -> TaskGroup.run(tg -> {
            tg.createTask(() -> captureHere(got), "test");
            return null;
        }), "main");
        loop.runUntilComplete(main);
        FutureCallGraph g = got.get(0);
        assertEquals("test", ((Task<?>) g.future()).getName());
        assertEquals("captureHere", methods(g).get(0), "the stack starts at the caller: " + methods(g));
        assertEquals(1, g.awaitedBy().size());
        FutureCallGraph parent = g.awaitedBy().get(0);
        assertSame(main, parent.future());
        assertTrue(methods(parent).contains("run"), "the parent is in TaskGroup.run: " + methods(parent));
        assertEquals(TaskGroup.class.getName(), parent.callStack().stream().filter(e -> e.frame().getMethodName().equals("run"))
                .findFirst().orElseThrow().frame().getClassName());
        for (FrameCallGraphEntry e : parent.callStack()) {
            String c = e.frame().getClassName();
            assertFalse(c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("io.jasyncio.internal.")
                    || c.equals(Task.class.getName()), "machinery frame kept: " + e.frame());
        }
    }

    // test_graph.py: a suspended task's stack is where its code awaits, innermost first
    @Test
    void suspendedTaskStackNamesWhereItWaits() {
        Event go = new Event();
        Task<?> sleeper = loop.createTask(() -> middle(go), "sleeper");
        runBriefly();
        FutureCallGraph g = loop.runUntilComplete(() -> CallGraph.captureCallGraph(sleeper));
        assertEquals(List.of("deepest", "middle"), ourMethods(g).subList(0, 2), "stack: " + methods(g));
        assertEquals("await", methods(g).get(0), "Event.await is a library coroutine, kept: " + methods(g));
        assertEquals(Event.class.getName(), g.callStack().get(0).frame().getClassName());
        assertTrue(g.awaitedBy().isEmpty());
        go.set();
        loop.runUntilComplete(sleeper);
        assertEquals(List.of(), CallGraph.captureCallGraph(sleeper).callStack(), "a done task has no stack");
    }

    // test_graph.py: test_stack_gather — children awaited by gather's future, itself awaited by the task
    @Test
    void gatherChildrenAreAwaitedByTheOuterFutureAndItsAwaiter() {
        Event go = new Event();
        List<Task<?>> kids = new ArrayList<>();
        Task<?> main = loop.createTask(() -> {
            kids.add(Asyncio.createTask(() -> deepest(go), "a"));
            kids.add(Asyncio.createTask(() -> deepest(go), "b"));
            return Asyncio.await(Asyncio.gather(kids.get(0), kids.get(1)));
        }, "main");
        runBriefly();
        runBriefly();
        FutureCallGraph g = loop.runUntilComplete(() -> CallGraph.captureCallGraph(kids.get(1)));
        assertEquals(1, g.awaitedBy().size());
        FutureCallGraph outer = g.awaitedBy().get(0);
        assertFalse(outer.future() instanceof Task, "the gather future");
        assertEquals(List.of(), outer.callStack());
        assertSame(main, outer.awaitedBy().get(0).future());
        String text = loop.runUntilComplete(() -> CallGraph.formatCallGraph(kids.get(0)));
        assertTrue(text.startsWith("* Task(name='a', id=0x"), text);
        assertTrue(text.contains("\n  + Call stack:\n  |   File 'Event.java', line "), text);
        assertTrue(text.contains("\n  + Awaited by:\n    * Future(id=0x"), text);
        assertTrue(text.contains("\n        * Task(name='main', id=0x"), text);
        go.set();
        loop.runUntilComplete(main);
    }

    // test_graph.py: future_add_to_awaited_by / future_discard_from_awaited_by
    @Test
    void edgesAddedByHandShowAndGoAndCyclesEnd() {
        Future<Object> a = loop.createFuture();
        Future<Object> b = loop.createFuture();
        CallGraph.futureAddToAwaitedBy(a, b);
        CallGraph.futureAddToAwaitedBy(a, b); // a set: once
        FutureCallGraph g = CallGraph.captureCallGraph(a);
        assertEquals(1, g.awaitedBy().size());
        assertSame(b, g.awaitedBy().get(0).future());
        CallGraph.futureAddToAwaitedBy(b, a); // a cycle stops at the future already on the path
        g = CallGraph.captureCallGraph(a);
        assertEquals(List.of(), g.awaitedBy().get(0).awaitedBy());
        CallGraph.futureDiscardFromAwaitedBy(a, b);
        CallGraph.futureDiscardFromAwaitedBy(a, b); // discarding what is not there is fine
        assertEquals(List.of(), CallGraph.captureCallGraph(a).awaitedBy());
        assertThrows(NullPointerException.class, () -> CallGraph.futureAddToAwaitedBy(a, null));
        CallGraph.futureDiscardFromAwaitedBy(b, a);
    }

    // graph.py: limit keeps the outermost frames when positive, the innermost when negative, none at 0
    @Test
    void limitKeepsOutermostOrInnermostFrames() {
        Event go = new Event();
        Task<?> t = loop.createTask(() -> middle(go), "t");
        runBriefly();
        List<FrameCallGraphEntry> all = CallGraph.captureCallGraph(t).callStack();
        assertTrue(all.size() >= 3, all.toString());
        assertEquals(all.subList(all.size() - 1, all.size()), CallGraph.captureCallGraph(t, 1, 1).callStack());
        assertEquals(all.subList(0, 2), CallGraph.captureCallGraph(t, 1, -2).callStack());
        assertEquals(List.of(), CallGraph.captureCallGraph(t, 1, 0).callStack());
        assertEquals(all, CallGraph.captureCallGraph(t, 1, 100).callStack());
        go.set();
        loop.runUntilComplete(t);
    }

    static Object depthTwo(List<FutureCallGraph> into) {
        into.add(CallGraph.captureCallGraph(null, 2, null));
        return null;
    }

    static Object callsDepthTwo(List<FutureCallGraph> into) {
        return depthTwo(into);
    }

    // graph.py: depth drops frames from the top of the current task's stack
    @Test
    void depthSkipsTheCallersFrames() {
        List<FutureCallGraph> got = new ArrayList<>();
        loop.runUntilComplete(loop.createTask(() -> callsDepthTwo(got)));
        assertEquals("callsDepthTwo", methods(got.get(0)).get(0));
    }

    // graph.py: no running loop and no future is an error; a callback (no current task) gets null / ""
    @Test
    void withoutATaskThereIsNoGraph() {
        assertThrows(IllegalStateException.class, CallGraph::captureCallGraph);
        List<Object> got = new ArrayList<>();
        loop.callSoon(() -> {
            got.add(CallGraph.captureCallGraph());
            got.add(CallGraph.formatCallGraph());
        });
        runBriefly();
        assertNull(got.get(0));
        assertEquals("", got.get(1));
    }

    @Test
    void printCallGraphWritesTheFormattedGraph() {
        Future<Object> f = loop.createFuture();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        CallGraph.printCallGraph(f, new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(CallGraph.formatCallGraph(f) + System.lineSeparator(), buf.toString(StandardCharsets.UTF_8));
        assertTrue(buf.toString(StandardCharsets.UTF_8).startsWith("* Future(id=0x"));
    }

    // test_graph.py: shield — the inner future is awaited by the outer one, which the task awaits
    @Test
    void shieldedFutureIsAwaitedByTheShield() {
        Future<Object> inner = loop.createFuture();
        Task<?> t = loop.createTask(() -> Asyncio.await(Asyncio.shield(inner)), "shielding");
        runBriefly();
        FutureCallGraph g = CallGraph.captureCallGraph(inner);
        assertEquals(1, g.awaitedBy().size());
        FutureCallGraph outer = g.awaitedBy().get(0);
        assertNotSame(inner, outer.future());
        assertSame(t, outer.awaitedBy().get(0).future());
        inner.setResult(1);
        loop.runUntilComplete(t);
    }
}
