package io.jasyncio;

import static io.jasyncio.SyncTesting.*;
import static io.jasyncio.TestLoops.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QueueTest {

    // ---- QueueBasicTests

    // ports test_queues.py::QueueBasicTests::test_str
    @Test
    void str() {
        runTest(() -> {
            Queue<Integer> q = new Queue<>();
            assertTrue(q.toString().startsWith("<Queue"), q.toString());
            assertFalse(q.toString().contains(Integer.toHexString(System.identityHashCode(q))));

            // getters
            Queue<Integer> q1 = new Queue<>();
            Task<Integer> getter = Asyncio.createTask(q1::get);
            Asyncio.sleep(0); // let it start waiting
            assertTrue(q1.toString().contains("_getters[1]"), q1.toString());
            q1.putNowait(0);
            assertEquals(0, Asyncio.await(getter));

            // putters
            Queue<Integer> q2 = new Queue<>(1);
            q2.putNowait(1);
            Task<Void> putter = spawn(() -> q2.put(2));
            Asyncio.sleep(0);
            assertTrue(q2.toString().contains("_putters[1]"), q2.toString());
            q2.getNowait();
            Asyncio.await(putter);
            assertTrue(putter.done());

            Queue<Integer> q3 = new Queue<>();
            q3.putNowait(1);
            assertTrue(q3.toString().contains("_queue=[1]"), q3.toString());
        });
    }

    // ports test_queues.py::QueueBasicTests::test_empty
    @Test
    void empty() {
        runTest(() -> {
            Queue<Integer> q = new Queue<>();
            assertTrue(q.empty());
            q.put(1);
            assertFalse(q.empty());
            assertEquals(1, q.get());
            assertTrue(q.empty());
        });
    }

    // ports test_queues.py::QueueBasicTests::test_full
    @Test
    void full() {
        runTest(() -> {
            Queue<Integer> q = new Queue<>();
            assertFalse(q.full());
            Queue<Integer> q1 = new Queue<>(1);
            q1.put(1);
            assertTrue(q1.full());
        });
    }

    // ports test_queues.py::QueueBasicTests::test_order
    @Test
    void order() {
        runTest(() -> assertEquals(List.of(1, 3, 2), putThenGet(new Queue<>(), 1, 3, 2)));
    }

    private static List<Integer> putThenGet(Queue<Integer> q, Integer... values) {
        for (Integer i : values) q.put(i);
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < values.length; i++) items.add(q.get());
        return items;
    }

    // ports test_queues.py::QueueBasicTests::test_maxsize
    @Test
    void maxsize() {
        runTest(() -> {
            Queue<Integer> q = new Queue<>(2);
            assertEquals(2, q.maxsize());
            List<Integer> haveBeenPut = new ArrayList<>();
            Task<Boolean> t = Asyncio.createTask(() -> {
                for (int i = 0; i < 3; i++) {
                    q.put(i);
                    haveBeenPut.add(i);
                }
                return true;
            });
            for (int i = 0; i < 2; i++) Asyncio.sleep(0);
            // The putter is blocked after putting two items.
            assertEquals(List.of(0, 1), haveBeenPut);
            assertEquals(0, q.get());
            // Let the putter resume and put the last item.
            Asyncio.sleep(0);
            assertEquals(List.of(0, 1, 2), haveBeenPut);
            assertEquals(1, q.get());
            assertEquals(2, q.get());
            assertTrue(t.done());
            assertTrue(t.result());
        });
    }

    // ---- QueueGetTests

    // ports test_queues.py::QueueGetTests::test_blocking_get
    @Test
    void blockingGet() {
        runTest(() -> {
            Queue<Integer> q = new Queue<>();
            q.putNowait(1);
            assertEquals(1, q.get());
        });
    }

    // ports test_queues.py::QueueGetTests::test_get_with_putters
    @Test
    void getWithPutters() {
        runTest(() -> {
            Queue<Integer> q = new Queue<>(1);
            q.put(1);
            Future<Void> waiter = Asyncio.getRunningLoop().createFuture();
            q.putters.add(waiter);
            assertEquals(1, q.get());
            assertTrue(waiter.done());
            assertNull(waiter.result());
        });
    }

    // ports test_queues.py::QueueGetTests::test_blocking_get_wait
    @Test
    void blockingGetWait() {
        runTest(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Queue<Integer> q = new Queue<>();
            Event started = new Event();
            boolean[] finished = {false};
            Task<Integer> queueGetTask = Asyncio.createTask(() -> {
                started.set();
                int res = q.get();
                finished[0] = true;
                return res;
            });
            started.await();
            assertFalse(finished[0]);
            double t0 = loop.time();
            loop.callLater(0.01, () -> q.putNowait(1));
            int res = Asyncio.await(queueGetTask);
            assertTrue(finished[0]);
            assertEquals(1, res);
            assertEquals(0.01, loop.time() - t0, 1e-9);
        });
    }

    // ports test_queues.py::QueueGetTests::test_nonblocking_get
    @Test
    void nonblockingGet() {
        Queue<Integer> q = new Queue<>();
        q.putNowait(1);
        assertEquals(1, q.getNowait());
    }

    // ports test_queues.py::QueueGetTests::test_nonblocking_get_exception
    @Test
    void nonblockingGetException() {
        Queue<Integer> q = new Queue<>();
        assertThrows(QueueEmpty.class, q::getNowait);
    }

    // ports test_queues.py::QueueGetTests::test_get_cancelled_race
    @Test
    void getCancelledRace() {
        runTest(() -> {
            Queue<String> q = new Queue<>();
            Task<String> t1 = Asyncio.createTask(q::get);
            Task<String> t2 = Asyncio.createTask(q::get);
            Asyncio.sleep(0);
            t1.cancel();
            Asyncio.sleep(0);
            assertTrue(t1.done());
            q.put("a");
            Asyncio.sleep(0);
            assertEquals("a", Asyncio.await(t2));
        });
    }

    // ports test_queues.py::QueueGetTests::test_get_with_waiting_putters
    @Test
    void getWithWaitingPutters() {
        runTest(() -> {
            Queue<String> q = new Queue<>(1);
            spawn(() -> q.put("a"));
            spawn(() -> q.put("b"));
            assertEquals("a", q.get());
            assertEquals("b", q.get());
        });
    }

    // ports test_queues.py::QueueGetTests::test_why_are_getters_waiting
    @Test
    void whyAreGettersWaiting() {
        runTest(() -> {
            int producerNumItems = 5;
            Queue<Integer> q = new Queue<>(1);
            Task<Void> producer = spawn(() -> {
                for (int i = 0; i < producerNumItems; i++) q.put(i);
            });
            Task<Void> consumer = spawn(() -> {
                for (int i = 0; i < producerNumItems; i++) q.get();
            });
            gather(producer, consumer);
        });
    }

    // ports test_queues.py::QueueGetTests::test_cancelled_getters_not_being_held_in_self_getters
    @Test
    void cancelledGettersNotBeingHeldInGetters() {
        runTest(() -> {
            Queue<Integer> queue = new Queue<>(5);
            assertThrows(TimeoutError.class, () -> withTimeout(0.1, queue::get));
            assertEquals(0, queue.getters.size());
        });
    }

    // ---- QueuePutTests

    // ports test_queues.py::QueuePutTests::test_blocking_put
    @Test
    void blockingPut() {
        runTest(() -> {
            Queue<Integer> q = new Queue<>();
            q.put(1); // no maxsize: does not block
            assertEquals(1, q.get());
        });
    }

    // ports test_queues.py::QueuePutTests::test_blocking_put_wait
    @Test
    void blockingPutWait() {
        runTest(() -> {
            Queue<Integer> q = new Queue<>(1);
            Event started = new Event();
            boolean[] finished = {false};
            EventLoop loop = Asyncio.getRunningLoop();
            loop.callLater(0.01, q::getNowait);
            Task<Void> queuePutTask = spawn(() -> {
                started.set();
                q.put(1);
                q.put(2);
                finished[0] = true;
            });
            started.await();
            assertFalse(finished[0]);
            Asyncio.await(queuePutTask);
            assertTrue(finished[0]);
        });
    }

    // ports test_queues.py::QueuePutTests::test_nonblocking_put
    @Test
    void nonblockingPut() {
        Queue<Integer> q = new Queue<>();
        q.putNowait(1);
        assertEquals(1, q.getNowait());
    }

    // ports test_queues.py::QueuePutTests::test_get_cancel_drop_one_pending_reader
    @Test
    void getCancelDropOnePendingReader() {
        runTest(() -> {
            Queue<Integer> q = new Queue<>();
            Task<Integer> reader = Asyncio.createTask(q::get);
            Asyncio.sleep(0);
            q.putNowait(1);
            q.putNowait(2);
            reader.cancel();
            try {
                Asyncio.await(reader);
            } catch (CancelledError e) {
                // try again
                reader = Asyncio.createTask(q::get);
                Asyncio.await(reader);
            }
            // 2 here would mean 1 was dropped
            assertEquals(1, reader.result());
        });
    }

    // ports test_queues.py::QueuePutTests::test_get_cancel_drop_many_pending_readers
    @Test
    void getCancelDropManyPendingReaders() {
        runTest(() -> {
            Queue<Integer> q = new Queue<>();
            Task<Integer> reader1 = Asyncio.createTask(q::get);
            Task<Integer> reader2 = Asyncio.createTask(q::get);
            Task<Integer> reader3 = Asyncio.createTask(q::get);
            Asyncio.sleep(0);
            q.putNowait(1);
            q.putNowait(2);
            reader1.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(reader1));
            Asyncio.await(reader3);
            gather(reader2, reader3);
            // Which concurrent reader gets which item is not specified.
            assertEquals(Set.of(1, 2), Set.of(reader2.result(), reader3.result()));
        });
    }

    // ports test_queues.py::QueuePutTests::test_put_cancel_drop
    @Test
    void putCancelDrop() {
        runTest(() -> {
            Queue<Integer> q = new Queue<>(1);
            q.putNowait(1);
            // putting a second item has to block
            Task<Void> writer = spawn(() -> q.put(2));
            Asyncio.sleep(0);
            assertEquals(1, q.getNowait());
            writer.cancel();
            try {
                Asyncio.await(writer);
            } catch (CancelledError e) {
                // try again
                Asyncio.await(spawn(() -> q.put(2)));
            }
            assertEquals(2, q.getNowait());
            assertEquals(0, q.qsize());
        });
    }

    // ports test_queues.py::QueuePutTests::test_nonblocking_put_exception
    @Test
    void nonblockingPutException() {
        Queue<Integer> q = new Queue<>(1);
        q.putNowait(1);
        assertThrows(QueueFull.class, () -> q.putNowait(2));
    }

    // ports test_queues.py::QueuePutTests::test_put_cancelled
    @Test
    void putCancelled() {
        runTest(() -> {
            Queue<Integer> q = new Queue<>();
            Task<Boolean> t = Asyncio.createTask(() -> {
                q.put(1);
                return true;
            });
            assertEquals(1, q.get());
            assertTrue(t.done());
            assertTrue(t.result());
        });
    }

    // ports test_queues.py::QueuePutTests::test_put_cancelled_race
    @Test
    void putCancelledRace() {
        runTest(() -> {
            Queue<String> q = new Queue<>(1);
            Task<Void> putA = spawn(() -> q.put("a"));
            Task<Void> putB = spawn(() -> q.put("b"));
            Task<Void> putC = spawn(() -> q.put("X"));
            Asyncio.sleep(0);
            assertTrue(putA.done());
            assertFalse(putB.done());
            putC.cancel();
            Asyncio.sleep(0);
            assertTrue(putC.done());
            assertEquals("a", q.getNowait());
            Asyncio.sleep(0);
            assertEquals("b", q.getNowait());
            Asyncio.await(putB);
        });
    }

    // ports test_queues.py::QueuePutTests::test_put_with_waiting_getters
    @Test
    void putWithWaitingGetters() {
        runTest(() -> {
            Queue<String> q = new Queue<>();
            Task<String> t = Asyncio.createTask(q::get);
            Asyncio.sleep(0);
            q.put("a");
            assertEquals("a", Asyncio.await(t));
        });
    }

    // ports test_queues.py::QueuePutTests::test_why_are_putters_waiting
    @Test
    void whyArePuttersWaiting() {
        runTest(() -> {
            Queue<Integer> queue = new Queue<>(2);
            List<Task<Void>> tasks = new ArrayList<>();
            tasks.add(spawn(() -> {
                Asyncio.sleep(0);
                int num = queue.qsize();
                for (int i = 0; i < num; i++) queue.getNowait();
            }));
            for (int i = 0; i < 4; i++) {
                int item = i;
                tasks.add(spawn(() -> queue.put(item)));
            }
            gather(tasks);
        });
    }

    // ports test_queues.py::QueuePutTests::test_cancelled_puts_not_being_held_in_self_putters
    @Test
    void cancelledPutsNotBeingHeldInPutters() {
        runTest(() -> {
            Queue<Integer> queue = new Queue<>(1);
            queue.putNowait(1);
            // a task waiting for room
            Task<Void> putTask = spawn(() -> queue.put(1));
            Asyncio.sleep(0);
            assertEquals(1, queue.putters.size());
            putTask.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(putTask));
            assertEquals(0, queue.putters.size());
        });
    }

    // ports test_queues.py::QueuePutTests::test_cancelled_put_silence_value_error_exception
    @Test
    void cancelledPutAfterItsPutterWasPopped() {
        runTest(() -> {
            Queue<Integer> queue = new Queue<>(1);
            queue.putNowait(1);
            Task<Void> putTask = spawn(() -> queue.put(1));
            Asyncio.sleep(0);
            // getNowait() pops putTask's future from the putters...
            queue.getNowait();
            // ...so the cancelled put() finds nothing to remove: it must still end with CancelledError.
            putTask.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(putTask));
        });
    }

    // ---- LifoQueueTests, PriorityQueueTests

    // ports test_queues.py::LifoQueueTests::test_order
    @Test
    void lifoOrder() {
        runTest(() -> assertEquals(List.of(2, 3, 1), putThenGet(new LifoQueue<>(), 1, 3, 2)));
    }

    // ports test_queues.py::PriorityQueueTests::test_order
    @Test
    void priorityOrder() {
        runTest(() -> assertEquals(List.of(1, 2, 3), putThenGet(new PriorityQueue<>(), 1, 3, 2)));
    }

    // ---- our own

    @Test
    void priorityQueueWithComparator() {
        runTest(() -> {
            PriorityQueue<String> q = new PriorityQueue<>(Comparator.comparing(String::length).reversed());
            for (String s : List.of("bb", "a", "dddd", "ccc")) q.put(s);
            List<String> out = new ArrayList<>();
            while (!q.empty()) out.add(q.get());
            assertEquals(List.of("dddd", "ccc", "bb", "a"), out);
        });
    }

    @Test
    void priorityQueueRefusesIncomparableItemsWithoutCountingThem() {
        PriorityQueue<Object> q = new PriorityQueue<>();
        assertThrows(ClassCastException.class, () -> q.putNowait(new Object()));
        assertEquals(0, q.qsize());
        assertEquals(0, q.unfinishedTasks);
    }

    @Test
    void nullItemsAreRefused() {
        Queue<String> q = new Queue<>();
        assertThrows(NullPointerException.class, () -> q.putNowait(null));
        assertEquals(0, q.unfinishedTasks);
    }

    @Test
    void getterCancelledAfterBeingWokenPassesTheItemOn() {
        runTest(() -> {
            Queue<Integer> q = new Queue<>();
            Task<Integer> g1 = Asyncio.createTask(q::get);
            Task<Integer> g2 = Asyncio.createTask(q::get);
            Asyncio.sleep(0);
            q.putNowait(7); // wakes g1
            g1.cancel();    // before it runs
            assertThrows(CancelledError.class, () -> Asyncio.await(g1));
            assertEquals(7, Asyncio.await(g2));
            assertTrue(q.getters.isEmpty());
        });
    }

    @Test
    void putterCancelledAfterBeingWokenPassesTheSlotOn() {
        runTest(() -> {
            Queue<Integer> q = new Queue<>(1);
            q.putNowait(0);
            Task<Void> p1 = spawn(() -> q.put(1));
            Task<Void> p2 = spawn(() -> q.put(2));
            Asyncio.sleep(0);
            assertEquals(0, q.getNowait()); // wakes p1
            p1.cancel();                    // before it runs
            assertThrows(CancelledError.class, () -> Asyncio.await(p1));
            Asyncio.await(p2);
            assertEquals(2, q.getNowait());
            assertTrue(q.putters.isEmpty());
        });
    }

    @Test
    void boundToItsFirstLoop() {
        Queue<Integer> q = new Queue<>();
        runTest(() -> {
            Task<Integer> g = Asyncio.createTask(q::get);
            Asyncio.sleep(0);
            q.putNowait(1);
            assertEquals(1, Asyncio.await(g));
        });
        runTest(() -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, q::get);
            assertTrue(e.getMessage().contains("is bound to a different event loop"), e.getMessage());
        });
    }

    @Test
    void getWaitsAcrossVirtualTime() {
        runTest(() -> {
            Queue<String> q = new Queue<>();
            EventLoop loop = Asyncio.getRunningLoop();
            loop.callLater(3, () -> q.putNowait("late"));
            assertEquals("late", q.get());
            assertEquals(3.0, loop.time(), 1e-9);
        });
    }
}
