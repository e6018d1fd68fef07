package io.jasyncio;

/**
 * asyncio's {@code mixins._LoopBoundMixin}: a synchronization primitive is created without a loop and binds to
 * the running loop the first time it has to wait; from then on, using it from another loop is an error.
 *
 * <p>Threading: binding is atomic, so two loops racing for a fresh primitive cannot both win; everything else
 * about the primitives is confined to their loop's thread.
 */
abstract class LoopBound {
    /** The loop this primitive is bound to, or null before its first wait (asyncio's {@code _loop}). */
    volatile EventLoop boundLoop;

    /**
     * The running loop, after binding to it if unbound. Throws asyncio's errors: "no running event loop" when
     * called outside a task's code, "... is bound to a different event loop" when the primitive belongs to
     * another loop (make one primitive per loop).
     */
    final EventLoop loop() {
        EventLoop running = RunningLoop.getOrNull();
        if (running == null) throw new IllegalStateException("no running event loop");
        if (boundLoop == null) {
            synchronized (this) {
                if (boundLoop == null) boundLoop = running;
            }
        }
        if (running != boundLoop) {
            throw new IllegalStateException(this + " is bound to a different event loop");
        }
        return running;
    }

    /** asyncio's repr of a primitive: {@code <io.jasyncio.Lock@1b2c3d [locked, waiters:1]>}. */
    final String describe(String extra) {
        return "<" + getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(this))
                + " [" + extra + "]>";
    }
}
