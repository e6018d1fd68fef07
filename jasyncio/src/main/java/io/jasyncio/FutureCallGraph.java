package io.jasyncio;

import java.util.List;

/**
 * The async call graph of one future or task (asyncio's {@code FutureCallGraph}, Python 3.14), built by
 * {@link CallGraph#captureCallGraph}.
 *
 * <p>Threading: an immutable snapshot; any thread. It holds the futures it names, so drop it once read.
 *
 * @param future the future or task the graph is about
 * @param callStack where a task's code is, innermost frame first (empty for a plain future)
 * @param awaitedBy the graphs of the futures and tasks waiting for {@code future}
 */
public record FutureCallGraph(Future<?> future, List<FrameCallGraphEntry> callStack, List<FutureCallGraph> awaitedBy) {
    /** Copies the lists, so the graph stays as it was captured. */
    public FutureCallGraph {
        callStack = List.copyOf(callStack);
        awaitedBy = List.copyOf(awaitedBy);
    }
}
