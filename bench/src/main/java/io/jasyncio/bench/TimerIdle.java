package io.jasyncio.bench;

import io.jasyncio.EventLoop;
import java.lang.management.ManagementFactory;
import java.nio.channels.Pipe;
import java.util.Arrays;

/**
 * An idle loop's cost and its timers' precision: one loop, its selector open (a reader on a pipe that never gets
 * a byte, as any loop with a socket), one timer repeating every {@code period} for {@code seconds}. Prints the
 * process's CPU seconds over the run (loop thread, its select alarm, JIT and GC: everything) and how late the timer
 * callbacks ran (callback's {@code System.nanoTime()} − the time asked; mean, p50, p99, max in µs). Lower CPU and
 * lateness are better; a loop that polled through its waits would show as CPU seconds near the run's length.
 *
 * <pre>bin/jasyncio --version >/dev/null; java -cp "cli/target/classes:$(cat cli/target/classpath.txt)" \
 *     io.jasyncio.bench.TimerIdle [seconds=10] [periodMicros=500]</pre>
 *
 * <p>Threading: runs its loop on the calling thread.
 */
public final class TimerIdle {
    private TimerIdle() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        long periodNanos = (args.length > 1 ? Long.parseLong(args[1]) : 500) * 1000;
        int n = (int) (seconds * 1e9 / periodNanos);
        long[] late = new long[n];
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        EventLoop loop = new EventLoop();
        Pipe pipe = Pipe.open();
        int[] fired = {0};
        long[] cpu0 = new long[1];
        try {
            loop.addReader(pipe.source(), () -> {});
            long start = System.nanoTime() + 100_000_000; // after a warm-up tenth of a second
            Runnable[] tick = new Runnable[1];
            tick[0] = () -> {
                long due = start + (long) fired[0] * periodNanos;
                late[fired[0]] = System.nanoTime() - due;
                if (++fired[0] == n) {
                    loop.stop();
                    return;
                }
                long next = start + (long) fired[0] * periodNanos;
                loop.callLater(Math.max(0, next - System.nanoTime()) / 1e9, tick[0]);
            };
            loop.callLater(0.1, () -> {
                cpu0[0] = os.getProcessCpuTime();
                tick[0].run();
            });
            loop.runForever();
        } finally {
            loop.close();
            pipe.source().close();
            pipe.sink().close();
        }
        double cpu = (os.getProcessCpuTime() - cpu0[0]) / 1e9;
        Arrays.sort(late);
        double mean = Arrays.stream(late).average().orElse(0) / 1e3;
        System.out.printf("timer_idle period_us=%d run_s=%.1f timers=%d cpu_s=%.3f late_us mean=%.1f p50=%.1f p99=%.1f max=%.1f%n",
                periodNanos / 1000, seconds, n, cpu, mean, late[n / 2] / 1e3, late[(int) (n * 0.99)] / 1e3, late[n - 1] / 1e3);
    }
}
