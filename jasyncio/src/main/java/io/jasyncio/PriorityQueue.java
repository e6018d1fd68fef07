package io.jasyncio;

import java.util.Comparator;

/**
 * asyncio's {@code PriorityQueue}: a {@link Queue} that returns the smallest item first, by the items' natural
 * order ({@link Comparable}, as Python compares tuples such as {@code (priority, data)}) or by a
 * {@link Comparator}. Items that compare equal come out in no particular order, as with {@code heapq}.
 *
 * <p>Threading: as {@link Queue}.
 *
 * @param <T> the item type
 */
public class PriorityQueue<T> extends Queue<T> {
    /** An unbounded queue ordered by the items' natural order; putting a non-Comparable item fails. */
    public PriorityQueue() {
        this(0);
    }

    /**
     * A bounded queue ordered by the items' natural order; zero or less means unbounded.
     *
     * @param maxsize the most items the queue holds; zero or less: unbounded
     */
    public PriorityQueue(int maxsize) {
        super(maxsize, new java.util.PriorityQueue<>());
    }

    /**
     * An unbounded queue ordered by {@code comparator}.
     *
     * @param comparator the order of the items, smallest first
     */
    public PriorityQueue(Comparator<? super T> comparator) {
        this(0, comparator);
    }

    /**
     * A bounded queue ordered by {@code comparator}; zero or less means unbounded.
     *
     * @param maxsize the most items the queue holds; zero or less: unbounded
     * @param comparator the order of the items, smallest first
     */
    public PriorityQueue(int maxsize, Comparator<? super T> comparator) {
        super(maxsize, new java.util.PriorityQueue<>(
                java.util.Objects.requireNonNull(comparator, "comparator (use PriorityQueue() for natural order)")));
    }
}
