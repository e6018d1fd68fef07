package io.jasyncio;

import static io.jasyncio.SyncTesting.*;
import static io.jasyncio.TestLoops.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * test_queues.py's _QueueJoinTestMixin and _QueueShutdownTestMixin, each run (as in CPython) for Queue,
 * LifoQueue and PriorityQueue.
 */
class QueueJoinShutdownTest {
    private static final IntFunction<Queue<Integer>> FIFO = Queue::new;
    private static final IntFunction<Queue<Integer>> LIFO = LifoQueue::new;
    private static final IntFunction<Queue<Integer>> PRIORITY = PriorityQueue::new;
    private static final IntFunction<Queue<String>> FIFO_S = Queue::new;
    private static final IntFunction<Queue<String>> LIFO_S = LifoQueue::new;
    private static final IntFunction<Queue<String>> PRIORITY_S = PriorityQueue::new;

    // ---- join

    private static void taskDoneUnderflow(IntFunction<Queue<Integer>> make) {
        Queue<Integer> q = make.apply(0);
        assertThrows(IllegalArgumentException.class, q::taskDone);
    }

    private static void taskDone(IntFunction<Queue<Integer>> make) {
        runTest(() -> {
            Queue<Integer> q = make.apply(0);
            for (int i = 0; i < 100; i++) q.putNowait(i);
            int[] accumulator = {0};
            boolean[] running = {true};
            // Two workers take items and mark each done; join() returns once all are processed.
            List<Task<Void>> tasks = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                tasks.add(spawn(() -> {
                    while (running[0]) {
                        int item = q.get();
                        accumulator[0] += item;
                        q.taskDone();
                    }
                }));
            }
            q.join();
            assertEquals(4950, accumulator[0]);
            // stop the workers
            running[0] = false;
            for (int i = 0; i < tasks.size(); i++) q.putNowait(0);
            gather(tasks);
        });
    }

    private static void joinEmptyQueue(IntFunction<Queue<Integer>> make) {
        runTest(() -> {
            Queue<Integer> q = make.apply(0);
            // join() of an empty queue returns at once (twice, for insurance)
            q.join();
            q.join();
        });
    }

    private static void joinFormat(IntFunction<Queue<Integer>> make) {
        Queue<Integer> q = make.apply(0);
        assertEquals("maxsize=0", q.format());
        q.unfinishedTasks = 2;
        assertEquals("maxsize=0 tasks=2", q.format());
    }

    // ports test_queues.py::QueueJoinTests::test_task_done_underflow
    @Test
    void queueTaskDoneUnderflow() {
        taskDoneUnderflow(FIFO);
    }

    // ports test_queues.py::LifoQueueJoinTests::test_task_done_underflow
    @Test
    void lifoTaskDoneUnderflow() {
        taskDoneUnderflow(LIFO);
    }

    // ports test_queues.py::PriorityQueueJoinTests::test_task_done_underflow
    @Test
    void priorityTaskDoneUnderflow() {
        taskDoneUnderflow(PRIORITY);
    }

    // ports test_queues.py::QueueJoinTests::test_task_done
    @Test
    void queueTaskDone() {
        taskDone(FIFO);
    }

    // ports test_queues.py::LifoQueueJoinTests::test_task_done
    @Test
    void lifoTaskDone() {
        taskDone(LIFO);
    }

    // ports test_queues.py::PriorityQueueJoinTests::test_task_done
    @Test
    void priorityTaskDone() {
        taskDone(PRIORITY);
    }

    // ports test_queues.py::QueueJoinTests::test_join_empty_queue
    @Test
    void queueJoinEmptyQueue() {
        joinEmptyQueue(FIFO);
    }

    // ports test_queues.py::LifoQueueJoinTests::test_join_empty_queue
    @Test
    void lifoJoinEmptyQueue() {
        joinEmptyQueue(LIFO);
    }

    // ports test_queues.py::PriorityQueueJoinTests::test_join_empty_queue
    @Test
    void priorityJoinEmptyQueue() {
        joinEmptyQueue(PRIORITY);
    }

    // ports test_queues.py::QueueJoinTests::test_format
    @Test
    void queueJoinFormat() {
        joinFormat(FIFO);
    }

    // ports test_queues.py::LifoQueueJoinTests::test_format
    @Test
    void lifoJoinFormat() {
        joinFormat(LIFO);
    }

    // ports test_queues.py::PriorityQueueJoinTests::test_format
    @Test
    void priorityJoinFormat() {
        joinFormat(PRIORITY);
    }

    // ---- shutdown

    private static void shutdownFormat(IntFunction<Queue<String>> make) {
        Queue<String> q = make.apply(0);
        q.shutdown();
        assertEquals("maxsize=0 shutdown", q.format());
    }

    /** put(), putNowait(), get() and getNowait() all raise QueueShutDown. */
    private static void assertEverythingShutDown(Queue<String> q) {
        assertThrows(QueueShutDown.class, () -> q.put("data"));
        assertThrows(QueueShutDown.class, () -> q.putNowait("data"));
        assertThrows(QueueShutDown.class, q::get);
        assertThrows(QueueShutDown.class, q::getNowait);
    }

    private static void shutdownEmpty(IntFunction<Queue<String>> make) {
        runTest(() -> {
            Queue<String> q = make.apply(0);
            Task<String> getTask = Asyncio.getRunningLoop().createTask(q::get);
            Asyncio.sleep(0); // the get task must be pending before the shutdown
            q.shutdown(false); // unfinished tasks: 0 -> 0
            assertEquals(0, q.qsize());
            q.join();
            Asyncio.sleep(0);
            assertTrue(getTask.done());
            assertThrows(QueueShutDown.class, () -> Asyncio.await(getTask));
            assertEverythingShutDown(q);
        });
    }

    private static void shutdownNonempty(IntFunction<Queue<String>> make) {
        runTest(() -> {
            Queue<String> q = make.apply(1);
            EventLoop loop = Asyncio.getRunningLoop();
            q.putNowait("data");
            Task<Void> joinTask = loop.createTask(co(q::join));
            Task<Void> putTask = loop.createTask(co(() -> q.put("data2")));
            Asyncio.sleep(0);
            assertFalse(putTask.done());

            q.shutdown(false); // unfinished tasks: 1 -> 1
            assertEquals(1, q.qsize());
            Asyncio.sleep(0);
            assertTrue(putTask.done());
            assertThrows(QueueShutDown.class, () -> Asyncio.await(putTask));

            // The queued item can still be taken.
            assertEquals("data", q.get());
            Asyncio.sleep(0);
            assertFalse(joinTask.done());
            assertEverythingShutDown(q);

            // one unfinished task: marking it done lets join() return
            q.taskDone();
            Asyncio.sleep(0);
            assertTrue(joinTask.done());
            Asyncio.await(joinTask);
            assertThrows(IllegalArgumentException.class, q::taskDone);
        });
    }

    private static void shutdownImmediate(IntFunction<Queue<String>> make) {
        runTest(() -> {
            Queue<String> q = make.apply(0);
            q.putNowait("data");
            Task<Void> joinTask = Asyncio.getRunningLoop().createTask(co(q::join));
            q.shutdown(true); // unfinished tasks: 1 -> 0
            assertEquals(0, q.qsize());
            Asyncio.sleep(0);
            assertTrue(joinTask.done());
            Asyncio.await(joinTask);
            assertEverythingShutDown(q);
            assertThrows(IllegalArgumentException.class, q::taskDone);
        });
    }

    private static void shutdownImmediateWithUnfinished(IntFunction<Queue<String>> make) {
        runTest(() -> {
            Queue<String> q = make.apply(0);
            q.putNowait("data");
            q.putNowait("data");
            Task<Void> joinTask = Asyncio.getRunningLoop().createTask(co(q::join));
            assertEquals("data", q.get());
            q.shutdown(true); // unfinished tasks: 2 -> 1
            assertEquals(0, q.qsize());
            Asyncio.sleep(0);
            assertFalse(joinTask.done());
            assertEverythingShutDown(q);
            q.taskDone();
            assertThrows(IllegalArgumentException.class, q::taskDone);
            Asyncio.sleep(0);
            assertTrue(joinTask.done());
            Asyncio.await(joinTask);
        });
    }

    // ports test_queues.py::QueueShutdownTests::test_format
    @Test
    void queueShutdownFormat() {
        shutdownFormat(FIFO_S);
    }

    // ports test_queues.py::LifoQueueShutdownTests::test_format
    @Test
    void lifoShutdownFormat() {
        shutdownFormat(LIFO_S);
    }

    // ports test_queues.py::PriorityQueueShutdownTests::test_format
    @Test
    void priorityShutdownFormat() {
        shutdownFormat(PRIORITY_S);
    }

    // ports test_queues.py::QueueShutdownTests::test_shutdown_empty
    @Test
    void queueShutdownEmpty() {
        shutdownEmpty(FIFO_S);
    }

    // ports test_queues.py::LifoQueueShutdownTests::test_shutdown_empty
    @Test
    void lifoShutdownEmpty() {
        shutdownEmpty(LIFO_S);
    }

    // ports test_queues.py::PriorityQueueShutdownTests::test_shutdown_empty
    @Test
    void priorityShutdownEmpty() {
        shutdownEmpty(PRIORITY_S);
    }

    // ports test_queues.py::QueueShutdownTests::test_shutdown_nonempty
    @Test
    void queueShutdownNonempty() {
        shutdownNonempty(FIFO_S);
    }

    // ports test_queues.py::LifoQueueShutdownTests::test_shutdown_nonempty
    @Test
    void lifoShutdownNonempty() {
        shutdownNonempty(LIFO_S);
    }

    // ports test_queues.py::PriorityQueueShutdownTests::test_shutdown_nonempty
    @Test
    void priorityShutdownNonempty() {
        shutdownNonempty(PRIORITY_S);
    }

    // ports test_queues.py::QueueShutdownTests::test_shutdown_immediate
    @Test
    void queueShutdownImmediate() {
        shutdownImmediate(FIFO_S);
    }

    // ports test_queues.py::LifoQueueShutdownTests::test_shutdown_immediate
    @Test
    void lifoShutdownImmediate() {
        shutdownImmediate(LIFO_S);
    }

    // ports test_queues.py::PriorityQueueShutdownTests::test_shutdown_immediate
    @Test
    void priorityShutdownImmediate() {
        shutdownImmediate(PRIORITY_S);
    }

    // ports test_queues.py::QueueShutdownTests::test_shutdown_immediate_with_unfinished
    @Test
    void queueShutdownImmediateWithUnfinished() {
        shutdownImmediateWithUnfinished(FIFO_S);
    }

    // ports test_queues.py::LifoQueueShutdownTests::test_shutdown_immediate_with_unfinished
    @Test
    void lifoShutdownImmediateWithUnfinished() {
        shutdownImmediateWithUnfinished(LIFO_S);
    }

    // ports test_queues.py::PriorityQueueShutdownTests::test_shutdown_immediate_with_unfinished
    @Test
    void priorityShutdownImmediateWithUnfinished() {
        shutdownImmediateWithUnfinished(PRIORITY_S);
    }

    // ---- our own: cancellation at join(), and shutdown waking waiters

    @Test
    void joinCancelledWhileWaitingLeavesCountsAlone() {
        runTest(() -> {
            Queue<Integer> q = new Queue<>();
            q.putNowait(1);
            Task<Void> joiner = spawn(q::join);
            Asyncio.sleep(0);
            joiner.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(joiner));
            assertEquals(1, q.unfinishedTasks);
            q.getNowait();
            q.taskDone();
            q.join(); // returns at once
        });
    }

    @Test
    void shutdownWakesEveryBlockedGetterAndPutter() {
        runTest(() -> {
            Queue<Integer> empty = new Queue<>();
            Queue<Integer> full = new Queue<>(1);
            full.putNowait(0);
            List<Task<?>> getters = new ArrayList<>();
            List<Task<?>> putters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                getters.add(Asyncio.createTask(empty::get));
                int item = i;
                putters.add(spawn(() -> full.put(item)));
            }
            Asyncio.sleep(0);
            empty.shutdown();
            full.shutdown();
            for (Object r : gatherReturnExceptions(getters)) assertInstanceOf(QueueShutDown.class, r);
            for (Object r : gatherReturnExceptions(putters)) assertInstanceOf(QueueShutDown.class, r);
            // Non-immediate shutdown keeps the queued item available.
            assertEquals(0, full.getNowait());
        });
    }
}
