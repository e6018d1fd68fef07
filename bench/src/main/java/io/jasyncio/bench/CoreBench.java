package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The core event-loop metrics, with the same names, workloads and units as CPython's peer script
 * ({@code asyncio_core.py}): each metric is the median of {@code rounds} measured rounds, after as many warm-up
 * rounds, in one JVM (the JIT compiles these paths only after a few hundred thousand passes).
 *
 * <p>Threading: runs its own loops on the calling thread; not for use inside a running loop.
 */
public final class CoreBench {
    /** One measured figure: {@code name value unit}, lower is better. */
    public record Metric(String name, double value, String unit) {
        public String line() {
            String v = unit.equals("s") ? String.format("%.2f", value) : unit.equals("ms")
                    ? String.format("%.1f", value) : String.format("%.0f", value);
            return name + " " + v + " " + unit;
        }
    }

    private final double scale;
    private final int rounds;

    public CoreBench(double scale, int rounds) {
        this.scale = scale;
        this.rounds = rounds;
    }

    int k(int x) {
        return Math.max(10, (int) (x * scale));
    }

    /** Runs every workload and returns the metrics in the peer script's order. */
    public List<Metric> runAll() {
        List<Metric> out = new ArrayList<>();
        out.add(new Metric("switch_ns", median(() -> run(() -> switchNs(k(500_000)))), "ns"));
        out.add(new Metric("switch10_ns", median(() -> run(() -> switch10Ns(k(500_000)))), "ns"));
        out.add(new Metric("spawn_gather_ns", median(() -> run(() -> spawnGatherNs(k(200_000)))), "ns"));
        out.add(new Metric("call_soon_ns", median(() -> run(() -> callSoonNs(k(1_000_000)))), "ns"));
        out.add(new Metric("parked_task_bytes", median(() -> run(() -> parkedBytes(k(200_000)))), "bytes"));
        out.add(new Metric("wake_ns", median(() -> run(() -> wakeNs(k(200_000), false))), "ns"));
        out.add(new Metric("wake_after_gc_ns", median(() -> run(() -> wakeNs(k(200_000), true))), "ns"));
        out.add(new Metric("timers_200k_s", median(() -> run(() -> timersS(k(200_000)))), "s"));
        out.addAll(Composition.metrics(this));
        return out;
    }

    double median(DoubleSupplier s) {
        for (int i = 0; i < rounds; i++) s.getAsDouble(); // warm-up: the JIT needs several rounds on these paths
        double[] v = new double[rounds];
        for (int i = 0; i < rounds; i++) v[i] = s.getAsDouble();
        Arrays.sort(v);
        return v[rounds / 2];
    }

    static <T> T run(io.jasyncio.Coroutine<T> main) {
        return Asyncio.run(() -> {
            // A workload holds the loop on purpose (200,000 timers scheduled in one step, System.gc() between
            // rounds): the watchdog's warnings would be noise here, and its stacks would land in the figures' output.
            Asyncio.getRunningLoop().setWatchdogThreshold(0);
            return main.call();
        });
    }

    /** One task yielding to the loop n times: cost of one task switch. */
    static double switchNs(int n) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) Asyncio.sleep(0);
        return (System.nanoTime() - t0) / (double) n;
    }

    /** Ten tasks yielding concurrently, n switches in total. */
    static double switch10Ns(int n) {
        long t0 = System.nanoTime();
        List<io.jasyncio.Coroutine<Object>> pingers = new ArrayList<>();
        for (int j = 0; j < 10; j++) {
            pingers.add(() -> {
                for (int i = 0; i < n / 10; i++) Asyncio.sleep(0);
                return null;
            });
        }
        Composition.gatherAll(pingers);
        return (System.nanoTime() - t0) / (double) n;
    }

    /** create_task of a trivial coroutine, then gather them all: cost per task. */
    static double spawnGatherNs(int n) {
        long t0 = System.nanoTime();
        List<Task<Integer>> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) tasks.add(Asyncio.createTask(() -> 1));
        Composition.gatherAll(tasks);
        return (System.nanoTime() - t0) / (double) n;
    }

    /** Each callback schedules the next with callSoon: cost per callback. */
    static double callSoonNs(int n) {
        EventLoop loop = Asyncio.getRunningLoop();
        Future<Void> done = loop.createFuture();
        int[] count = {0};
        Runnable[] step = new Runnable[1];
        step[0] = () -> {
            if (++count[0] < n) loop.callSoon(step[0]);
            else done.setResult(null);
        };
        long t0 = System.nanoTime();
        loop.callSoon(step[0]);
        Asyncio.await(done);
        return (System.nanoTime() - t0) / (double) n;
    }

    /** n tasks parked on one event (asyncio.Event, as the peer): memory per parked task, heap after GC. */
    static double parkedBytes(int n) {
        io.jasyncio.Event event = new io.jasyncio.Event();
        long before = usedHeapAfterGc();
        List<Task<Object>> tasks = parkOnEvent(event, n);
        double perTask = (usedHeapAfterGc() - before) / (double) n;
        event.set();
        Composition.gatherAll(tasks);
        return perTask;
    }

    /**
     * n tasks parked on one event, then the cost per task of setting it and gathering them all. The peer script
     * measures memory and wake-up in one pass; here they are separate passes, because measuring the heap takes a
     * full GC, and a full GC moves every parked stack into the old generation, where resuming it takes the JVM's
     * slower thaw path. {@code afterGc} measures that case too (wake_after_gc_ns, a figure the peer has no
     * counterpart for): it is what a task parked long enough to be promoted pays.
     */
    static double wakeNs(int n, boolean afterGc) {
        io.jasyncio.Event event = new io.jasyncio.Event();
        List<Task<Object>> tasks = parkOnEvent(event, n);
        if (afterGc) usedHeapAfterGc();
        long t0 = System.nanoTime();
        event.set();
        Composition.gatherAll(tasks);
        return (System.nanoTime() - t0) / (double) n;
    }

    /** n tasks awaiting {@code event}, each run up to its await (also {@link ParkedTasks}'s, so the same code is measured). */
    static List<Task<Object>> parkOnEvent(io.jasyncio.Event event, int n) {
        List<Task<Object>> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            tasks.add(Asyncio.createTask(() -> {
                event.await();
                return null;
            }));
        }
        Asyncio.sleep(0);
        return tasks;
    }

    /** n sleeps with deadlines spread evenly over 0..1 s: total wall seconds (ideal 1.0). */
    static double timersS(int n) {
        long t0 = System.nanoTime();
        List<io.jasyncio.Coroutine<Object>> sleeps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double d = (i % 1000) / 1000.0;
            sleeps.add(() -> {
                Asyncio.sleep(d);
                return null;
            });
        }
        Composition.gatherAll(sleeps);
        return (System.nanoTime() - t0) / 1e9;
    }

    static long usedHeapAfterGc() {
        var mem = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) System.gc();
        return mem.getHeapMemoryUsage().getUsed();
    }

    /** Parses {@code name value unit} lines (the peer script's output) into a map name → value. */
    public static Map<String, Double> parse(List<String> lines) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String l : lines) {
            String[] p = l.trim().split("\\s+");
            if (p.length >= 2) {
                try {
                    m.put(p[0], Double.parseDouble(p[1]));
                } catch (NumberFormatException ignored) {
                    // not a metric line (a warning from the peer, say): skip it
                }
            }
        }
        return m;
    }
}
