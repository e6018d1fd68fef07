package io.jasyncio;

/**
 * One frame of a {@link FutureCallGraph}'s call stack (asyncio's {@code FrameCallGraphEntry}, Python 3.14): a
 * frame of the task's code where it is suspended (or, for the current task, where it is running).
 *
 * <p>Threading: an immutable value; any thread.
 *
 * @param frame the frame: class, method, file and line
 */
public record FrameCallGraphEntry(StackTraceElement frame) {}
