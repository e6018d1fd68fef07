package io.jasyncio;

import java.util.ArrayDeque;
import java.util.Collections;

/**
 * asyncio's {@code LifoQueue}: a {@link Queue} that returns the most recently added item first.
 *
 * <p>Threading: as {@link Queue}.
 *
 * @param <T> the item type
 */
public class LifoQueue<T> extends Queue<T> {
    /** An unbounded LIFO queue. */
    public LifoQueue() {
        this(0);
    }

    /**
     * A LIFO queue holding at most {@code maxsize} items; zero or less means unbounded.
     *
     * @param maxsize the most items the queue holds; zero or less: unbounded
     */
    public LifoQueue(int maxsize) {
        super(maxsize, Collections.asLifoQueue(new ArrayDeque<>()));
    }
}
