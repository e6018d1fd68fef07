package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.Future;
import io.jasyncio.Task;
import java.util.List;

/** The primitives the core workloads combine: gathering tasks and one event that many tasks wait on. */
final class Composition {
    private Composition() {}

    /** Waits for every task (in order; each finished task costs nothing to await). */
    static void gatherAll(List<? extends Task<?>> tasks) {
        for (Task<?> t : tasks) Asyncio.await(t);
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

    /** The workloads of the composition primitives (gather, Queue, Lock), when they exist. */
    static List<CoreBench.Metric> metrics(CoreBench bench) {
        return List.of();
    }
}
