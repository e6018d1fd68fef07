package io.jasyncio;

import io.jasyncio.internal.FiberHost;

/**
 * What the coroutine engine's fibers need from a loop, kept off the loop's public API: where a task's fiber
 * resumes after blocking inside a JDK call, which thread carries the fibers, and where an escaped error goes.
 *
 * <p>Threading: {@link #resumeBlocked} may be called from any thread; the rest from the loop's.
 */
final class LoopFiberHost implements FiberHost {
    private final EventLoop loop;

    LoopFiberHost(EventLoop loop) {
        this.loop = loop;
    }

    @Override
    public void resumeBlocked(Object owner, Runnable continuation) {
        Task<?> task = (Task<?>) owner;
        Runnable r = () -> task.runBlockedContinuation(continuation);
        if (Thread.currentThread() == loop.loopThread() || loop.tasks.runningFiberTask() != null) {
            loop.scheduleReady(r);
        } else {
            loop.callSoonThreadsafeInternal(r);
        }
    }

    @Override
    public Thread loopThread() {
        return loop.loopThread();
    }

    @Override
    public void fiberEscaped(Object owner, Throwable e) {
        ((Task<?>) owner).fiberEscaped(e);
    }
}
