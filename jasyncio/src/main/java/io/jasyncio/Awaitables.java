package io.jasyncio;

/**
 * asyncio's {@code ensure_future}, for {@link Asyncio#ensureFuture} and the composition functions: turns an
 * awaitable argument (a {@link Future}, a {@link Coroutine} or a {@code CompletionStage}) into a future.
 *
 * <p>Threading: loop thread only (it may create tasks).
 */
final class Awaitables {
    private Awaitables() {}

    /**
     * {@code aw} itself if it is a future (checked to belong to {@code loop} when one is given), else a new task
     * running the coroutine (or awaiting the stage) on {@code loop}, or on {@link Asyncio#getEventLoop()} when
     * {@code loop} is null.
     */
    @SuppressWarnings("unchecked")
    static <T> Future<T> ensureFuture(Object aw, EventLoop loop) {
        if (aw instanceof Future<?> f) {
            if (loop != null && loop != f.loop) {
                throw new IllegalArgumentException(
                        "The future belongs to a different loop than the one specified as the loop argument");
            }
            return (Future<T>) f;
        }
        if (aw instanceof Coroutine<?> c) {
            EventLoop l = loop != null ? loop : RunningLoop.current();
            return l.createTask((Coroutine<T>) c);
        }
        if (aw instanceof java.util.concurrent.CompletionStage<?> stage) {
            // asyncio wraps any other awaitable in a coroutine that awaits it (_wrap_awaitable), run as a task
            EventLoop l = loop != null ? loop : RunningLoop.current();
            return l.createTask(() -> (T) awaitStage(stage));
        }
        if (aw == null) {
            throw new NullPointerException("an awaitable (a Future, a Coroutine or a CompletionStage) is required, got null");
        }
        throw new IllegalArgumentException("An io.jasyncio.Future, a Coroutine or a CompletionStage is required, got "
                + aw.getClass().getName());
    }

    /** {@link Asyncio#await(java.util.concurrent.CompletionStage)}: a done stage at once, else through a loop future. */
    static <T> T awaitStage(java.util.concurrent.CompletionStage<T> stage) {
        Task<?> task = RunningLoop.fiberTask("await");
        if (stage instanceof java.util.concurrent.CompletableFuture<T> cf && cf.isDone() && !cf.isCancelled()) {
            // A cancelled stage goes the long way below, where it becomes a CancelledError as when pending.
            try {
                return cf.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw io.jasyncio.internal.Sneaky.rethrow(Future.unwrapCompletion(e));
            }
        }
        return task.awaitFuture(Future.wrap(stage, task.loop));
    }

    /** asyncio's {@code _release_waiter}: completes {@code waiter} unless it is done already. */
    static void releaseWaiter(Future<?> waiter) {
        if (!waiter.done()) waiter.finishWithResult(null);
    }

    /**
     * asyncio's {@code _cancel_and_wait}: cancels {@code fut} and waits until it is done. It waits on a private
     * waiter, not on {@code fut}, so that cancelling the caller does not cancel {@code fut} a second time.
     */
    static void cancelAndWait(Future<?> fut) {
        EventLoop loop = RunningLoop.get();
        Future<Void> waiter = loop.createFuture();
        java.util.function.Consumer<Future<?>> cb = f -> releaseWaiter(waiter);
        fut.addDoneCallback(cb);
        try {
            fut.cancel();
            RunningLoop.fiberTask("await").awaitFuture(waiter);
        } finally {
            fut.removeDoneCallback(cb);
        }
    }
}
