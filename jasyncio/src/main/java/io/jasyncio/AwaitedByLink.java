package io.jasyncio;

/**
 * A done callback that stands for a future waiting on the future it is registered with: a gather's outer future
 * on its children, a {@link TaskGroup}'s parent task on the group's tasks. {@link CallGraph} reads awaited-by
 * edges from these at capture time, so the edges cost nothing while the program runs (asyncio instead adds to
 * {@code _asyncio_awaited_by} on every await).
 */
interface AwaitedByLink {
    /** The future (or task) that waits, through this callback, for the one the callback is registered with. */
    Future<?> awaiter();
}
