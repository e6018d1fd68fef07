package io.jasyncio;

/**
 * asyncio's {@code BoundedSemaphore}: a {@link Semaphore} that refuses to be released more often than it
 * was acquired, which catches release bugs early.
 *
 * <p>Threading: as {@link Semaphore}.
 */
public class BoundedSemaphore extends Semaphore {
    private final int boundValue;

    /** A bounded semaphore with one permit. */
    public BoundedSemaphore() {
        this(1);
    }

    /**
     * A bounded semaphore with {@code value} permits, never more.
     *
     * @param value the initial and maximum number of permits
     */
    public BoundedSemaphore(int value) {
        super(value);
        this.boundValue = value;
    }

    /**
     * Returns a permit.
     *
     * @throws IllegalArgumentException "BoundedSemaphore released too many times" (asyncio's text) if that
     *     would exceed the initial number of permits: more releases than acquires
     */
    @Override
    public void release() {
        if (value >= boundValue) throw new IllegalArgumentException("BoundedSemaphore released too many times");
        super.release();
    }
}
