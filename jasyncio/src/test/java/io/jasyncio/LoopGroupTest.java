package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.Net;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.Server;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link LoopGroup}: N loops on N threads as one unit; its shutdown, its failure policy, what it leaves behind. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LoopGroupTest {

    @Test
    void eachLoopRunsItsMainOnItsOwnThread() {
        try (LoopGroup group = LoopGroup.start(3)) {
            assertEquals(3, group.size());
            List<String> seen = group.run(i -> () -> {
                EventLoop running = Asyncio.getRunningLoop();
                assertSame(group.loop(i), running, "main " + i + " runs on loop " + i);
                assertEquals(i, group.currentIndex());
                return running.loopThread().getName();
            });
            assertEquals(3, new HashSet<>(seen).size(), "three loops, three threads: " + seen);
            for (int i = 0; i < 3; i++) assertTrue(seen.get(i).startsWith("jasyncio-loop" + i + "-"), seen.get(i));
        }
    }

    @Test
    void taskNumbersAreUniqueAcrossLoopsAndIncreaseWithinEach() {
        try (LoopGroup group = LoopGroup.start(2)) {
            List<List<Integer>> numbers = group.run(i -> () -> {
                List<Integer> out = new ArrayList<>();
                for (int k = 0; k < 1000; k++) { // several blocks each, taken while the other loop takes its own
                    Task<Object> t = Asyncio.createTask(() -> null);
                    out.add(Integer.parseInt(t.getName().substring("Task-".length())));
                    if (k % 100 == 0) Asyncio.sleep(0);
                }
                return out;
            });
            Set<Integer> all = new HashSet<>();
            for (List<Integer> ns : numbers) {
                all.addAll(ns);
                for (int k = 1; k < ns.size(); k++) assertTrue(ns.get(k) > ns.get(k - 1), "increasing within a loop: " + ns);
            }
            assertEquals(2000, all.size(), "unique across the loops");
        }
    }

    @Test
    void zeroMeansOneLoopPerAvailableProcessor() {
        try (LoopGroup group = LoopGroup.start(0)) {
            assertEquals(Runtime.getRuntime().availableProcessors(), group.size());
        }
        try (LoopGroup group = LoopGroup.perCore()) {
            assertEquals(LoopGroup.availableCores(), group.size());
        }
    }

    @Test
    void aNegativeCountIsRefusedWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoopGroup.start(-1));
        assertTrue(e.getMessage().contains("0 for one per core"), e.getMessage());
    }

    @Test
    void submitRunsOnTheChosenLoopAndNextGoesRoundRobin() throws Exception {
        try (LoopGroup group = LoopGroup.start(2)) {
            assertSame(group.loop(1), group.submit(1, Asyncio::getRunningLoop).get());
            assertSame(group.loop(0), group.next());
            assertSame(group.loop(1), group.next());
            assertSame(group.loop(0), group.next());
            assertEquals(-1, group.currentIndex(), "the test's thread is none of the group's loops");
        }
    }

    @Test
    void aFailingMainShutsTheGroupDownAndIsThrownUnchanged() {
        IllegalStateException boom = new IllegalStateException("boom");
        CountDownLatch otherCancelled = new CountDownLatch(1);
        java.util.concurrent.CompletableFuture<Void> waiting = new java.util.concurrent.CompletableFuture<>();
        LoopGroup group = LoopGroup.start(2);
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> group.run(i -> () -> {
            if (i == 0) {
                try {
                    waiting.complete(null);
                    Asyncio.await(Asyncio.getRunningLoop().createFuture()); // for ever, unless cancelled
                } catch (CancelledError e) {
                    otherCancelled.countDown();
                    throw e;
                }
                return null;
            }
            Asyncio.await(Asyncio.wrapFuture(waiting)); // fails only once loop 0 waits
            throw boom;
        }));
        assertSame(boom, thrown);
        assertEquals(0, otherCancelled.getCount(), "the other loop's main was cancelled");
        assertTrue(group.isTerminated());
        assertSame(boom, group.failure());
        group.close(); // the failure was seen: close does not throw it again
    }

    @Test
    void anErrorEndingOneLoopStopsTheGroupAndIsThrownByClose() throws Exception {
        final class Doom extends Error {
            Doom() {
                super("doom");
            }
        }
        CountDownLatch cancelledOnOtherLoop = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        LoopGroup group = LoopGroup.start(2);
        group.submit(1, () -> {
            try {
                started.countDown();
                Asyncio.await(Asyncio.getRunningLoop().createFuture());
            } finally {
                cancelledOnOtherLoop.countDown();
            }
            return null;
        });
        started.await(); // (a task cancelled before it started would never run its finally block, as in asyncio)
        group.loop(0).callSoonThreadsafe(() -> {
            throw new Doom();
        });
        assertThrows(Doom.class, group::awaitTermination);
        assertTrue(cancelledOnOtherLoop.await(0, TimeUnit.SECONDS), "the other loop was shut down gracefully");
        assertInstanceOf(Doom.class, group.failure());
        group.close();
    }

    @Test
    void aLoopStoppedByItsOwnCodeEndsTheGroupWithoutFailure() throws Exception {
        LoopGroup group = LoopGroup.start(2);
        group.submit(1, () -> {
            Asyncio.getRunningLoop().stop();
            return null;
        });
        group.awaitTermination();
        assertNull(group.failure());
        assertTrue(group.loops().stream().allMatch(EventLoop::isClosed));
        group.close();
    }

    @Test
    void shutdownCancelsEveryTaskAndAwaitsItsCleanup() throws Exception {
        List<String> cleaned = new CopyOnWriteArrayList<>();
        CountDownLatch parked = new CountDownLatch(4);
        LoopGroup group = LoopGroup.start(2);
        for (int i = 0; i < 4; i++) {
            int n = i;
            group.submit(i % 2, () -> {
                try {
                    parked.countDown();
                    Asyncio.await(Asyncio.getRunningLoop().createFuture());
                } finally {
                    Asyncio.sleep(0); // a cleanup that itself awaits: the shutdown waits for it
                    cleaned.add("task" + n);
                }
                return null;
            });
        }
        parked.await();
        group.close();
        assertEquals(Set.of("task0", "task1", "task2", "task3"), new HashSet<>(cleaned));
    }

    @Test
    void serversStopListeningBeforeTasksAreCancelled() throws Exception {
        AtomicReference<Boolean> servingDuringCancel = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(1);
        LoopGroup group = LoopGroup.start(1);
        group.submit(0, () -> {
            Server server = Net.createServer(Quiet::new, "127.0.0.1", 0);
            try {
                ready.countDown();
                Asyncio.await(Asyncio.getRunningLoop().createFuture());
            } finally {
                servingDuringCancel.set(server.isServing() || !server.getSockets().isEmpty());
            }
            return null;
        });
        ready.await();
        group.close();
        assertEquals(Boolean.FALSE, servingDuringCancel.get(), "the server was closed before its task was cancelled");
    }

    @Test
    void nothingIsLeftBehindAfterClose() throws Exception {
        LoopGroup group = LoopGroup.start(2);
        List<Selector> selectors = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        List<SocketChannel> clients = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            selectors.add(group.submit(i, () -> Asyncio.getRunningLoop().selector()).get());
            // A server left open on purpose, with a connection, and a task parked on it.
            ports.add(group.submit(i, () -> {
                Server s = Net.createServer(Quiet::new, "127.0.0.1", 0);
                return ((InetSocketAddress) s.getSockets().get(0).getLocalAddress()).getPort();
            }).get());
            SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", ports.get(i)));
            clients.add(c);
        }
        List<Thread> threads = new ArrayList<>();
        for (EventLoop l : group.loops()) threads.add(group.submit(group.loops().indexOf(l), l::loopThread).get());
        group.close();
        for (Thread t : threads) assertFalse(t.isAlive(), t + " ended");
        for (EventLoop l : group.loops()) assertTrue(l.isClosed());
        for (Selector s : selectors) assertFalse(s.isOpen(), "selector closed");
        for (int port : ports) {
            assertThrows(ConnectException.class, () -> SocketChannel.open(new InetSocketAddress("127.0.0.1", port)).close(),
                    "nothing listens on " + port + " any more");
        }
        for (SocketChannel c : clients) {
            // the accepted side was closed with its loop: the client reads end-of-stream (or a reset)
            try (c) {
                int n;
                try {
                    n = c.read(ByteBuffer.allocate(16));
                } catch (IOException reset) {
                    n = -1;
                }
                assertEquals(-1, n);
            }
        }
    }

    @Test
    void runAndCloseAreRefusedOnTheGroupsOwnLoops() throws Exception {
        try (LoopGroup group = LoopGroup.start(1)) {
            Throwable e = group.submit(0, () -> {
                try {
                    group.close();
                    return null;
                } catch (IllegalStateException expected) {
                    return expected;
                }
            }).get();
            assertNotNull(e);
            assertTrue(e.getMessage().contains("own loops"), e.getMessage());
        }
    }

    /** A protocol that reads and ignores. */
    static final class Quiet implements Protocol {
        @Override
        public void connectionMade(BaseTransport t) {}

        @Override
        public void dataReceived(ByteBuffer data) {}
    }
}
