package io.jasyncio.internal;

/**
 * What an engine needs from the event loop that drives its fibers.
 *
 * <p>Threading: {@link #resumeBlocked} may be called from any thread.
 */
public interface FiberHost {
    /**
     * Schedules a fiber that was parked inside a blocking JDK call (socket I/O, {@code Thread.sleep}, a lock)
     * and has now been released, so that its continuation runs on the loop thread. Called from any thread.
     *
     * @param owner the task object the fiber belongs to (opaque to the engine)
     * @param continuation runs the fiber until it parks again
     */
    void resumeBlocked(Object owner, Runnable continuation);

    /** The thread that runs the loop, or null when it is not running. */
    Thread loopThread();

    /**
     * Reports a throwable that escaped a fiber's body (the body catches what task code throws, so this is the
     * engine's own failure). Called on the fiber's thread.
     */
    void fiberEscaped(Object owner, Throwable e);

}
