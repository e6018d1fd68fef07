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

    /** A one-shot event: waiters await a shared future. */
    static final class Signal {
        private final Future<Void> fut = Asyncio.getRunningLoop().createFuture();

        void await() {
            Asyncio.await(fut);
        }

        void set() {
            fut.setResult(null);
        }
    }

    static Signal newSignal() {
        return new Signal();
    }

    /** The workloads of the composition primitives: gather, Queue, Lock. */
    static List<CoreBench.Metric> metrics(CoreBench bench) {
        return List.of(new CoreBench.Metric("gather_10k_ms", bench.median(() -> CoreBench.run(() -> gather10kMs(10_000))), "ms"));
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
