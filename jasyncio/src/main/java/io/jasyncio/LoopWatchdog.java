package io.jasyncio;

import java.lang.System.Logger.Level;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The loop watchdog: one daemon thread per JVM that notices a running loop which has not come back to its
 * selector or ready queue within its threshold ({@link EventLoop#setWatchdogThreshold}), and logs once per stall,
 * at WARNING on logger {@code io.jasyncio}, what holds it: the task (name, id) or callback, with its stack, and
 * the JDK call it is blocked in when that is where it is (docs/ENGINES.md, "The loop watchdog").
 *
 * <p>A loop costs it one opaque store per callback or task step (the progress stamp that {@link EventLoop} keeps)
 * and a registration each time it starts and stops running; the thread scans the running loops a few times per
 * threshold and exits when none has run for a while.
 *
 * <p>Threading: {@link #watch} and {@link #unwatch} are called by a loop's own thread; the rest runs on the
 * watchdog's thread.
 */
final class LoopWatchdog {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    /** How long the thread stays once no loop is watched, before it ends (a new watch starts another). */
    private static final long IDLE_EXIT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long MIN_SCAN_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_SCAN_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    /** The default threshold, from {@code -Djasyncio.watchdog=SECONDS} (0 or "off": none); 1 s if unset. */
    static final long DEFAULT_THRESHOLD_NANOS = parseThreshold(System.getProperty("jasyncio.watchdog"));

    private static final Object LOCK = new Object();
    /** The running loops being watched, each with what the watchdog last saw of it. Guarded by LOCK. */
    private static final Map<EventLoop, Watch> WATCHED = new IdentityHashMap<>();
    /** The watchdog's thread, or null when none runs. Guarded by LOCK. */
    private static Thread thread;
    /** How long the thread waits between two scans now. Guarded by LOCK. */
    private static long period = MAX_SCAN_NANOS;

    private LoopWatchdog() {}

    static long parseThreshold(String value) {
        if (value == null || value.isBlank()) return TimeUnit.SECONDS.toNanos(1);
        String v = value.trim();
        if (v.equalsIgnoreCase("off") || v.equalsIgnoreCase("false")) return 0;
        try {
            double s = Double.parseDouble(v);
            if (s >= 0 && Double.isFinite(s)) return (long) (s * 1e9);
        } catch (NumberFormatException ignored) {
            // falls through to the warning
        }
        LOG.log(Level.WARNING, "-Djasyncio.watchdog=" + value + " is neither seconds (>= 0) nor 'off': using 1 second");
        return TimeUnit.SECONDS.toNanos(1);
    }

    /** Watches {@code loop} or stops, as its threshold and whether it is running say. Loop thread. */
    static void sync(EventLoop loop, LoopProgress progress, boolean running) {
        boolean watch = running && progress.thresholdNanos > 0;
        if (watch == progress.watched) return;
        progress.watched = watch;
        if (watch) watch(loop);
        else unwatch(loop);
    }

    /** Starts watching {@code loop}, which has just started running on its thread. */
    static void watch(EventLoop loop) {
        synchronized (LOCK) {
            WATCHED.put(loop, new Watch());
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name("jasyncio-watchdog").unstarted(LoopWatchdog::scanLoop);
                thread.start();
            } else if (scanPeriodFor(loop.watchdogThresholdNanos()) < period) {
                LockSupport.unpark(thread); // its scan period must shrink now, not after the current wait
            }
        }
    }

    /** Stops watching {@code loop}, which is about to stop running; the watchdog keeps no reference to it. */
    static void unwatch(EventLoop loop) {
        synchronized (LOCK) {
            WATCHED.remove(loop);
        }
    }

    /** How many loops are watched now (tests). */
    static int watchedCount() {
        synchronized (LOCK) {
            return WATCHED.size();
        }
    }

    /** What the watchdog last saw of one loop. Watchdog thread only. */
    private static final class Watch {
        int progress = -1;
        long since = System.nanoTime();
        /** The stall being reported, or null. */
        LoopStall stall;
    }

    private static void scanLoop() {
        long idleSince = System.nanoTime();
        while (true) {
            EventLoop[] loops;
            Watch[] watches;
            long wait = MAX_SCAN_NANOS;
            synchronized (LOCK) {
                long now = System.nanoTime();
                if (WATCHED.isEmpty()) {
                    if (now - idleSince >= IDLE_EXIT_NANOS) {
                        thread = null;
                        return;
                    }
                } else {
                    idleSince = now;
                }
                loops = WATCHED.keySet().toArray(new EventLoop[0]);
                watches = new Watch[loops.length];
                for (int i = 0; i < loops.length; i++) {
                    watches[i] = WATCHED.get(loops[i]);
                    wait = Math.min(wait, scanPeriodFor(loops[i].watchdogThresholdNanos()));
                }
                period = wait;
            }
            for (int i = 0; i < loops.length; i++) {
                try {
                    check(loops[i], watches[i]);
                } catch (RuntimeException e) {
                    LOG.log(Level.DEBUG, "the watchdog could not inspect " + loops[i], e);
                }
            }
            loops = null; // hold no loop while waiting
            watches = null;
            LockSupport.parkNanos(wait);
        }
    }

    /** A quarter of the threshold, within [10 ms, 250 ms]: a stall is seen at most a quarter late. */
    private static long scanPeriodFor(long thresholdNanos) {
        return thresholdNanos <= 0 ? MAX_SCAN_NANOS : Math.min(MAX_SCAN_NANOS, Math.max(MIN_SCAN_NANOS, thresholdNanos / 4));
    }

    private static void check(EventLoop loop, Watch w) {
        long now = System.nanoTime();
        int progress = loop.progressStamp();
        long threshold = loop.watchdogThresholdNanos();
        if (progress != w.progress || loop.isWaitingForEvents() || threshold <= 0) {
            if (w.stall != null) {
                w.stall.ended(now);
                w.stall = null;
            }
            w.progress = progress;
            w.since = now;
        } else if (w.stall == null && now - w.since >= threshold) {
            w.stall = LoopStall.capture(loop, w.since);
            w.stall.report(now);
        }
    }
}
