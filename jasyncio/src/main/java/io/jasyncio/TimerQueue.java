package io.jasyncio;

import java.util.Arrays;

/**
 * The loop's timer heap (asyncio's {@code _scheduled} heapq): a 4-ary min-heap ordered by deadline, then by
 * scheduling order. Each deadline is kept in a {@code long[]} beside its handle, so sifting compares numbers in
 * one array instead of following a pointer to a handle per comparison; four children share a cache line, and the
 * tree is half as deep as a binary heap's. With 200,000 pending timers this makes adding and taking a timer
 * several times cheaper than {@link java.util.PriorityQueue} of handles.
 *
 * <p>Threading: the loop's thread only.
 */
final class TimerQueue {
    private static final int ARITY = 4;

    private long[] when = new long[16];
    private TimerHandle[] handles = new TimerHandle[16];
    private int size;
    /** Below this many handles, cancelled ones are only dropped from the top of the heap. */
    private static final int MIN_HANDLES_TO_REBUILD = 100;
    /** Cancelled handles still in the heap. */
    private int cancelledCount;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The earliest handle, or null when empty. */
    TimerHandle peek() {
        return size == 0 ? null : handles[0];
    }

    /** The earliest deadline; only when not empty. */
    long peekWhen() {
        return when[0];
    }

    /** Adds {@code h}, due at {@code whenNanos} (the loop's clock). */
    void add(TimerHandle h, long whenNanos) {
        if (size == handles.length) {
            int n = size + (size >> 1);
            when = Arrays.copyOf(when, n);
            handles = Arrays.copyOf(handles, n);
        }
        siftUp(size++, whenNanos, h);
    }

    /** Removes and returns the earliest handle, or null when empty. */
    TimerHandle poll() {
        if (size == 0) return null;
        TimerHandle first = handles[0];
        int last = --size;
        TimerHandle h = handles[last];
        long w = when[last];
        handles[last] = null;
        if (last > 0) siftDown(0, w, h);
        return first;
    }

    /** Calls {@code action} on every handle, in no particular order. */
    void forEach(java.util.function.Consumer<TimerHandle> action) {
        for (int i = 0; i < size; i++) action.accept(handles[i]);
    }

    void clear() {
        Arrays.fill(handles, 0, size, null);
        size = 0;
    }

    /** A handle was cancelled: if it is in the heap, it stays there until {@link #purgeCancelled()}. */
    void noteCancelled(TimerHandle h) {
        if (h.scheduled) cancelledCount++;
    }

    /**
     * Asyncio's purge at the start of {@code _run_once}: when more than half of many handles are cancelled, the
     * heap is rebuilt without them; otherwise the cancelled ones at its top are dropped.
     */
    void purgeCancelled() {
        if (size > MIN_HANDLES_TO_REBUILD && cancelledCount * 2 > size) {
            removeCancelled();
            cancelledCount = 0;
        } else {
            TimerHandle h;
            while ((h = peek()) != null && h.cancelled) {
                cancelledCount--;
                poll();
                h.scheduled = false;
            }
        }
    }

    /** Drops every cancelled handle (marking it unscheduled) and rebuilds the heap from the rest. */
    void removeCancelled() {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            TimerHandle h = handles[i];
            if (h.cancelled) {
                h.scheduled = false;
            } else {
                handles[kept] = h;
                when[kept++] = when[i];
            }
        }
        Arrays.fill(handles, kept, size, null);
        size = kept;
        for (int i = (size - 2) / ARITY; i >= 0; i--) siftDown(i, when[i], handles[i]);
    }

    /** Whether (w1, h1) comes before (w2, h2): by deadline, then by scheduling order. */
    private static boolean before(long w1, TimerHandle h1, long w2, TimerHandle h2) {
        return w1 < w2 || (w1 == w2 && h1.sequence < h2.sequence);
    }

    private void siftUp(int i, long w, TimerHandle h) {
        while (i > 0) {
            int parent = (i - 1) / ARITY;
            long pw = when[parent];
            if (!before(w, h, pw, handles[parent])) break;
            when[i] = pw;
            handles[i] = handles[parent];
            i = parent;
        }
        when[i] = w;
        handles[i] = h;
    }

    private void siftDown(int i, long w, TimerHandle h) {
        int n = size;
        while (true) {
            int first = i * ARITY + 1;
            if (first >= n) break;
            int end = Math.min(first + ARITY, n);
            int best = first;
            long bw = when[first];
            for (int c = first + 1; c < end; c++) {
                long cw = when[c];
                if (cw < bw || (cw == bw && handles[c].sequence < handles[best].sequence)) {
                    best = c;
                    bw = cw;
                }
            }
            if (!before(bw, handles[best], w, h)) break;
            when[i] = bw;
            handles[i] = handles[best];
            i = best;
        }
        when[i] = w;
        handles[i] = h;
    }
}
