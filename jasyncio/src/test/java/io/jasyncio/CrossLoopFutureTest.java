package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Calls between loops: {@link Asyncio#runCoroutineThreadsafe} to a given loop, and a future of one loop awaited
 * from a task of another through {@link Asyncio#wrapFuture(Future)} (asyncio's {@code wrap_future} bridge).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CrossLoopFutureTest {
    private LoopGroup group;

    @BeforeEach
    void start() {
        group = LoopGroup.start(2);
    }

    @AfterEach
    void stop() {
        group.close();
    }

    /** A pending future of loop {@code i}, made on that loop. */
    private <T> Future<T> pendingOn(int i) throws Exception {
        return group.submit(i, () -> Asyncio.getRunningLoop().<T>createFuture()).get();
    }

    private void onLoop(int i, Runnable r) {
        group.loop(i).callSoonThreadsafe(r);
    }

    @Test
    void awaitingAFutureOfAnotherLoopDirectlyIsRefusedAsInAsyncio() throws Exception {
        Future<Integer> remote = pendingOn(1);
        ExecutionException e = assertThrows(ExecutionException.class, () -> group.submit(0, () -> Asyncio.await(remote)).get());
        assertTrue(e.getCause().getMessage().contains("attached to a different loop"), e.getCause().getMessage());
    }

    @Test
    void theResultArrivesOnTheAwaitingLoopsThread() throws Exception {
        Future<Integer> remote = pendingOn(1);
        AtomicReference<Thread> deliveredOn = new AtomicReference<>();
        CountDownLatch bridged = new CountDownLatch(1);
        CompletableFuture<Integer> awaiting = group.submit(0, () -> {
            Future<Integer> local = Asyncio.wrapFuture(remote);
            assertSame(Asyncio.getRunningLoop(), local.getLoop());
            local.addDoneCallback(f -> deliveredOn.set(Thread.currentThread()));
            bridged.countDown();
            return Asyncio.await(local) + 1;
        });
        bridged.await();
        onLoop(1, () -> remote.setResult(41));
        assertEquals(42, awaiting.get());
        assertSame(group.submit(0, () -> Asyncio.getRunningLoop().loopThread()).get(), deliveredOn.get());
    }

    @Test
    void aTaskOfAnotherLoopCanBeAwaitedWithItsException() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        Task<Integer> remote = group.submit(1, () -> Asyncio.getRunningLoop().<Integer>createTask(() -> {
            Asyncio.await(Asyncio.wrapFuture(CompletableFuture.runAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            })));
            throw new ArithmeticException("on loop 1");
        })).get();
        CompletableFuture<String> awaiting = group.submit(0, () -> {
            try {
                Asyncio.await(Asyncio.wrapFuture(remote));
                return "no exception";
            } catch (ArithmeticException e) {
                return e.getMessage();
            }
        });
        go.countDown();
        assertEquals("on loop 1", awaiting.get());
    }

    @Test
    void aFutureOfTheRunningLoopIsReturnedAsItIs() throws Exception {
        assertTrue(group.submit(0, () -> {
            Future<Object> f = Asyncio.getRunningLoop().createFuture();
            return Asyncio.wrapFuture(f) == f;
        }).get());
    }

    @Test
    void cancellingTheSourceCancelsTheAwaitingTask() throws Exception {
        Future<Integer> remote = pendingOn(1);
        CountDownLatch bridged = new CountDownLatch(1);
        CompletableFuture<String> awaiting = group.submit(0, () -> {
            Future<Integer> local = Asyncio.wrapFuture(remote);
            bridged.countDown();
            try {
                Asyncio.await(local);
                return "result";
            } catch (CancelledError e) {
                return "cancelled: " + e.getMessage();
            }
        });
        bridged.await();
        onLoop(1, () -> remote.cancel("stop it"));
        assertEquals("cancelled: stop it", awaiting.get());
    }

    @Test
    void cancellingTheAwaitingTaskCancelsTheSourceOnItsOwnLoop() throws Exception {
        CountDownLatch remoteParked = new CountDownLatch(1);
        CompletableFuture<Thread> remoteCancelledOn = new CompletableFuture<>();
        Task<Void> remote = group.submit(1, () -> Asyncio.getRunningLoop().<Void>createTask(() -> {
            try {
                remoteParked.countDown();
                Asyncio.await(Asyncio.getRunningLoop().createFuture());
            } catch (CancelledError e) {
                remoteCancelledOn.complete(Asyncio.getRunningLoop().loopThread());
                throw e;
            }
            return null;
        })).get();
        remoteParked.await();
        CountDownLatch bridged = new CountDownLatch(1);
        CompletableFuture<Void> awaiting = group.submit(0, () -> {
            Future<Void> local = Asyncio.wrapFuture(remote);
            bridged.countDown();
            return Asyncio.await(local);
        });
        bridged.await();
        awaiting.cancel(false); // cancels the task on loop 0, which cancels what it awaits: the bridge, then remote
        assertSame(group.loop(1).loopThread(), remoteCancelledOn.get(), "cancelled on its own loop's thread");
        assertTrue(group.submit(1, remote::cancelled).get());
    }

    /**
     * The source completes on its loop while the bridge is cancelled on the other, at the same time, many times:
     * every time both sides end, consistently (the bridge shows the source's result or its own cancellation,
     * nothing else), and nothing waits for ever.
     */
    @Test
    void completionAndCancellationRacingAcrossLoopsAlwaysSettle() throws Exception {
        for (int round = 0; round < 300; round++) {
            Future<Integer> remote = pendingOn(1);
            CompletableFuture<Future<Integer>> bridge = group.submit(0, () -> Asyncio.wrapFuture(remote));
            Future<Integer> local = bridge.get();
            int r = round;
            CountDownLatch both = new CountDownLatch(2);
            onLoop(1, () -> {
                remote.setResult(r);
                both.countDown();
            });
            onLoop(0, () -> {
                local.cancel();
                both.countDown();
            });
            both.await();
            // Both loops have had their turn; wait until each side has settled on its own loop.
            String outcome = group.submit(0, () -> {
                while (!local.done()) Asyncio.sleep(0);
                return local.cancelled() ? "cancelled" : "result " + local.result();
            }).get();
            String source = group.submit(1, () -> {
                while (!remote.done()) Asyncio.sleep(0);
                return remote.cancelled() ? "cancelled" : "result " + remote.result();
            }).get();
            assertEquals("result " + r, source, "the source completed first on its own loop");
            // Which came first on loop 0 (the cancel, or the result sent over from loop 1) is the race's to decide.
            assertTrue(outcome.equals("cancelled") || outcome.equals("result " + r), outcome);
        }
    }

    @Test
    void cancellationRacingTheSourcesOwnCancellationSettlesBothSides() throws Exception {
        for (int round = 0; round < 300; round++) {
            CountDownLatch parked = new CountDownLatch(1);
            Task<Void> remote = group.submit(1, () -> Asyncio.getRunningLoop().<Void>createTask(() -> {
                parked.countDown();
                Asyncio.await(Asyncio.getRunningLoop().createFuture());
                return null;
            })).get();
            parked.await();
            CompletableFuture<String> awaiting = group.submit(0, () -> {
                try {
                    Asyncio.await(Asyncio.wrapFuture(remote));
                    return "result";
                } catch (CancelledError e) {
                    return "cancelled";
                }
            });
            onLoop(1, remote::cancel);
            awaiting.cancel(false);
            try {
                assertEquals("cancelled", awaiting.get());
            } catch (java.util.concurrent.CancellationException expected) {
                // the awaiting side was cancelled first: fine too
            }
            assertTrue(group.submit(1, () -> {
                while (!remote.done()) Asyncio.sleep(0);
                return remote.cancelled();
            }).get());
        }
    }

    @Test
    void aSourceWhoseLoopClosesWhilePendingEndsTheBridgeWithAnError() throws Exception {
        EventLoop other = new EventLoop();
        Future<Integer> remote = other.createFuture(); // never run: close() ends it pending
        CountDownLatch bridged = new CountDownLatch(1);
        CompletableFuture<String> awaiting = group.submit(0, () -> {
            Future<Integer> local = Asyncio.wrapFuture(remote);
            bridged.countDown();
            try {
                Asyncio.await(local);
                return "result";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        });
        bridged.await();
        Thread runner = Thread.ofPlatform().start(() -> other.runUntilComplete(() -> {
            Asyncio.sleep(0); // lets the bridge's registration run on this loop
            return null;
        }));
        runner.join();
        other.close();
        assertTrue(awaiting.get().contains("closed before it was done"), awaiting.get());
    }

    @Test
    void aSourceOfAnAlreadyClosedLoopEndsTheBridgeAtOnce() throws Exception {
        EventLoop other = new EventLoop();
        Future<Integer> remote = other.createFuture();
        other.close();
        String msg = group.submit(0, () -> {
            try {
                Asyncio.await(Asyncio.wrapFuture(remote));
                return "result";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        }).get();
        assertTrue(msg.contains("closed before it was done"), msg);
    }

    @Test
    void runCoroutineThreadsafeFromOneLoopToAnother() throws Exception {
        // asyncio's run_coroutine_threadsafe(coro, loop) from a task of loop 0, awaited there through wrapFuture.
        String r = group.submit(0, () -> {
            CompletableFuture<String> cf = Asyncio.runCoroutineThreadsafe(
                    () -> Asyncio.getRunningLoop() == group.loop(1) ? "ran on loop 1" : "wrong loop", group.loop(1));
            return Asyncio.await(Asyncio.wrapFuture(cf));
        }).get();
        assertEquals("ran on loop 1", r);
    }
}
