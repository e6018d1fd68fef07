package io.jasyncio;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What {@link Asyncio#asCompleted} returns (asyncio's {@code _AsCompletedIterator}): an iterator over the given
 * futures in the order they finish.
 * <pre>{@code
 * for (Task<String> t : Asyncio.asCompleted(tasks, 10.0)) {   // next() suspends the calling task
 *     String s = t.result();                                  // t is done; it is one of the tasks passed in
 * }
 * }</pre>
 * This is asyncio 3.13's {@code async for t in as_completed(...)}: each step yields the original future, done.
 * (asyncio's plain {@code for}, which yields new awaitables of the next result, maps to
 * {@code Asyncio.await(it.next())}: awaiting a done future returns its result or throws its exception.)
 * {@link #hasNext()} never suspends; {@link #next()} suspends until one more future is done and throws
 * {@link TimeoutError} once the timeout has passed. Duplicates count once.
 *
 * <p>Threading: create and iterate it on the loop's thread; {@link #next()} from a task's code. Several tasks
 * may iterate the same object: each future goes to one of them.
 *
 * @param <F> the type of future passed in
 */
public final class AsCompleted<F extends Future<?>> implements Iterable<F>, Iterator<F> {
    /** Queued by the timeout, once per future left: each later next() throws TimeoutError. */
    private static final Object TIMED_OUT = new Object();

    private final EventLoop loop;
    private final Set<F> todo;
    private int todoLeft;
    private final ArrayDeque<Object> done = new ArrayDeque<>();
    /** Tasks suspended in next(), oldest first (asyncio uses a Queue for this). */
    private final ArrayDeque<Future<Void>> getters = new ArrayDeque<>();
    private final Consumer<Future<?>> onCompletion = this::handleCompletion;
    private TimerHandle timeoutHandle;

    AsCompleted(Iterable<? extends F> aws, Double timeout) {
        if (aws == null) throw new NullPointerException("futures");
        loop = Asyncio.getEventLoop();
        todo = new LinkedHashSet<>();
        for (F f : aws) {
            if (f == null) throw new NullPointerException("one of the futures passed to asCompleted() is null");
            todo.add(f);
        }
        for (F f : todo) f.addDoneCallback(onCompletion);
        if (!todo.isEmpty() && timeout != null) timeoutHandle = loop.callLater(timeout, this::handleTimeout);
        todoLeft = todo.size();
    }

    /** This object: like asyncio's, it iterates once. */
    @Override
    public Iterator<F> iterator() {
        return this;
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
    public F next() {
        if (todoLeft == 0) throw new NoSuchElementException("as_completed: every future has been returned");
        todoLeft--;
        Object f = take();
        if (f == TIMED_OUT) throw new TimeoutError();
        @SuppressWarnings("unchecked")
        F fut = (F) f;
        return fut;
    }

    private void handleTimeout() {
        for (F f : todo) {
            f.removeDoneCallback(onCompletion);
            put(TIMED_OUT);
        }
        todo.clear();
    }

    @SuppressWarnings("unchecked")
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
                Asyncio.await(getter);
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
