package io.jasyncio.internal;

import io.jasyncio.EventLoop;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The loops of this JVM, weakly held, for tools that look inside a running program (see
 * {@code io.jasyncio.inspect}). One entry per loop, added when it is created: nothing per task.
 *
 * <p>Threading: any thread (synchronized; touched once per loop created and once per inspection).
 */
public final class LiveLoops {
    private LiveLoops() {}

    private static final List<WeakReference<EventLoop>> LOOPS = new ArrayList<>();

    /** Records a new loop; drops the entries of loops already collected. */
    public static synchronized void add(EventLoop loop) {
        LOOPS.removeIf(r -> r.refersTo(null));
        LOOPS.add(new WeakReference<>(loop));
    }

    /** The loops still alive and not closed, oldest first. */
    public static synchronized List<EventLoop> open() {
        List<EventLoop> out = new ArrayList<>();
        for (Iterator<WeakReference<EventLoop>> it = LOOPS.iterator(); it.hasNext(); ) {
            EventLoop l = it.next().get();
            if (l == null) it.remove();
            else if (!l.isClosed()) out.add(l);
        }
        return out;
    }
}
