package io.jasyncio;

import io.jasyncio.internal.LiveLoops;
import io.jasyncio.jfr.Events;

/**
 * The periodic JFR event {@code io.jasyncio.LoopSample}: each period JFR's periodic thread asks every running loop
 * for a sample by queueing a callback on it; the callback measures the loop's lag (how long it waited for its
 * turn), counts, and commits. A loop that has not run the last one yet (blocked) is not asked again.
 *
 * <p>Threading: {@link #install()} from any thread; the hook on JFR's periodic thread; the sample on the loop's.
 */
final class LoopSampler {
    private LoopSampler() {}

    private static volatile boolean installed;

    /** Registers the hook with JFR, once per JVM (called when the recorder is initialized). */
    static void install() {
        if (installed) return;
        synchronized (LoopSampler.class) {
            if (installed) return;
            installed = true;
        }
        try {
            Events.onLoopSamplePeriod(LoopSampler::sampleAll);
        } catch (RuntimeException | LinkageError e) {
            // JFR absent (a runtime image without jdk.jfr) or refusing: no samples, everything else works.
            System.getLogger("io.jasyncio").log(System.Logger.Level.DEBUG, "no JFR loop samples", e);
        }
    }

    private static void sampleAll() {
        for (EventLoop loop : LiveLoops.open()) {
            if (!loop.isRunning() || loop.samplePending) continue;
            loop.samplePending = true;
            long asked = System.nanoTime();
            try {
                loop.callSoonThreadsafe(() -> sample(loop, asked));
            } catch (RuntimeException closedMeanwhile) {
                loop.samplePending = false;
            }
        }
    }

    private static void sample(EventLoop loop, long asked) {
        loop.samplePending = false;
        long lag = System.nanoTime() - asked;
        LoopEvents.commit(loop, Events.loopSample(loop.describe(), loop.readyLength(), loop.tasks.countAlive(),
                LoopResource.countConnections(loop), lag));
    }
}
