package io.jasyncio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The loop's I/O readiness: one NIO {@link Selector} (epoll on Linux), opened on first use, and for each watched
 * channel a reader and a writer {@link Handle} (asyncio's {@code add_reader}/{@code add_writer}). A poll puts the
 * handles of ready channels on the loop's ready queue; it never runs them itself.
 *
 * <p>Threading: the loop's thread only, except {@link #wakeup()}.
 */
final class IoWatcher {
    private final EventLoop loop;
    private final Consumer<Object> readyQueue;
    private volatile Selector selector;
    /** Schedule fuzzing (see {@link ScheduleFuzz}): one select's handles are collected here, then shuffled. */
    private ScheduleFuzz fuzz;
    private java.util.List<Object[]> batch;
    /** Ends short timed selects at their exact deadline (epoll counts whole ms); started on first use. */
    private SelectAlarm alarm;

    IoWatcher(EventLoop loop, Consumer<Object> readyQueue) {
        this.loop = loop;
        this.readyQueue = readyQueue;
    }

    /** What is watched on one channel. */
    private static final class Registration {
        final SelectableChannel channel;
        Handle reader;
        Handle writer;

        Registration(SelectableChannel channel) {
            this.channel = channel;
        }
    }

    void fuzz(ScheduleFuzz f) {
        fuzz = f;
        batch = f == null ? null : ScheduleFuzz.newBatch();
    }

    boolean isOpen() {
        return selector != null;
    }

    /** Whether any channel is registered: then the virtual clock gives I/O a chance before jumping. */
    boolean watchesAny() {
        Selector s = selector;
        return s != null && !s.keys().isEmpty();
    }

    Selector selector() {
        if (selector == null) {
            try {
                selector = Selector.open();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open a selector for " + loop, e);
            }
        }
        return selector;
    }

    /**
     * Polls for ready channels: {@code timeoutNanos} 0 just looks, a negative one waits without limit. The selector
     * waits whole milliseconds, rounded up; with {@code exact}, a wait under {@link SelectAlarm#MAX_WAIT_NANOS} also
     * ends at its exact deadline (a timer's), by the {@link SelectAlarm}.
     */
    void poll(long timeoutNanos, boolean exact) {
        try {
            if (timeoutNanos == 0) {
                selector.selectNow(this::dispatch);
            } else if (timeoutNanos < 0) {
                selector.select(this::dispatch, 0);
            } else {
                long ms = Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999));
                SelectAlarm a = exact && timeoutNanos < SelectAlarm.MAX_WAIT_NANOS ? alarm() : null;
                if (a != null) a.arm(System.nanoTime() + timeoutNanos);
                try {
                    selector.select(this::dispatch, ms);
                } finally {
                    if (a != null) a.disarm();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("selector failed in " + loop, e);
        }
        if (fuzz != null && !batch.isEmpty()) {
            fuzz.shuffleIoBatch(batch);
            for (Object[] handles : batch) {
                for (Object h : handles) if (h != null) readyQueue.accept(h);
            }
            batch.clear();
        }
    }

    private SelectAlarm alarm() {
        if (alarm == null) alarm = new SelectAlarm(selector, threadName(loop));
        return alarm;
    }

    /** The name of {@code loop}'s alarm thread (its identity hash: a loop's toString changes as it runs). */
    static String threadName(EventLoop loop) {
        return "jasyncio-select-alarm-" + Integer.toHexString(System.identityHashCode(loop));
    }

    private void dispatch(SelectionKey key) {
        Registration reg = (Registration) key.attachment();
        if (reg == null || !key.isValid()) return;
        int ops = key.readyOps();
        Handle r = null, w = null;
        if ((ops & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0 && reg.reader != null) {
            if (reg.reader.cancelled) remove(reg.channel, true);
            else r = reg.reader;
        }
        if ((ops & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0 && reg.writer != null) {
            if (reg.writer.cancelled) remove(reg.channel, false);
            else w = reg.writer;
        }
        if (fuzz != null) {
            if (r != null || w != null) batch.add(new Object[] {r, w}); // one channel: reader first, as asyncio
            return;
        }
        if (r != null) readyQueue.accept(r);
        if (w != null) readyQueue.accept(w);
    }

    /** Ends a wait in {@link #poll}; any thread. */
    void wakeup() {
        Selector s = selector;
        if (s != null) s.wakeup();
    }

    Handle add(SelectableChannel channel, Runnable callback, boolean read) {
        Handle h = new Handle(loop, callback);
        Selector sel = selector();
        SelectionKey key = channel.keyFor(sel);
        try {
            if (key == null || !key.isValid()) {
                if (key != null) sel.selectNow(); // flush the cancelled key before registering again
                if (channel.isBlocking()) channel.configureBlocking(false);
                Registration reg = new Registration(channel);
                if (read) reg.reader = h;
                else reg.writer = h;
                channel.register(sel, opsOf(channel, read), reg);
            } else {
                Registration reg = (Registration) key.attachment();
                Handle old = read ? reg.reader : reg.writer;
                if (old != null) old.cancel();
                if (read) reg.reader = h;
                else reg.writer = h;
                key.interestOps(key.interestOps() | opsOf(channel, read));
            }
        } catch (ClosedChannelException e) {
            throw new IllegalArgumentException("channel " + channel + " is closed", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return h;
    }

    boolean remove(SelectableChannel channel, boolean read) {
        Selector sel = selector;
        if (sel == null) return false;
        SelectionKey key = channel.keyFor(sel);
        if (key == null || !key.isValid()) return false;
        Registration reg = (Registration) key.attachment();
        Handle h = read ? reg.reader : reg.writer;
        if (read) reg.reader = null;
        else reg.writer = null;
        if (reg.reader == null && reg.writer == null) key.cancel();
        else key.interestOps(key.interestOps() & ~opsOf(channel, read));
        if (h == null) return false;
        h.cancel();
        return true;
    }

    private static int opsOf(SelectableChannel channel, boolean read) {
        int valid = channel.validOps();
        if (read) return valid & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        return valid & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT);
    }

    /** Deregisters every channel (without closing them: their owners do) and closes the selector. */
    void close() {
        Selector sel = selector;
        if (sel == null) return;
        selector = null;
        if (alarm != null) {
            alarm.close();
            alarm = null;
        }
        try {
            for (SelectionKey k : sel.keys()) k.cancel();
            sel.close();
        } catch (IOException e) {
            System.getLogger("io.jasyncio").log(System.Logger.Level.WARNING, "closing the selector of " + loop + " failed", e);
        }
    }
}
