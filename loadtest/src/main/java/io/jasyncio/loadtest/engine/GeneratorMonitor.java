package io.jasyncio.loadtest.engine;

import io.jasyncio.EventLoop;
import io.jasyncio.TimerHandle;
import io.jasyncio.loadtest.metrics.Metrics;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Watches the generator itself, so a run can say when its numbers are the generator's rather than the
 * server's: the loop's lag (a timer every {@value #LAG_PERIOD_MS} ms, recorded how late it ran), the loop
 * thread's CPU share each second (real time, so a virtual-clock test is never judged by it), how long that
 * share stayed above the limit, and the process's CPU time (for requests per CPU-second).
 *
 * <p>Threading: the event loop's thread only.
 */
public final class GeneratorMonitor {
    static final int LAG_PERIOD_MS = 10;

    private final EventLoop loop;
    private final Metrics metrics;
    private final double maxBusy;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final long threadId;
    private long cpu0;
    private long loopCpu0;
    private long lastReal;
    private long lastLoopCpu;
    private long saturatedRealNanos;
    private long longestSaturatedNanos;
    private double maxShare;
    private long expected;
    private TimerHandle lagTimer;

    /**
     * Starts watching; {@code maxBusy} (0–1) is the loop-thread CPU share counted as saturated.
     *
     * @param loop the generator's loop (its thread is the one measured)
     * @param metrics where the loop lag is recorded
     * @param maxBusy the CPU share, above 0 and at most 1, counted as saturated
     */
    public GeneratorMonitor(EventLoop loop, Metrics metrics, double maxBusy) {
        this.loop = loop;
        this.metrics = metrics;
        this.maxBusy = maxBusy;
        this.threadId = loop.loopThread() == null ? -1 : loop.loopThread().threadId();
        this.cpu0 = processCpuNanos();
        this.loopCpu0 = loopCpuNanos();
        this.lastLoopCpu = loopCpu0;
        this.lastReal = System.nanoTime();
        armLag();
    }

    private void armLag() {
        expected = loop.nanoTime() + LAG_PERIOD_MS * 1_000_000L;
        lagTimer = loop.callLater(LAG_PERIOD_MS / 1e3, () -> {
            metrics.loopLag(loop.nanoTime() - expected);
            armLag();
        });
    }

    /** Samples the loop thread's CPU share since the last sample (call once a second). */
    public void sample() {
        long real = System.nanoTime();
        long cpu = loopCpuNanos();
        long dReal = real - lastReal;
        if (dReal > 0 && cpu >= 0) {
            double share = (double) (cpu - lastLoopCpu) / dReal;
            maxShare = Math.max(maxShare, share);
            if (share > maxBusy) {
                saturatedRealNanos += dReal;
                longestSaturatedNanos = Math.max(longestSaturatedNanos, saturatedRealNanos);
            } else {
                saturatedRealNanos = 0;
            }
        }
        lastReal = real;
        lastLoopCpu = cpu;
    }

    /** Starts counting again from now (the end of a warm-up). */
    public void reset() {
        cpu0 = processCpuNanos();
        loopCpu0 = loopCpuNanos();
        lastLoopCpu = loopCpu0;
        lastReal = System.nanoTime();
        saturatedRealNanos = 0;
        longestSaturatedNanos = 0;
        maxShare = 0;
    }

    /** Stops the lag timer. */
    public void stop() {
        if (lagTimer != null) lagTimer.cancel();
    }

    private long loopCpuNanos() {
        if (threadId < 0 || !threads.isThreadCpuTimeSupported()) return -1;
        try {
            return threads.getThreadCpuTime(threadId);
        } catch (UnsupportedOperationException e) {
            return -1;
        }
    }

    /**
     * Asks the JVM once for the process's and a thread's CPU time, off any loop: the first call loads the JDK's
     * management classes, which on a busy machine takes a second, and would hold the loop that long.
     */
    public static void warmUp() {
        processCpuNanos();
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        if (t.isThreadCpuTimeSupported()) t.getCurrentThreadCpuTime();
    }

    /**
     * The process's CPU time so far (user and system), or -1 if the JVM cannot tell.
     *
     * @return nanoseconds, or -1
     */
    public static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /**
     * The process's CPU seconds since the monitor started (NaN if unknown).
     *
     * @return seconds, or NaN
     */
    public double processCpuSeconds() {
        long now = processCpuNanos();
        return now < 0 || cpu0 < 0 ? Double.NaN : (now - cpu0) / 1e9;
    }

    /**
     * The loop thread's CPU seconds since the monitor started (NaN if unknown).
     *
     * @return seconds, or NaN
     */
    public double loopCpuSeconds() {
        long now = loopCpuNanos();
        return now < 0 || loopCpu0 < 0 ? Double.NaN : (now - loopCpu0) / 1e9;
    }

    /**
     * The highest one-second CPU share of the loop thread.
     *
     * @return a share, 0 to 1 (about)
     */
    public double maxLoopShare() {
        return maxShare;
    }

    /**
     * The longest stretch (seconds of real time) the loop thread was above the limit.
     *
     * @return seconds
     */
    public double longestSaturatedSeconds() {
        return longestSaturatedNanos / 1e9;
    }
}
