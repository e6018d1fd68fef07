package io.jasyncio;

import java.util.Set;

/**
 * What {@link Asyncio#wait} returns: asyncio's {@code (done, pending)} pair, as two sets of the futures that were
 * passed in (the same objects, so a task can be recognised with {@code ==} or {@code contains}).
 *
 * <p>Threading: the record and its sets are built once and not changed afterwards; the futures in them belong
 * to their loop's thread.
 *
 * @param done the futures that were done when {@code wait} returned
 * @param pending the others
 * @param <F> the type of future passed in
 */
public record DoneAndPending<F extends Future<?>>(Set<F> done, Set<F> pending) {
    /** Makes the sets unmodifiable views (they are not copied). */
    public DoneAndPending {
        done = java.util.Collections.unmodifiableSet(done);
        pending = java.util.Collections.unmodifiableSet(pending);
    }
}
