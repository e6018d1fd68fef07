package io.jasyncio.files;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The blocking side of {@link AsyncFile}: a small pool of daemon threads shared by the JVM ("jasyncio-files-N",
 * at most {@link #MAX_THREADS}, each gone after 10 s idle). A file operation runs on one of them while its task
 * waits at an await, so the loop serves others meanwhile, on either engine.
 *
 * <p>Not the loop's default executor: a file operation stuck on a FIFO must not make {@code Asyncio.run} wait for
 * it at shutdown, nor queue behind the user's own jobs.
 *
 * <p>Threading: {@link #call} from task code; the pool is thread-safe.
 */
final class FileWorkers {
    private FileWorkers() {}

    /** Threads at most: file systems gain little from more concurrent calls, and each is a platform thread. */
    static final int MAX_THREADS = Math.min(16, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));

    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final ThreadPoolExecutor POOL = new ThreadPoolExecutor(MAX_THREADS, MAX_THREADS, 10,
            TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "jasyncio-files-" + NAMES.incrementAndGet());
                t.setDaemon(true);
                return t;
            });

    static {
        POOL.allowCoreThreadTimeOut(true);
    }

    /** Operations running on a worker now (tests: a cancelled one must not stay). */
    private static final AtomicInteger RUNNING = new AtomicInteger();

    static int running() {
        return RUNNING.get();
    }

    /**
     * Runs {@code op} on a worker and waits for it from the calling task. If the task is cancelled meanwhile, an
     * operation not started yet never starts, and one under way is ended by closing {@code ends} (a blocked
     * {@code FileChannel} read or write returns at once when its channel is closed); then the CancelledError is
     * rethrown.
     */
    static <T> T call(Closeable ends, Callable<T> op) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        AtomicInteger phase = new AtomicInteger(); // 0 queued, 1 running, 2 done
        Future<T> f = loop.runInExecutor(POOL, () -> {
            if (!phase.compareAndSet(0, 1)) throw new CancelledError(); // cancelled before it started
            RUNNING.incrementAndGet();
            try {
                return op.call();
            } finally {
                RUNNING.decrementAndGet();
                phase.set(2);
            }
        });
        try {
            return Asyncio.await(f);
        } catch (CancelledError e) {
            if (!phase.compareAndSet(0, 2) && phase.get() == 1 && ends != null) {
                ends.close(); // the worker's call fails with AsynchronousCloseException, which nobody awaits now
            }
            throw e;
        }
    }
}
