package io.jasyncio.bench;

import io.jasyncio.Event;
import io.jasyncio.Task;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * Where a parked task's bytes go ({@code bin/jasyncio bench parked}): parks n tasks on one {@link Event}, as
 * {@code parked_task_bytes} does, and prints the heap they hold per task, then the classes that grew, from two
 * class histograms of the live heap (the JDK's {@code GC.class_histogram}, as {@code jcmd} prints it) taken before
 * and while they are parked.
 *
 * <p>Threading: runs its own loops on the calling thread; not for use inside a running loop.
 */
public final class ParkedTasks {
    /** One class's growth per parked task. */
    public record Share(String className, double instancesPerTask, double bytesPerTask) {
        public String line() {
            return String.format("%-60s %6.2f %8.1f", className, instancesPerTask, bytesPerTask);
        }
    }

    /** The heap per parked task (after a full GC) and the classes that add at least 1 byte per task, largest first. */
    public record Report(int tasks, double bytesPerTask, List<Share> shares) {}

    private ParkedTasks() {}

    /**
     * @param warmUp first run bench core's workloads (a tenth of their counts), then this one five times, as
     *     {@code bench core} warms up before it measures: a parked stack holds the frames of the task's code, and
     *     an interpreted frame, or one compiled before the call sites had seen every workload, has another size
     */
    public static Report measure(int n, boolean warmUp) {
        if (warmUp) {
            new CoreBench(0.1, 1).runAll();
            for (int i = 0; i < 5; i++) {
                CoreBench.run(() -> {
                    Event event = new Event();
                    List<Task<Object>> tasks = CoreBench.parkOnEvent(event, n);
                    event.set();
                    Composition.gatherAll(tasks);
                    return null;
                });
            }
        }
        return CoreBench.run(() -> {
            Event event = new Event();
            Map<String, long[]> before = histogram();
            long heapBefore = CoreBench.usedHeapAfterGc();
            List<Task<Object>> tasks = CoreBench.parkOnEvent(event, n); // the very tasks of parked_task_bytes
            double perTask = (CoreBench.usedHeapAfterGc() - heapBefore) / (double) n;
            Map<String, long[]> during = histogram();
            event.set();
            Composition.gatherAll(tasks);
            return new Report(n, perTask, growth(before, during, n));
        });
    }

    /**
     * The JDK's share, for comparison: n plain virtual threads (the JDK's own scheduler) parked in
     * {@code LockSupport.park} with one frame of their own, measured the same way.
     */
    public static Report measurePlainVirtualThreads(int n) throws InterruptedException {
        for (int i = 0; i < 5; i++) release(parkVirtualThreads(n)); // warm-up, as for the tasks
        Map<String, long[]> before = histogram();
        long heapBefore = CoreBench.usedHeapAfterGc();
        List<Thread> threads = parkVirtualThreads(n);
        double perThread = (CoreBench.usedHeapAfterGc() - heapBefore) / (double) n;
        Map<String, long[]> during = histogram();
        release(threads);
        return new Report(n, perThread, growth(before, during, n));
    }

    private static List<Thread> parkVirtualThreads(int n) throws InterruptedException {
        List<Thread> threads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) threads.add(Thread.ofVirtual().start(LockSupport::park));
        for (Thread t : threads) {
            while (t.getState() != Thread.State.WAITING) Thread.sleep(1); // started, not yet parked
        }
        return threads;
    }

    private static void release(List<Thread> threads) throws InterruptedException {
        threads.forEach(LockSupport::unpark);
        for (Thread t : threads) t.join();
    }

    static List<Share> growth(Map<String, long[]> before, Map<String, long[]> during, int n) {
        List<Share> shares = new ArrayList<>();
        during.forEach((name, now) -> {
            long[] then = before.getOrDefault(name, new long[2]);
            double bytes = (now[1] - then[1]) / (double) n;
            if (bytes >= 1) shares.add(new Share(name, (now[0] - then[0]) / (double) n, bytes));
        });
        shares.sort(Comparator.comparingDouble(Share::bytesPerTask).reversed());
        return shares;
    }

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)", Pattern.MULTILINE);

    /** Class name → {instances, bytes} of the live heap (the histogram collects garbage first). */
    static Map<String, long[]> histogram() {
        String text;
        try {
            text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (Exception e) {
            throw new IllegalStateException("this JVM gives no class histogram (DiagnosticCommand MBean): " + e, e);
        }
        return parseHistogram(text);
    }

    static Map<String, long[]> parseHistogram(String text) {
        Map<String, long[]> classes = new HashMap<>();
        Matcher m = ROW.matcher(text);
        while (m.find()) {
            classes.merge(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))},
                    (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
        }
        return classes;
    }
}
