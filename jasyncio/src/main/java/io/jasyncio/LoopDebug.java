package io.jasyncio;

import java.lang.System.Logger.Level;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What a loop keeps for debug mode ({@link EventLoop#setDebug}): the slow-callback threshold and the timing of
 * each callback against it, the handle being run, where futures were created, and the record of the places
 * tasks were switched out inside a JDK call. Parts are made on first use: a loop not in debug mode pays nothing.
 *
 * <p>Threading: the loop's thread, except {@link #recordSourceTraceback}/{@link #sourceTracebackOf}, which any
 * thread creating or reporting a future may call.
 */
final class LoopDebug {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");

    /** In seconds: a callback or task step taking at least this long is logged. */
    double slowCallbackDuration = 0.1;
    /** The handle being run, or null. */
    Handle currentHandle;
    private ImplicitAwaits implicitAwaits;
    /** Where futures created in debug mode were created: kept here, weakly, so a future has no field for it. */
    private volatile Map<Future<?>, Throwable> sourceTracebacks;

    /**
     * Runs one ready entry (a task's step or a callback) and times it; a slow one is logged as asyncio does
     * ("Executing ... took N seconds"). Returns its duration in nanoseconds if it was slow, else -1.
     */
    long run(Object o) {
        currentHandle = o instanceof Handle h ? h : null;
        long t0 = System.nanoTime();
        try {
            if (o instanceof Task<?> t) t.step();
            else ((Runnable) o).run();
        } finally {
            currentHandle = null;
        }
        long nanos = System.nanoTime() - t0;
        double dt = nanos / 1e9;
        if (dt < slowCallbackDuration) return -1;
        LOG.log(Level.WARNING, String.format("Executing %s took %.3f seconds", o, dt));
        return nanos;
    }

    ImplicitAwaits implicitAwaits() {
        if (implicitAwaits == null) implicitAwaits = new ImplicitAwaits();
        return implicitAwaits;
    }

    void recordSourceTraceback(Future<?> f, Throwable where) {
        Map<Future<?>, Throwable> m = sourceTracebacks;
        if (m == null) {
            synchronized (this) {
                m = sourceTracebacks;
                if (m == null) sourceTracebacks = m = Collections.synchronizedMap(new WeakHashMap<>());
            }
        }
        m.put(f, where);
    }

    Throwable sourceTracebackOf(Future<?> f) {
        Map<Future<?>, Throwable> m = sourceTracebacks;
        return m == null ? null : m.get(f);
    }
}
