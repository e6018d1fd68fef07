package io.jasyncio;

/**
 * When {@link Asyncio#wait} returns: asyncio's {@code FIRST_COMPLETED}, {@code FIRST_EXCEPTION} and
 * {@code ALL_COMPLETED} constants.
 *
 * <p>Threading: an immutable enum.
 */
public enum ReturnWhen {
    /** As soon as any future is done (finished or cancelled). */
    FIRST_COMPLETED,
    /** As soon as any future finishes with an exception (a cancelled one does not count); else when all are done. */
    FIRST_EXCEPTION,
    /** When every future is done. */
    ALL_COMPLETED
}
