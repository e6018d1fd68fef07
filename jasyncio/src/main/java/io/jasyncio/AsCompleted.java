package io.jasyncio;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What {@link Asyncio#asCompleted} returns (asyncio's {@code _AsCompletedIterator}): the given futures in the
 * order they finish. It offers asyncio 3.13's two ways to iterate, sharing one count of what is left:
 * <pre>{@code
 * // async for t in as_completed(tasks, timeout=10): each step suspends, then yields the original future, done
 * for (Future<String> t : Asyncio.asCompleted(tasks, 10.0)) {
 *     String s = t.result();
 * }
 * // for c in as_completed(tasks): each step returns at once an awaitable of the NEXT result to come
 * for (Coroutine<String> c : Asyncio.asCompleted(tasks).awaitables()) {
 *     String s = RunningLoop.fiberTask("await").awaitFuture(c);            // returns that result or throws its exception
 * }
 * }</pre>
 * {@link #hasNext()} never suspends; {@link #next()} suspends until one more future is done and throws
 * {@link TimeoutError} once the timeout has passed (so do the awaitables, when awaited). Duplicates count once.
 * Coroutines are not accepted: start them with {@link Asyncio#createTask} first (asyncio would wrap them in
 * tasks the caller never sees).
 *
 * <p>Threading: create and iterate it on the loop's thread; {@link #next()} and the awaitables from a task's
 * code. Several tasks may wait on the same object: each future goes to one of them.
 *
 * @param <T> the futures' result type
 */
public final class AsCompleted<T> implements Iterable<Future<T>>, Iterator<Future<T>> {
    /** Queued by the timeout, once per future left: each later next() throws TimeoutError. */
    private static final Object TIMED_OUT = new Object();

    private final EventLoop loop;
    private final Set<Future<T>> todo;
    private int todoLeft;
    private final ArrayDeque<Object> done = new ArrayDeque<>();
    /** Tasks suspended in next(), oldest first (asyncio uses a Queue for this). */
    private final ArrayDeque<Future<Void>> getters = new ArrayDeque<>();
    private final Consumer<Future<?>> onCompletion = this::handleCompletion;
    private TimerHandle timeoutHandle;

    @SuppressWarnings("unchecked")
    AsCompleted(Iterable<? extends Future<? extends T>> aws, Double timeout) {
        if (aws == null) throw new NullPointerException("futures");
        loop = RunningLoop.current();
        todo = new LinkedHashSet<>();
        for (Future<? extends T> f : aws) {
            if (f == null) throw new NullPointerException("one of the futures passed to asCompleted() is null");
            todo.add((Future<T>) f); // read-only use: the result is a T
        }
        for (Future<T> f : todo) f.addDoneCallback(onCompletion);
        if (!todo.isEmpty() && timeout != null) timeoutHandle = loop.callLater(timeout, this::handleTimeout);
        todoLeft = todo.size();
    }

    /** This object: like asyncio's, it iterates once. */
    @Override
    public Iterator<Future<T>> iterator() {
        return this;
    }

    /**
     * asyncio's plain iteration: each {@code next()} returns at once (without suspending) a coroutine that, when
     * awaited, waits for the next future to finish and returns its result or throws its exception (or
     * {@link TimeoutError}). Shares the count of what is left with this iterator.
     *
     * @return the coroutines, one per future
     */
    public Iterable<Coroutine<T>> awaitables() {
        return () -> new Iterator<>() {
            @Override public boolean hasNext() {
                return todoLeft > 0;
            }

            @Override public Coroutine<T> next() {
                countOne();
                return () -> nextDone().result();
            }
        };
    }

    /** Whether more futures are to come; never suspends. */
    @Override
    public boolean hasNext() {
        return todoLeft > 0;
    }

    /**
     * Suspends the calling task until the next future is done and returns it; throws {@link TimeoutError} if
     * the timeout passed first, {@link NoSuchElementException} when every future has been returned.
     */
    @Override
    public Future<T> next() {
        countOne();
        return nextDone();
    }

    private void countOne() {
        if (todoLeft == 0) throw new NoSuchElementException("as_completed: every future has been returned");
        todoLeft--;
    }

    private Future<T> nextDone() {
        Object f = take();
        if (f == TIMED_OUT) throw new TimeoutError();
        @SuppressWarnings("unchecked")
        Future<T> fut = (Future<T>) f;
        return fut;
    }

    private void handleTimeout() {
        for (Future<T> f : todo) {
            f.removeDoneCallback(onCompletion);
            put(TIMED_OUT);
        }
        todo.clear();
    }

    private void handleCompletion(Future<?> f) {
        if (todo.isEmpty()) return; // the timeout came first
        todo.remove(f);
        put(f);
        if (todo.isEmpty() && timeoutHandle != null) timeoutHandle.cancel();
    }

    private void put(Object item) {
        done.add(item);
        wakeNextGetter();
    }

    private void wakeNextGetter() {
        while (!getters.isEmpty()) {
            Future<Void> g = getters.poll();
            if (!g.done()) {
                g.setResult(null);
                return;
            }
        }
    }

    /** asyncio's {@code Queue.get()}, cancellation-safe: an item is never lost when a waiting task is cancelled. */
    private Object take() {
        while (done.isEmpty()) {
            Future<Void> getter = loop.createFuture();
            getters.add(getter);
            try {
                RunningLoop.fiberTask("await").awaitFuture(getter);
            } catch (Throwable e) {
                getter.cancel();
                getters.remove(getter);
                // We were woken, then cancelled: pass the wake-up on to the next waiting task.
                if (!done.isEmpty() && !getter.cancelled()) wakeNextGetter();
                throw e;
            }
        }
        return done.poll();
    }
}
