package io.jasyncio;

import io.jasyncio.internal.Sneaky;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * N event loops, each on its own platform thread, started, run and shut down as one unit: how a jasyncio
 * program uses N cores (Netty's {@code EventLoopGroup}, Vert.x's event loops). Each loop keeps asyncio's rules
 * (one thread, cooperative tasks); the loops share nothing but what the program hands between them through
 * {@link #submit} ({@link Asyncio#runCoroutineThreadsafe}) and {@link Future#wrap(Future, EventLoop)}. A server
 * is sharded over the loops by one listening socket per loop with {@code SO_REUSEPORT}, or by one acceptor
 * handing sockets out (see {@code io.jasyncio.transport.ShardedServer}).
 *
 * <pre>{@code
 * try (LoopGroup group = LoopGroup.start(0)) {          // one loop per available processor
 *     group.run(i -> () -> { serve(); return null; });   // a main task on each loop; blocks until all end
 * }                                                      // graceful shutdown; nothing left behind
 * }</pre>
 *
 * <p>Shutdown ({@link #shutdown()}, {@link #close()}, or the group ending by itself) is asyncio's
 * {@code Runner.close()} on every loop, on its own thread: first each listening server of the loop stops
 * accepting, then the loop's remaining tasks are cancelled and awaited, its default executor is shut down, and
 * the loop is closed (which closes any transport still open); then the thread ends. {@link #close()} returns
 * when every thread has ended, so no thread, selector or socket of the group outlives it.
 *
 * <p>Failure policy: the group is one unit. The first exception that ends a loop (one escaping
 * {@link EventLoop#runForever()}, or raised while shutting it down) or that ends a main task of {@link #run}
 * (other than the cancellation the group itself caused) shuts the whole group down, and is thrown to the caller
 * by {@link #run}, else by {@link #awaitTermination()} or {@link #close()} (once). Later failures are added to
 * it as suppressed. A loop stopped by its own code ({@link EventLoop#stop()}) also shuts the group down, with no
 * failure.
 *
 * <p>Threading: every method may be called from any thread; {@link #run}, {@link #awaitTermination} and
 * {@link #close} block, so call them from outside the group's loops (a loop calling them is refused). Each
 * {@link EventLoop} of the group follows its own rule: touch it only from its thread, or through
 * {@link EventLoop#callSoonThreadsafe} / {@link #submit}.
 */
public final class LoopGroup implements AutoCloseable {
    /** How long a loop's shutdown waits for its default executor, as {@link Runner#close()}. */
    private static final Duration EXECUTOR_JOIN_TIMEOUT = Runner.THREAD_JOIN_TIMEOUT;
    private static final AtomicInteger GROUP_IDS = new AtomicInteger();

    private final EventLoop[] loops;
    private final Thread[] threads;
    /** Per loop: what {@link #submit} handed to it and is not done yet. */
    private final java.util.Set<CompletableFuture<?>>[] submitted;
    private final CountDownLatch terminated;
    /** Completed when every loop has ended. */
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** Whether the failure was thrown to a caller already (it is thrown once). */
    private boolean failureSeen;
    private final AtomicInteger nextLoop = new AtomicInteger();
    private volatile boolean shuttingDown;

    private LoopGroup(int n, String threadName) {
        loops = new EventLoop[n];
        threads = new Thread[n];
        @SuppressWarnings("unchecked")
        java.util.Set<CompletableFuture<?>>[] sets = new java.util.Set[n];
        for (int i = 0; i < n; i++) sets[i] = java.util.concurrent.ConcurrentHashMap.newKeySet();
        submitted = sets;
        terminated = new CountDownLatch(n);
        int id = GROUP_IDS.incrementAndGet();
        for (int i = 0; i < n; i++) loops[i] = new EventLoop();
        for (int i = 0; i < n; i++) {
            int index = i;
            // "jasyncio-loop<i>-g<group>": the loop's index comes first, as Linux keeps 15 characters of a
            // thread's name (in /proc/PID/task/TID/comm, top -H): "jasyncio-loop0-" then tells the loops apart.
            threads[i] = Thread.ofPlatform().name(threadName + i + "-g" + id).unstarted(() -> body(index));
        }
        for (Thread t : threads) t.start();
    }

    /**
     * Starts {@code n} loops on {@code n} new threads; {@code n == 0} means one per available processor
     * ({@link #perCore()}). The loops run (idle) on return.
     *
     * @param n how many loops (0: one per available processor)
     * @return the group, its loops running
     */
    public static LoopGroup start(int n) {
        return start(n, "jasyncio-loop");
    }

    /**
     * {@link #start(int)} with the loops' threads named {@code threadName + i + "-g" + groupNumber} (default
     * {@code "jasyncio-loop"}); keep {@code threadName} under 14 characters for the index to show in tools that
     * read Linux's 15-character thread names.
     *
     * @param n how many loops (0: one per available processor)
     * @param threadName the threads' name prefix
     * @return the group, its loops running
     */
    public static LoopGroup start(int n, String threadName) {
        if (n < 0) throw new IllegalArgumentException("the number of loops must be >= 1, or 0 for one per core; got " + n);
        java.util.Objects.requireNonNull(threadName, "threadName");
        return new LoopGroup(n == 0 ? availableCores() : n, threadName);
    }

    /**
     * {@link #start(int)} with one loop per processor available to the JVM.
     *
     * @return the group, its loops running
     */
    public static LoopGroup perCore() {
        return start(0);
    }

    /**
     * The processors available to the JVM ({@link Runtime#availableProcessors()}: cgroup and affinity aware).
     *
     * @return the number of processors available to the JVM
     */
    public static int availableCores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** {@return how many loops the group has} */
    public int size() {
        return loops.length;
    }

    /**
     * Loop {@code i}, 0 &le; i &lt; {@link #size()}.
     *
     * @param i the loop's index, from 0
     * @return loop {@code i}
     */
    public EventLoop loop(int i) {
        return loops[i];
    }

    /** {@return the loops, in order} */
    public List<EventLoop> loops() {
        return List.of(loops);
    }

    /** {@return the loops one after the other, round-robin (for handing out work or accepted connections)} */
    public EventLoop next() {
        return loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
    }

    /** {@return the index of the group's loop running on the calling thread, or -1} */
    public int currentIndex() {
        Thread t = Thread.currentThread();
        EventLoop running = RunningLoop.getOrNull();
        for (int i = 0; i < loops.length; i++) {
            if (loops[i] == running || threads[i] == t) return i;
        }
        return -1;
    }

    /**
     * Runs {@code coro} as a task of loop {@code i} ({@link Asyncio#runCoroutineThreadsafe}): the result, from
     * any thread. Cancelling the returned future cancels the task.
     *
     * @param <T> the result type
     * @param i the loop's index, from 0
     * @param coro the task's code
     * @return a future of the task's result
     */
    public <T> CompletableFuture<T> submit(int i, Coroutine<T> coro) {
        // Kept in a set until done: a loop that ends without running it (its queue is dropped at close) fails it
        // instead of leaving the caller waiting for ever. Added before the loop's closed flag is read, so the
        // loop's final sweep, made after it is closed, sees it.
        CompletableFuture<T> done = new CompletableFuture<>();
        submitted[i].add(done);
        done.whenComplete((v, e) -> submitted[i].remove(done));
        try {
            CompletableFuture<T> f = Asyncio.runCoroutineThreadsafe(coro, loops[i]);
            f.whenComplete((v, e) -> {
                if (e != null) done.completeExceptionally(e);
                else done.complete(v);
            });
            return new CompletableFuture<>() {
                {
                    done.whenComplete((v, e) -> {
                        if (e != null) completeExceptionally(e);
                        else complete(v);
                    });
                }

                @Override
                public boolean cancel(boolean mayInterruptIfRunning) {
                    boolean r = super.cancel(mayInterruptIfRunning);
                    f.cancel(mayInterruptIfRunning);
                    return r;
                }
            };
        } catch (IllegalStateException closed) {
            submitted[i].remove(done);
            throw new IllegalStateException("loop " + i + " of the group has ended: " + closed.getMessage(), closed);
        }
    }

    /**
     * Runs {@code main.apply(i)} as a task of each loop {@code i} and waits until all have ended; returns their
     * results in loop order. The first to fail shuts the group down (the other mains are cancelled with their
     * loops) and is thrown here, unchanged. When called on the thread named "main", Ctrl-C (SIGINT) cancels
     * every main task and this throws {@link KeyboardInterrupt}, as {@link Runner#run} does. The group is shut
     * down when this returns or throws, unless every main returned normally.
     *
     * @param <T> the result type
     * @param main makes the main coroutine of loop {@code i}
     * @return the mains' results, in loop order
     */
    public <T> List<T> run(IntFunction<Coroutine<T>> main) {
        if (currentIndex() >= 0) throw new IllegalStateException("LoopGroup.run() cannot be called from one of its own loops");
        List<CompletableFuture<T>> mains = new ArrayList<>();
        AtomicInteger interrupts = new AtomicInteger();
        Runner.SigintGuard guard = Runner.SigintGuard.install(() -> {
            if (interrupts.incrementAndGet() > 1) return false; // the second Ctrl-C: the JVM's own handler
            synchronized (mains) {
                mains.forEach(f -> f.cancel(false));
            }
            return true;
        });
        try {
            for (int i = 0; i < loops.length; i++) {
                CompletableFuture<T> f = submit(i, main.apply(i));
                synchronized (mains) {
                    mains.add(f);
                }
                f.whenComplete((v, e) -> {
                    if (e != null && !(e instanceof CancellationException && (shuttingDown || interrupts.get() > 0))) {
                        fail(e);
                    }
                });
            }
            // Every main ends, or the group does (a loop that ended before running its main never completes it).
            try {
                CompletableFuture.anyOf(CompletableFuture.allOf(mains.toArray(CompletableFuture[]::new)), ended).get();
            } catch (ExecutionException failedOrCancelled) {
                // recorded by the main's whenComplete; looked at below
            }
            List<T> results = new ArrayList<>();
            for (CompletableFuture<T> f : mains) {
                if (!f.isDone() || f.isCompletedExceptionally()) break;
                results.add(f.join());
            }
            if (results.size() == loops.length) return results;
            shutdown();
            awaitThreads();
            if (interrupts.get() > 0 && failure.get() == null) throw new KeyboardInterrupt(new CancelledError());
            throwFailure();
            throw new CancelledError("the group was shut down before its main tasks ended");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown();
            throw new CancelledError("interrupted while waiting for the group's main tasks");
        } finally {
            guard.restore();
        }
    }

    /**
     * Asks every loop to shut down gracefully (see the class comment) and returns at once; idempotent. The
     * group's threads end once their loops are closed: {@link #awaitTermination()} waits for that.
     */
    public void shutdown() {
        shuttingDown = true;
        for (EventLoop loop : loops) {
            try {
                loop.callSoonThreadsafe(loop::stop);
            } catch (IllegalStateException closed) {
                // this loop has already ended
            }
        }
    }

    /** {@return whether {@link #shutdown()} was called or the group is shutting down by itself} */
    public boolean isShutdown() {
        return shuttingDown;
    }

    /**
     * Waits until every loop has shut down and its thread ended; then throws the failure that ended the group,
     * if it has not been thrown yet (see the class comment).
     *
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public void awaitTermination() throws InterruptedException {
        awaitThreads();
        throwFailure();
    }

    /**
     * {@link #awaitTermination()} for at most {@code timeout}; false if the loops have not all ended by then.
     *
     * @param timeout the most time to wait
     * @return whether every loop had ended in time
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        if (!terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) return false;
        for (Thread t : threads) t.join();
        throwFailure();
        return true;
    }

    /** {@return whether every loop has ended} */
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    /** {@return the failure that ended the group, or null (whether or not it was thrown already)} */
    public Throwable failure() {
        return failure.get();
    }

    /**
     * Shuts the group down gracefully and waits for every thread to end (uninterruptibly, as
     * {@link Runner#close()}); throws the failure that ended the group if nobody has seen it yet. Idempotent.
     */
    @Override
    public void close() {
        if (currentIndex() >= 0) throw new IllegalStateException("a LoopGroup cannot be closed from one of its own loops");
        shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                awaitThreads();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        throwFailure();
    }

    private void awaitThreads() throws InterruptedException {
        terminated.await();
        for (Thread t : threads) t.join();
    }

    private void throwFailure() {
        Throwable e;
        synchronized (this) {
            e = failure.get();
            if (e == null || failureSeen) return;
            failureSeen = true;
        }
        throw Sneaky.rethrow(e);
    }

    /** Records the first failure (later ones as suppressed) and shuts the group down. */
    private void fail(Throwable e) {
        if (!failure.compareAndSet(null, e)) {
            Throwable first = failure.get();
            if (first != e) first.addSuppressed(e);
        }
        shutdown();
    }

    /** A loop's thread: run until stopped, then asyncio's Runner.close() on this loop. */
    private void body(int i) {
        EventLoop loop = loops[i];
        try {
            try {
                loop.runForever();
                if (!shuttingDown) shutdown(); // stopped by its own code: the unit ends
            } catch (Throwable e) {
                fail(e);
            }
            try {
                LoopResource.stopListening(loop); // servers first: no new connection during the shutdown
                Runner.cancelAllTasks(loop);
                loop.runUntilComplete(loop.shutdownDefaultExecutor(EXECUTOR_JOIN_TIMEOUT));
            } catch (Throwable e) {
                fail(e);
            }
        } finally {
            try {
                loop.close();
            } catch (Throwable e) {
                fail(e);
            }
            for (CompletableFuture<?> f : List.copyOf(submitted[i])) {
                f.completeExceptionally(new CancelledError("loop " + i + " of the group ended before running it"));
            }
            terminated.countDown();
            if (terminated.getCount() == 0) ended.complete(null);
        }
    }

    @Override
    public String toString() {
        return "<LoopGroup size=" + loops.length + (isTerminated() ? " terminated" : shuttingDown ? " shutting down" : "")
                + " " + Arrays.toString(loops) + ">";
    }
}
