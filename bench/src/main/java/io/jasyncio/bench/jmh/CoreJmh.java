package io.jasyncio.bench.jmh;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH versions of the core metrics: one task switch, one callSoon callback, one spawned-and-gathered task,
 * one wake-up of a parked task. Each invocation runs a batch inside one {@code Asyncio.run}.
 * Run with {@code bin/jasyncio bench jmh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Djdk.trackAllThreads=false",
        "-Djasyncio.noSigint=true"})
public class CoreJmh {
    static final int BATCH = 10_000;

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int switchOnce() {
        return Asyncio.run(() -> {
            for (int i = 0; i < BATCH; i++) Asyncio.sleep(0);
            return BATCH;
        });
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int callSoon() {
        return Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Integer> done = loop.createFuture();
            int[] count = {0};
            Runnable[] step = new Runnable[1];
            step[0] = () -> {
                if (++count[0] < BATCH) loop.callSoon(step[0]);
                else done.setResult(count[0]);
            };
            loop.callSoon(step[0]);
            return Asyncio.await(done);
        });
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int spawnGather() {
        return Asyncio.run(() -> {
            List<Task<Integer>> tasks = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) tasks.add(Asyncio.createTask(() -> 1));
            int sum = 0;
            for (Task<Integer> t : tasks) sum += Asyncio.await(t);
            return sum;
        });
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int wakeParked() {
        return Asyncio.run(() -> {
            Future<Integer> event = Asyncio.getRunningLoop().createFuture();
            List<Task<Integer>> tasks = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) tasks.add(Asyncio.createTask(() -> Asyncio.await(event)));
            Asyncio.sleep(0);
            event.setResult(1);
            int sum = 0;
            for (Task<Integer> t : tasks) sum += Asyncio.await(t);
            return sum;
        });
    }
}
