package io.jasyncio;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loop's default executor, as asyncio's: a pool of at most min(32, cores + 4) daemon threads named
 * "asyncio-N", started on demand and ended after a minute idle; and its shutdown, which waits until those
 * threads are really gone (so that nothing of a run is left alive after {@code run()} returns).
 *
 * <p>Threading: the pool is thread-safe; {@link #shutdownAndJoin} blocks its caller.
 */
final class DefaultExecutor {
    private DefaultExecutor() {}

    static ThreadPoolExecutor create() {
        int n = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(n, n, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new NamedThreadFactory("asyncio-"));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Shuts {@code es} down and waits for its jobs, and for its threads when it is one of ours; false if
     * {@code timeout} (null: none) ran out first.
     */
    static boolean shutdownAndJoin(ExecutorService es, Duration timeout) throws InterruptedException {
        es.shutdown();
        boolean finished = es.awaitTermination(timeout == null ? Long.MAX_VALUE : timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (finished && es instanceof ThreadPoolExecutor tpe && tpe.getThreadFactory() instanceof NamedThreadFactory f) {
            f.joinAll();
        }
        return finished;
    }

    /** Daemon threads with a name prefix, remembered so that a shutdown can wait until they are gone. */
    static final class NamedThreadFactory implements ThreadFactory {
        private final String prefix;
        private final AtomicInteger n = new AtomicInteger();
        private final Set<Thread> threads = Collections.synchronizedSet(new HashSet<>());

        NamedThreadFactory(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            synchronized (threads) {
                // Threads that timed out are dropped here, not by themselves as they end: a thread that removed
                // itself in a finally block was still alive for a moment, and joinAll could return before it ended.
                threads.removeIf(old -> !old.isAlive());
                threads.add(t);
            }
            return t;
        }

        void joinAll() throws InterruptedException {
            List<Thread> copy;
            synchronized (threads) {
                copy = new ArrayList<>(threads);
            }
            for (Thread t : copy) t.join();
            synchronized (threads) {
                threads.removeAll(copy);
            }
        }
    }
}
