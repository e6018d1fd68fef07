package io.jasyncio;

import java.lang.System.Logger.Level;

/**
 * Something an event loop owns for the program: a transport, a server, a child process. It joins its loop's
 * list when made ({@link #own}) and leaves it when closed ({@link #disown}); what is still in the list when the
 * loop closes was left open, and {@link EventLoop#close()} closes it ({@link #closeAbandoned()}) and reports it,
 * as asyncio's {@code ResourceWarning} ("unclosed transport &lt;...&gt;"), as a WARNING on the "io.jasyncio"
 * logger, once. So no socket, server, pipe or child outlives the loop, nor {@code Asyncio.run}.
 *
 * <p>The list is intrusive (two fields in each resource, no allocation, constant time in and out), since every
 * connection joins it.
 *
 * <p>Threading: the loop's thread only.
 */
public abstract class LoopResource {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");

    private LoopResource prevOwned, nextOwned;

    /** For subclasses: a resource not yet on any loop's list ({@link #own} puts it there). */
    protected LoopResource() {}

    /**
     * Joins {@code loop}'s list: the loop closes this resource if it is still open when the loop closes.
     *
     * @param loop the loop that owns this resource
     */
    protected final void own(EventLoop loop) {
        if (prevOwned != null || loop.owned == this) return;
        nextOwned = loop.owned;
        if (nextOwned != null) nextOwned.prevOwned = this;
        loop.owned = this;
    }

    /**
     * Leaves {@code loop}'s list (this resource is closed); idempotent.
     *
     * @param loop the loop that owns this resource
     */
    protected final void disown(EventLoop loop) {
        if (prevOwned == null && loop.owned != this) return; // not in the list
        if (prevOwned != null) prevOwned.nextOwned = nextOwned;
        else loop.owned = nextOwned;
        if (nextOwned != null) nextOwned.prevOwned = prevOwned;
        prevOwned = nextOwned = null;
    }

    /** {@link EventLoop#closeWithLoop}: {@code resource} closed silently at {@code loop}'s close, unless taken back. */
    static Runnable closedWith(EventLoop loop, AutoCloseable resource) {
        java.util.Objects.requireNonNull(resource, "resource");
        LoopResource owned = new LoopResource() {
            @Override
            protected String closeAbandoned() {
                try {
                    resource.close();
                } catch (Exception e) {
                    LOG.log(Level.WARNING, "closing " + resource + " with its event loop failed", e);
                }
                return null;
            }
        };
        owned.own(loop);
        return () -> owned.disown(loop);
    }

    /**
     * Closes this resource, left open when its loop closed: releases what the operating system holds (sockets,
     * pipes; a child is asked to end) now, without callbacks, since the loop runs nothing any more. Returns
     * the report ("unclosed transport &lt;...&gt;"), or null when there is nothing to report (it was already
     * closing, or its owner reports for it).
     *
     * @return the report, or null
     */
    protected abstract String closeAbandoned();

    /**
     * Called once every abandoned resource has been closed: waits, at most until {@code deadlineNanos}
     * ({@link System#nanoTime()}), for what {@link #closeAbandoned()} began (a child's exit), then finishes
     * it by force. Does nothing unless overridden.
     *
     * @param deadlineNanos when to stop waiting, as {@link System#nanoTime()} counts
     */
    protected void awaitAbandoned(long deadlineNanos) {}

    /**
     * Whether this resource is a connection the loop's metrics count as open: a transport over a socket (TLS
     * counted once, by its socket) or a pipe. False unless overridden.
     *
     * @return whether the loop's metrics count this resource as an open connection
     */
    protected boolean isConnection() {
        return false;
    }

    /** How many of {@code loop}'s resources are open connections ({@link #isConnection()}). Loop thread. */
    static int countConnections(EventLoop loop) {
        int n = 0;
        for (LoopResource r = loop.owned; r != null; r = r.nextOwned) if (r.isConnection()) n++;
        return n;
    }

    /**
     * A graceful shutdown begins ({@link LoopGroup}): a listening server stops accepting, as its
     * {@code close()} does; connections and other resources carry on. Does nothing unless overridden.
     */
    protected void stopListening() {}

    /** Calls {@link #stopListening()} on every resource of {@code loop}, oldest first; loop thread only. */
    static void stopListening(EventLoop loop) {
        java.util.ArrayList<LoopResource> all = new java.util.ArrayList<>();
        for (LoopResource r = loop.owned; r != null; r = r.nextOwned) all.add(r);
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                all.get(i).stopListening();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "stopping " + all.get(i) + " from listening failed", e);
            }
        }
    }

    /** How long {@link EventLoop#close()} lets abandoned resources end by themselves (a child after SIGTERM). */
    static final long ABANDONED_GRACE_NANOS = 1_000_000_000L;

    /** {@link EventLoop#close()}: closes and reports every resource still in {@code loop}'s list. */
    static void closeAll(EventLoop loop) {
        // Taken out of the list first: closing one may disown others (a child's transport, its pipes).
        java.util.ArrayList<LoopResource> all = new java.util.ArrayList<>();
        for (LoopResource r = loop.owned; r != null; ) {
            LoopResource next = r.nextOwned;
            r.prevOwned = r.nextOwned = null;
            all.add(r);
            r = next;
        }
        loop.owned = null;
        java.util.Collections.reverse(all); // oldest first: a server before the connections it accepted
        for (LoopResource r : all) {
            String report;
            try {
                report = r.closeAbandoned();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "closing " + r + " with its event loop failed", e);
                continue;
            }
            if (report != null) LOG.log(Level.WARNING, report);
        }
        long deadline = System.nanoTime() + ABANDONED_GRACE_NANOS;
        for (LoopResource r : all) {
            try {
                r.awaitAbandoned(deadline);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "ending " + r + " with its event loop failed", e);
            }
        }
    }
}
