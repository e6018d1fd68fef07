package io.jasyncio;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * A loop's reports of exceptions nobody retrieved (asyncio's "Task exception was never retrieved", which
 * CPython's {@code Future.__del__} logs when the future is collected). When a future or task fails, it gets a
 * {@link Report}: a weak reference to it that holds what the report needs (the exception, the future's repr,
 * where it was created in debug mode) but not the future, so a done task nobody holds can be collected.
 * Retrieving the exception ({@code result()}, {@code exception()}, awaiting, gather, cancel) withdraws the
 * report. When the collector finds the future unreachable with its report still armed, it queues the report;
 * the loop takes it from the queue at its next iteration (only while reports are armed: one field test
 * otherwise; an idle loop with reports armed wakes for it within {@link #COLLECTED_POLL_NANOS}) and passes it to
 * its exception handler, on its own thread. {@link #reportAll} at close reports
 * what is left, reachable or not.
 *
 * <p>Threading: the loop's thread (its futures are confined to it).
 */
final class UnretrievedExceptions {
    /**
     * One armed report: linked in the loop's list so that it stays reachable until reported or withdrawn. The
     * future's repr is rebuilt from parts when reported (most reports are withdrawn: building it on every
     * failure cost more than the rest of arming); none of the parts leads back to the future.
     */
    static final class Report extends WeakReference<Future<?>> {
        private static final byte FUTURE = 0, TASK = 1, OTHER = 2;

        final Throwable exception;
        private final Throwable sourceTraceback;
        private final byte kind;
        /** TASK: the task's name; OTHER (a subclass with its own repr): that repr, taken when it failed. */
        private final String text;
        /** TASK: the coroutine's class when its repr is Object's (then rebuilt), else its repr, taken now. */
        private final Object coro;
        private final int coroHash;
        private Report prev, next;

        private Report(Future<?> f, Throwable exception, ReferenceQueue<Future<?>> queue) {
            super(f, queue);
            this.exception = exception;
            this.sourceTraceback = f.sourceTraceback();
            if (f instanceof Task<?> t) {
                kind = TASK;
                text = t.getName();
                Object c = t.getCoro();
                // Not the coroutine itself: it may hold the task (a lambda capturing it), which then would never go.
                if (OBJECTS_REPR.get(c.getClass())) {
                    coro = c.getClass();
                    coroHash = System.identityHashCode(c);
                } else {
                    coro = reprOf(c);
                    coroHash = 0;
                }
            } else {
                kind = f.getClass() == Future.class ? FUTURE : OTHER;
                text = kind == OTHER ? reprOf(f) : null;
                coro = null;
                coroHash = 0;
            }
        }

        /** The future's repr as its toString gave it when it failed. */
        private String repr() {
            String state = "finished exception=" + exception;
            String createdAt = Future.createdAt(sourceTraceback);
            return switch (kind) {
                case FUTURE -> Future.repr(state, createdAt);
                case TASK -> Task.repr(state, text, coro instanceof Class<?> c
                        ? c.getName() + "@" + Integer.toHexString(coroHash) : coro, null, createdAt);
                default -> text;
            };
        }

        private ExceptionContext context() {
            ExceptionContext.Builder b = ExceptionContext.builder(
                            (kind == TASK ? "Task" : "Future") + " exception was never retrieved")
                    .exception(exception).sourceTraceback(sourceTraceback);
            Future<?> f = get();
            if (f != null) b.future(f);
            else b.put(kind == TASK ? "task" : "future", repr()); // the future is gone: its repr, rebuilt
            return b.build();
        }
    }

    /** Whether a class's toString is Object's (class name, '@', hash): true for lambdas, the usual coroutines. */
    private static final ClassValue<Boolean> OBJECTS_REPR = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> c) {
            try {
                return c.getMethod("toString").getDeclaringClass() == Object.class
                        && c.getMethod("hashCode").getDeclaringClass() == Object.class;
            } catch (NoSuchMethodException e) {
                return false;
            }
        }
    };

    /** A repr now; one that fails (user toString code) is not the failure being reported. */
    private static String reprOf(Object o) {
        try {
            return String.valueOf(o);
        } catch (RuntimeException e) {
            return "<" + o.getClass().getSimpleName() + " (repr failed: " + e + ")>";
        }
    }

    private ReferenceQueue<Future<?>> collected;
    private Report head, tail;

    /** Arms a report for {@code f}, which just failed with {@code exception}. */
    Report arm(Future<?> f, Throwable exception) {
        if (collected == null) collected = new ReferenceQueue<>();
        Report r = new Report(f, exception, collected);
        r.prev = tail;
        if (tail != null) tail.next = r;
        else head = r;
        tail = r;
        return r;
    }

    /** Withdraws {@code r}: the exception was retrieved. */
    void disarm(Report r) {
        unlink(r);
        r.clear(); // never queued now
    }

    /**
     * The longest a real-time loop with armed reports sleeps before it looks for collected futures. The collector
     * queues a report whenever it finds the future gone, which may be while the loop sleeps on an hour's timer or
     * on nothing at all; asyncio reports when the future goes, so the wait for the loop to wake must be bounded.
     * Only a loop about to block pays for it (no handle ready), and only while a report is armed: the hot path,
     * which never blocks, does not. The price is an idle loop holding a failed future nobody retrieves waking 10
     * times a second (a select and a poll of the queue, microseconds). A JVM-wide thread blocked on the queue
     * could wake the loop at once instead, but it would outlive {@code run()} or need a count of armed reports
     * kept across threads on every failure.
     */
    static final long COLLECTED_POLL_NANOS = 100_000_000L;

    /** A loop's select timeout ({@code -1}: none), cut to {@link #COLLECTED_POLL_NANOS}; while reports are armed. */
    static long pollWithin(long timeoutNanos) {
        return timeoutNanos < 0 ? COLLECTED_POLL_NANOS : Math.min(timeoutNanos, COLLECTED_POLL_NANOS);
    }

    /** Whether any report is armed: the loop polls the queue only then. */
    boolean anyArmed() {
        return head != null;
    }

    /** Reports, through {@code loop}'s handler, each armed report whose future has been collected. */
    void reportCollected(EventLoop loop) {
        Reference<? extends Future<?>> ref;
        while ((ref = collected.poll()) != null) {
            Report r = (Report) ref;
            unlink(r);
            loop.callExceptionHandler(r.context());
        }
    }

    /**
     * At close: reports every armed report, in the order the futures failed, and forgets them all. Each is taken
     * off the list as it is reported, so a handler that retrieves another one's exception withdraws that report.
     */
    void reportAll(EventLoop loop) {
        collected = null;
        for (Report r; (r = head) != null; ) {
            unlink(r);
            loop.callExceptionHandler(r.context());
            r.clear();
        }
    }

    private void unlink(Report r) {
        if (r.prev == null && head != r) return; // not linked (any more)
        if (r.prev != null) r.prev.next = r.next;
        else head = r.next;
        if (r.next != null) r.next.prev = r.prev;
        else tail = r.prev;
        r.prev = r.next = null;
    }
}
