package io.jasyncio;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The future {@link Asyncio#gather} returns (asyncio's {@code _GatheringFuture}): its result is the list of the
 * children's results, in argument order.
 *
 * <p>Cancelling it cancels the children that are not done, like {@link Task#cancel}: it is not marked cancelled
 * at once; it finishes when the children do, with a {@link CancelledError} as its exception (so
 * {@link #cancelled()} stays false, exactly as in asyncio).
 *
 * <p>Threading: like every {@link Future}, it belongs to its loop's thread.
 */
final class GatheringFuture extends Future<List<Object>> {
    private final List<Future<?>> children;
    private final boolean returnExceptions;
    private boolean cancelRequested;
    private int nfuts;
    private int nfinished;

    private GatheringFuture(EventLoop loop, boolean returnExceptions, int size) {
        super(loop);
        this.returnExceptions = returnExceptions;
        this.children = new ArrayList<>(size);
    }

    /** asyncio's {@code gather(*aws, return_exceptions=...)}; each element is a {@link Future} or a {@link Coroutine}. */
    static Future<List<Object>> gather(Collection<?> aws, boolean returnExceptions) {
        if (aws.isEmpty()) {
            Future<List<Object>> outer = Asyncio.getEventLoop().createFuture();
            outer.setResult(new ArrayList<>());
            return outer;
        }
        // asyncio creates the children first and the outer future last; nothing observable depends on it, and the
        // outer future needs the loop, which the first child decides.
        //
        // A future passed twice counts once (asyncio's arg_to_fut). An identity map costs a hash and a cache miss
        // per argument, so a pending future that had no callbacks is recognised by this gather's callback in its
        // first slot instead, and only the other arguments go into the map. That holds while no code runs during
        // this loop, which a custom task factory could break (an eager task finishing a future): then every
        // argument goes into the map.
        Map<Object, Future<?>> argToFut = null;
        boolean mapAll = false;
        List<Future<?>> alreadyDone = new ArrayList<>();
        GatheringFuture outer = null;
        for (Object arg : aws) {
            Future<?> fut = outer == null ? null : outer.seenBefore(arg, argToFut);
            if (fut == null) {
                fut = Awaitables.ensureFuture(arg, outer == null ? null : outer.loop);
                if (outer == null) {
                    outer = new GatheringFuture(fut.loop, returnExceptions, aws.size());
                    mapAll = fut.loop.getTaskFactory() != null;
                }
                outer.nfuts++;
                boolean firstSlot = arg == fut && !fut.done() && !fut.hasCallbacks();
                if (mapAll || !firstSlot) {
                    if (argToFut == null) argToFut = new IdentityHashMap<>(aws.size()); // sized: no rehash
                    argToFut.put(arg, fut);
                }
                if (fut.done()) {
                    alreadyDone.add(fut);
                } else {
                    fut.addDoneCallback(outer.childDone);
                }
            }
            outer.children.add(fut);
        }
        // Children that were done before gather() (or finished eagerly) are counted now, in order; when all of
        // them were, this completes the outer future before it is returned.
        for (Future<?> fut : alreadyDone) outer.onChildDone(fut);
        return outer;
    }

    private final Consumer<Future<?>> childDone = this::onChildDone;

    /** The future already gathered for {@code arg} (see the comment in {@link #gather}), or null. */
    private Future<?> seenBefore(Object arg, Map<Object, Future<?>> argToFut) {
        if (arg instanceof Future<?> f && !f.done() && f.firstCallback() == childDone) return f;
        return argToFut == null ? null : argToFut.get(arg);
    }

    private void onChildDone(Future<?> fut) {
        nfinished++;
        if (done()) {
            if (!fut.cancelled()) fut.exception(); // marks it retrieved: the outer future already reported
            return;
        }
        if (!returnExceptions) {
            if (fut.cancelled()) {
                // A cancelled child counts as one that raised CancelledError; the outer is not "cancelled".
                setException(fut.makeCancelledError());
                return;
            }
            Throwable exc = fut.exception();
            if (exc != null) {
                setException(exc);
                return;
            }
        }
        if (nfinished == nfuts) {
            List<Object> results = new ArrayList<>(children.size());
            for (Future<?> child : children) {
                if (child.cancelled()) {
                    // A fresh error per slot: the child's own CancelledError is kept for whoever awaits it.
                    results.add(new CancelledError(child.cancelMessage()));
                } else {
                    Throwable e = child.exception();
                    results.add(e != null ? e : child.peekResult());
                }
            }
            if (cancelRequested) {
                // gather() itself was cancelled: that wins over returnExceptions. asyncio takes the error
                // from the last child in argument order, as here.
                setException(children.get(children.size() - 1).makeCancelledError());
            } else {
                setResult(results);
            }
        }
    }

    /** Cancels every child that is not done; true if any was. The outer future finishes when they do. */
    @Override
    public boolean cancel(String msg) {
        if (done()) return false;
        boolean ret = false;
        for (Future<?> child : children) {
            if (child.cancel(msg)) ret = true;
        }
        if (ret) {
            // Propagate the cancellation whatever returnExceptions says (bpo-32684).
            cancelRequested = true;
        }
        return ret;
    }
}
