package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.Future;
import io.jasyncio.Task;
import java.util.List;

/** The primitives the core workloads combine: gathering tasks and one event that many tasks wait on. */
final class Composition {
    private Composition() {}

    /** {@code await asyncio.gather(*tasks)}. */
    static void gatherAll(List<?> tasks) {
        Asyncio.await(Asyncio.gather(tasks, false));
    }

    /** The workloads of the composition primitives: gather, Queue, Lock. */
    static List<CoreBench.Metric> metrics(CoreBench bench) {
        return List.of(
                new CoreBench.Metric("gather_10k_ms", bench.median(() -> CoreBench.run(() -> gather10kMs(10_000))), "ms"),
                new CoreBench.Metric("queue_ns", bench.median(() -> CoreBench.run(() -> queueNs(bench.k(200_000)))), "ns"),
                new CoreBench.Metric("lock_ns", bench.median(() -> CoreBench.run(() -> lockNs(bench.k(200_000), 100))), "ns"));
    }

    /** One producer, one consumer, bounded queue of 100: cost per item. */
    static double queueNs(int n) {
        io.jasyncio.Queue<Integer> q = new io.jasyncio.Queue<>(100);
        long t0 = System.nanoTime();
        Asyncio.await(Asyncio.gather(() -> {
            for (int i = 0; i < n; i++) q.put(i);
            return null;
        }, () -> {
            for (int i = 0; i < n; i++) q.get();
            return null;
        }));
        return (System.nanoTime() - t0) / (double) n;
    }

    /** {@code tasks} tasks contend one Lock, each holding it across one yield: cost per acquire/release. */
    static double lockNs(int n, int tasks) {
        io.jasyncio.Lock lock = new io.jasyncio.Lock();
        int per = n / tasks;
        List<io.jasyncio.Coroutine<Object>> workers = new java.util.ArrayList<>(tasks);
        for (int t = 0; t < tasks; t++) {
            workers.add(() -> {
                for (int i = 0; i < per; i++) {
                    try (var held = lock.acquire()) {
                        Asyncio.sleep(0);
                    }
                }
                return null;
            });
        }
        long t0 = System.nanoTime();
        Asyncio.await(Asyncio.gather(workers, false));
        return (System.nanoTime() - t0) / (double) (per * tasks);
    }

    /** gather of n coroutines that each yield once: total milliseconds. */
    static double gather10kMs(int n) {
        long t0 = System.nanoTime();
        List<io.jasyncio.Coroutine<Object>> coros = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            coros.add(() -> {
                Asyncio.sleep(0);
                return null;
            });
        }
        Asyncio.await(Asyncio.gather(coros, false));
        return (System.nanoTime() - t0) / 1e6;
    }
}
