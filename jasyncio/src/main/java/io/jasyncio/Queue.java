package io.jasyncio;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * asyncio's {@code Queue}: a FIFO queue connecting producer and consumer tasks. With a {@code maxsize} above
 * zero, {@link #put} waits while the queue is full; {@link #get} waits while it is empty. Waiting tasks are
 * served in FIFO order, and a waiter cancelled just after being woken passes its turn on. Also counts
 * unfinished work for {@link #join()} / {@link #taskDone()}, and can be {@link #shutdown shut down} (3.13).
 *
 * <p>Items may not be null (as in {@code java.util.concurrent} queues). Subclasses choose the order by the
 * storage they pass: {@link LifoQueue}, {@link PriorityQueue}.
 *
 * <p>Threading: not thread-safe; use it from the tasks of one event loop (from another thread, go through
 * {@link EventLoop#callSoonThreadsafe}). It binds to the running loop the first time a task waits on it.
 *
 * @param <T> the item type
 */
public class Queue<T> extends LoopBound {
    private final int maxsize;
    private final java.util.Queue<T> items;
    /** Futures of tasks waiting in get() / put(), oldest first. */
    final ArrayDeque<Future<Void>> getters = new ArrayDeque<>();
    final ArrayDeque<Future<Void>> putters = new ArrayDeque<>();
    int unfinishedTasks;
    private final Event finished = new Event();
    private boolean isShutdown;

    /** An unbounded queue. */
    public Queue() {
        this(0);
    }

    /**
     * A queue holding at most {@code maxsize} items; zero or less means unbounded.
     *
     * @param maxsize the most items the queue holds; zero or less: unbounded
     */
    public Queue(int maxsize) {
        this(maxsize, new ArrayDeque<>());
    }

    /**
     * For subclasses: a queue over {@code storage}, whose {@code add}/{@code remove} order is the queue's
     * order. The storage must be empty and used by this queue only.
     *
     * @param maxsize the most items the queue holds; zero or less: unbounded
     * @param storage the empty collection that holds the items, in the queue's order
     */
    protected Queue(int maxsize, java.util.Queue<T> storage) {
        this.maxsize = maxsize;
        this.items = Objects.requireNonNull(storage, "storage");
        finished.set();
    }

    /** {@return the number of items in the queue} */
    public int qsize() {
        return items.size();
    }

    /** {@return the number of items allowed in the queue (zero or less: unbounded)} */
    public int maxsize() {
        return maxsize;
    }

    /** {@return whether the queue has no items} */
    public boolean empty() {
        return items.isEmpty();
    }

    /** {@return whether the queue holds {@code maxsize} items; never true for an unbounded queue} */
    public boolean full() {
        return maxsize > 0 && qsize() >= maxsize;
    }

    /**
     * Puts {@code item} into the queue, suspending the calling task while the queue is full.
     *
     * @param item the item
     * @throws QueueShutDown if the queue is shut down (also while waiting for room)
     * @throws CancelledError if the task is cancelled while waiting (the item is then not added)
     */
    public void put(T item) {
        Objects.requireNonNull(item, "queue items may not be null");
        while (full()) {
            if (isShutdown) throw new QueueShutDown();
            Future<Void> putter = loop().createFuture();
            putters.add(putter);
            try {
                Asyncio.await(putter);
            } catch (Throwable e) {
                putter.cancel(); // in case we were not woken through it
                putters.remove(putter); // may already be gone: getNowait() and shutdown() pop it
                if (!full() && !putter.cancelled()) {
                    // We were woken to take a free slot but will not: let the next putter have it.
                    wakeUpNext(putters);
                }
                throw e;
            }
        }
        putNowait(item);
    }

    /**
     * Puts {@code item} into the queue without waiting.
     *
     * @param item the item
     * @throws QueueFull if the queue is full
     * @throws QueueShutDown if the queue is shut down
     */
    public void putNowait(T item) {
        Objects.requireNonNull(item, "queue items may not be null");
        if (isShutdown) throw new QueueShutDown();
        if (full()) throw new QueueFull();
        items.add(item);
        unfinishedTasks++;
        finished.clear();
        wakeUpNext(getters);
    }

    /**
     * Removes and returns the next item, suspending the calling task while the queue is empty.
     *
     * @return the next item
     * @throws QueueShutDown if the queue is shut down and empty, or was shut down with {@code immediate}
     * @throws CancelledError if the task is cancelled while waiting (no item is then taken)
     */
    public T get() {
        while (empty()) {
            if (isShutdown) throw new QueueShutDown();
            Future<Void> getter = loop().createFuture();
            getters.add(getter);
            try {
                Asyncio.await(getter);
            } catch (Throwable e) {
                getter.cancel(); // in case we were not woken through it
                getters.remove(getter); // may already be gone: putNowait() and shutdown() pop it
                if (!empty() && !getter.cancelled()) {
                    // We were woken for an item but will not take it: let the next getter have it.
                    wakeUpNext(getters);
                }
                throw e;
            }
        }
        return getNowait();
    }

    /**
     * Removes and returns the next item without waiting.
     *
     * @return the next item
     * @throws QueueEmpty if the queue is empty
     * @throws QueueShutDown if the queue is shut down and empty, or was shut down with {@code immediate}
     */
    public T getNowait() {
        if (empty()) {
            if (isShutdown) throw new QueueShutDown();
            throw new QueueEmpty();
        }
        T item = items.remove();
        wakeUpNext(putters);
        return item;
    }

    /**
     * Marks one item taken with {@link #get} as processed; when every item put has been processed,
     * {@link #join()} returns.
     *
     * @throws IllegalArgumentException "task_done() called too many times" (asyncio's text, with Python's
     *     method name) if called more times than items were taken
     */
    public void taskDone() {
        if (unfinishedTasks <= 0) throw new IllegalArgumentException("task_done() called too many times");
        unfinishedTasks--;
        if (unfinishedTasks == 0) finished.set();
    }

    /**
     * Suspends the calling task until every item put into the queue has been taken and marked processed
     * with {@link #taskDone()}.
     *
     * @throws CancelledError if the task is cancelled while waiting
     */
    public void join() {
        if (unfinishedTasks > 0) finished.await();
    }

    /** {@code shutdown(false)}: puts fail from now on; gets fail once the queue is empty. */
    public void shutdown() {
        shutdown(false);
    }

    /**
     * Shuts the queue down (3.13): every later put raises {@link QueueShutDown}, and so does every get once the
     * queue is empty. With {@code immediate}, the remaining items are dropped at once (each counted as done
     * for {@link #join()}), so gets fail right away. Tasks waiting in put() or get() wake up and re-check.
     *
     * @param immediate whether to drop the remaining items at once
     */
    public void shutdown(boolean immediate) {
        isShutdown = true;
        if (immediate) {
            while (!empty()) {
                items.remove();
                if (unfinishedTasks > 0) unfinishedTasks--;
            }
            if (unfinishedTasks == 0) finished.set();
        }
        wakeAll(getters);
        wakeAll(putters);
    }

    /** Wakes the first waiter that is not done (and forgets the done ones ahead of it). */
    private static void wakeUpNext(ArrayDeque<Future<Void>> waiters) {
        while (!waiters.isEmpty()) {
            Future<Void> w = waiters.removeFirst();
            if (!w.done()) {
                w.setResult(null);
                return;
            }
        }
    }

    private static void wakeAll(ArrayDeque<Future<Void>> waiters) {
        while (!waiters.isEmpty()) {
            Future<Void> w = waiters.removeFirst();
            if (!w.done()) w.setResult(null);
        }
    }

    /** asyncio's {@code Queue._format()}: {@code maxsize=0 _queue=[1, 2] _getters[1] tasks=2 shutdown}. */
    String format() {
        StringBuilder sb = new StringBuilder("maxsize=").append(maxsize);
        if (!items.isEmpty()) sb.append(" _queue=").append(items);
        if (!getters.isEmpty()) sb.append(" _getters[").append(getters.size()).append(']');
        if (!putters.isEmpty()) sb.append(" _putters[").append(putters.size()).append(']');
        if (unfinishedTasks != 0) sb.append(" tasks=").append(unfinishedTasks);
        if (isShutdown) sb.append(" shutdown");
        return sb.toString();
    }

    /** asyncio's {@code str(queue)}: {@code <Queue maxsize=1 _queue=[1] _putters[1]>}. */
    @Override
    public String toString() {
        return "<" + getClass().getSimpleName() + " " + format() + ">";
    }
}
