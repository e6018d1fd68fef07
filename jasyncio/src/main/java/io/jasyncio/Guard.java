package io.jasyncio;

/**
 * Proof that a task holds an {@link Acquirable}; closing it releases the primitive once (a second
 * {@code close()} does nothing), which makes it the try-with-resources form of {@code async with lock:}.
 *
 * <p>Threading: close it from the code of the task that acquired it (the loop's thread).
 */
public final class Guard implements AutoCloseable {
    private final Acquirable owner;
    private boolean closed;

    Guard(Acquirable owner) {
        this.owner = owner;
    }

    /** Releases the primitive unless this guard was already closed. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        owner.release();
    }

    @Override
    public String toString() {
        return "<Guard " + (closed ? "released" : "held") + " of " + owner + ">";
    }
}
