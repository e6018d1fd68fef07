package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ports of test_eager_task_factory.py's task-counting tests: TaskGroup and gather trees, eager or not. */
class EagerCompositionTest {

    /** A task factory that counts the tasks it creates without eager start (test's AsyncTaskCounter). */
    private static final class CountingFactory implements EventLoop.TaskFactory {
        final boolean eager;
        int taskCount;
        int created;

        CountingFactory(boolean eager) {
            this.eager = eager;
        }

        @Override
        public Task<?> create(EventLoop loop, Coroutine<?> coro, String name) {
            if (!eager) taskCount++;
            created++;
            return new Task<>(loop, coro, name, eager);
        }
    }

    private static Object recursiveTaskGroups(int width, int depth) {
        if (depth == 0) return null;
        return TaskGroup.run(tg -> {
            List<Task<Object>> futures = new ArrayList<>();
            for (int i = 0; i < width; i++) futures.add(tg.createTask(() -> recursiveTaskGroups(width, depth - 1)));
            return null;
        });
    }

    private static Object recursiveGather(int width, int depth) {
        if (depth == 0) return null;
        List<Coroutine<?>> children = new ArrayList<>();
        for (int i = 0; i < width; i++) children.add(() -> recursiveGather(width, depth - 1));
        Asyncio.await(Asyncio.gather(children, false));
        return null;
    }

    private static CountingFactory runWith(boolean eager, Coroutine<Object> main) {
        try (EventLoop loop = new EventLoop()) {
            CountingFactory counter = new CountingFactory(eager);
            loop.setTaskFactory(counter);
            Asyncio.setEventLoop(loop);
            try {
                loop.runUntilComplete(main);
            } finally {
                Asyncio.setEventLoop(null);
            }
            return counter;
        }
    }

    // ports test_eager_task_factory.py::NonEagerTests::test_recursive_taskgroups
    @Test
    void recursiveTaskGroupsNonEager() {
        CountingFactory c = runWith(false, () -> recursiveTaskGroups(5, 4));
        assertEquals(781, c.taskCount); // 1 + 5 + 5^2 + 5^3 + 5^4
    }

    // ports test_eager_task_factory.py::EagerTests::test_recursive_taskgroups
    @Test
    void recursiveTaskGroupsEager() {
        CountingFactory c = runWith(true, () -> recursiveTaskGroups(5, 4));
        assertEquals(0, c.taskCount);
        assertEquals(781, c.created);
    }

    // ports test_eager_task_factory.py::NonEagerTests::test_recursive_gather
    @Test
    void recursiveGatherNonEager() {
        CountingFactory c = runWith(false, () -> recursiveGather(5, 4));
        assertEquals(781, c.taskCount);
    }

    // ports test_eager_task_factory.py::EagerTests::test_recursive_gather
    @Test
    void recursiveGatherEager() {
        CountingFactory c = runWith(true, () -> recursiveGather(5, 4));
        assertEquals(0, c.taskCount);
        assertEquals(781, c.created);
    }
}
