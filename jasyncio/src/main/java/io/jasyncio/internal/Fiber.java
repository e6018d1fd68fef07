package io.jasyncio.internal;

/**
 * The execution context of one task's code: a stack that can be suspended and resumed.
 *
 * <p>Threading: {@link #resume()} is called only by the event loop's thread; {@link #suspend()} only by the
 * fiber's own code. At most one of the two sides runs at any moment.
 */
public interface Fiber {
    /** Runs the fiber's code until it calls {@link #suspend()} or finishes. Loop thread only. */
    void resume();

    /** Called by the fiber's own code: hands control back to the caller of {@link #resume()}. */
    void suspend();

    /** The thread the fiber's code runs as (what {@code Thread.currentThread()} returns inside it). */
    Thread thread();
}
