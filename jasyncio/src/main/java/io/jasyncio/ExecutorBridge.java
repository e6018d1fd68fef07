package io.jasyncio;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A loop's bridge to executors (asyncio's {@code run_in_executor} and default-executor handling): runs a job on
 * another thread and completes a loop future with its outcome on the loop's thread; owns the default executor
 * (made on first use, see {@link DefaultExecutor}) and its shutdown.
 *
 * <p>Threading: the loop's thread, except the jobs, which post their outcome through {@code toLoop}.
 */
final class ExecutorBridge {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");

    /** Posts to the loop's thread (the loop's internal callSoonThreadsafe; dropped once the loop is closed). */
    private final Consumer<Runnable> toLoop;
    /** Work on other threads that will come back through {@link #toLoop} (read by the virtual clock). */
    private final AtomicInteger pendingWork;
    private Executor defaultExecutor;
    private boolean shutdownCalled;

    ExecutorBridge(Consumer<Runnable> toLoop, AtomicInteger pendingWork) {
        this.toLoop = toLoop;
        this.pendingWork = pendingWork;
    }

    /** Runs {@code fn} on {@code executor} (null: the default one) and completes {@code fut} with its outcome. */
    <T> Future<T> run(Executor executor, Callable<T> fn, Future<T> fut) {
        if (executor == null) {
            if (shutdownCalled) throw new IllegalStateException("Executor shutdown has been called");
            if (defaultExecutor == null) defaultExecutor = DefaultExecutor.create();
            executor = defaultExecutor;
        }
        pendingWork.incrementAndGet();
        FutureTask<T> job = new FutureTask<>(fn) {
            @Override
            protected void done() {
                toLoop.accept(() -> {
                    pendingWork.decrementAndGet();
                    if (fut.done()) return;
                    try {
                        fut.setResult(get());
                    } catch (java.util.concurrent.CancellationException e) {
                        fut.cancel();
                    } catch (java.util.concurrent.ExecutionException e) {
                        fut.setException(convertCancellation(e.getCause()));
                    } catch (InterruptedException e) {
                        fut.setException(e);
                    }
                });
            }
        };
        fut.addDoneCallback(f -> {
            if (f.cancelled()) job.cancel(false);
        });
        executor.execute(job);
        return fut;
    }

    /**
     * A job that failed with a plain {@link java.util.concurrent.CancellationException} (for example from
     * waiting on a cancelled {@code CompletableFuture}) fails the loop's future with a {@link CancelledError},
     * as asyncio's {@code _convert_future_exc} turns concurrent.futures' CancelledError into its own.
     */
    private static Throwable convertCancellation(Throwable t) {
        if (t instanceof java.util.concurrent.CancellationException && !(t instanceof CancelledError)) {
            CancelledError c = new CancelledError(t.getMessage());
            c.initCause(t);
            return c;
        }
        return t;
    }

    void setDefault(Executor executor) {
        this.defaultExecutor = executor;
    }

    /** Shuts the default executor down and completes {@code done} once its threads have finished (or timed out). */
    Future<Void> shutdownDefault(Duration timeout, Future<Void> done) {
        shutdownCalled = true;
        if (!(defaultExecutor instanceof ExecutorService es)) {
            done.setResult(null);
            return done;
        }
        pendingWork.incrementAndGet();
        Thread joiner = new Thread(() -> {
            boolean finished;
            try {
                finished = DefaultExecutor.shutdownAndJoin(es, timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finished = false;
            }
            boolean ok = finished;
            toLoop.accept(() -> {
                pendingWork.decrementAndGet();
                if (!ok) {
                    LOG.log(Level.WARNING, "The executor did not finish joining its threads within "
                            + (timeout == null ? "the time allowed" : timeout.toMillis() / 1000.0 + " seconds") + ".");
                }
                if (!done.done()) done.setResult(null);
            });
        }, "asyncio-executor-shutdown");
        joiner.setDaemon(true);
        joiner.start();
        done.addDoneCallback(f -> joinQuietly(joiner));
        return done;
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** At the loop's close: no more jobs on the default executor, which is shut down without waiting. */
    void close() {
        shutdownCalled = true;
        Executor ex = defaultExecutor;
        defaultExecutor = null;
        if (ex instanceof ExecutorService es) es.shutdown();
    }
}
