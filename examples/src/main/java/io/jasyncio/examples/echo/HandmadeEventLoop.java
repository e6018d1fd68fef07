package io.jasyncio.examples.echo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 002's {@code EventLoopIo}, written from scratch in Java: the loop jasyncio's own {@code EventLoop}
 * grows out of, without any of it. A task is a {@link Steps} object, Java's stand-in for a Python generator:
 * each call to {@link Steps#next()} runs the task up to its next {@code yield} and returns what it now waits
 * for. The loop runs ready tasks one step at a time; a task waiting to read or write is parked in a
 * {@link Selector} until its channel is ready, then goes back to the ready queue.
 *
 * <p>Threading: {@link #run} runs on one thread, which is the only one to touch the tasks and the selector;
 * {@link #createTask} is called from tasks (that thread); {@link #stop} may be called from any thread.
 */
final class HandmadeEventLoop {
    private static final System.Logger LOG = System.getLogger("io.jasyncio.examples.echo");

    /** A generator-like task. {@link #next} runs one step; {@link #close} releases its resources. */
    interface Steps {
        /**
         * Runs until the task must wait: returns {@link Wait#read}, {@link Wait#write}, {@link Wait#DONE}, or
         * {@link Wait#YIELD} to just let the other ready tasks run first (the seed's bare {@code yield}).
         */
        Wait next() throws IOException;

        /** Called when the task ends by failing, or when the loop stops while the task is still alive. */
        void close();
    }

    /** What a step yields: the seed's {@code ('wait_read', sock)} / {@code ('wait_write', sock)}, or done. */
    record Wait(int op, SelectableChannel channel) {
        static final Wait DONE = new Wait(0, null);
        static final Wait YIELD = new Wait(-1, null);

        static Wait read(SelectableChannel ch) {
            return new Wait(ch.validOps() & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT), ch);
        }

        static Wait write(SelectableChannel ch) {
            return new Wait(SelectionKey.OP_WRITE, ch);
        }
    }

    private final ArrayDeque<Steps> tasksToRun = new ArrayDeque<>();
    private final List<Steps> alive = new ArrayList<>();
    private final Selector selector;
    private volatile boolean stopping;
    private final boolean stopWhenIdle;

    /** A loop that runs until {@link #stop}. */
    HandmadeEventLoop() throws IOException {
        this(false);
    }

    /** With {@code stopWhenIdle}, {@link #run} also returns once no task is left at all. */
    HandmadeEventLoop(boolean stopWhenIdle) throws IOException {
        this.stopWhenIdle = stopWhenIdle;
        selector = Selector.open();
    }

    void createTask(Steps task) {
        alive.add(task);
        tasksToRun.add(task);
    }

    /** Runs ready tasks, or waits for I/O when none is ready, until {@link #stop}; then closes every task. */
    void run() {
        try (selector) {
            while (!stopping && !(stopWhenIdle && alive.isEmpty())) {
                Steps task = tasksToRun.poll();
                if (task != null) step(task);
                else wakeWaitingTasks();
            }
            alive.forEach(Steps::close);
        } catch (IOException e) {
            throw new UncheckedIOException("the hand-made loop's selector failed", e);
        }
    }

    void stop() {
        stopping = true;
        selector.wakeup();
    }

    private void step(Steps task) throws IOException {
        Wait wait;
        try {
            wait = task.next();
        } catch (IOException e) { // a client's connection broke (a reset): normal, one DEBUG line (as asyncio)
            LOG.log(System.Logger.Level.DEBUG, () -> "a task of the hand-made loop lost its connection: " + e);
            alive.remove(task);
            task.close();
            return;
        } catch (RuntimeException e) { // a bug in a task
            LOG.log(System.Logger.Level.WARNING, "a task of the hand-made loop failed: " + e);
            alive.remove(task);
            task.close();
            return;
        }
        if (wait == Wait.DONE) {
            alive.remove(task);
            return;
        }
        if (wait == Wait.YIELD) { // the seed's EventLoopNoIO: back to the end of the queue
            tasksToRun.add(task);
            return;
        }
        // Park the task on its channel. Instead of the seed's unregister/register pair, a parked key keeps its
        // registration and only its interest set changes (Java needs a select between cancel and re-register).
        SelectionKey key = wait.channel().keyFor(selector);
        if (key == null) wait.channel().register(selector, wait.op(), task);
        else key.interestOps(wait.op()).attach(task);
    }

    /** The seed's {@code sel.select()} branch: every task whose channel is ready becomes ready again. */
    private void wakeWaitingTasks() throws IOException {
        selector.select(key -> {
            key.interestOps(0);
            tasksToRun.add((Steps) key.attachment());
        });
    }
}
