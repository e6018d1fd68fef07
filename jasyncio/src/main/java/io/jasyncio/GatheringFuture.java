package io.jasyncio;

import java.util.ArrayList;
import java.util.Arrays;
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
            Future<List<Object>> outer = RunningLoop.current().createFuture();
            outer.setResult(new ArrayList<>());
            return outer;
        }
        // asyncio creates the children first and the outer future last; nothing observable depends on it, and the
        // outer future needs the loop, which the first child decides.
        //
        // An argument passed twice counts once (asyncio's arg_to_fut). An identity map costs a hash and a cache
        // miss per argument once it outgrows the cache, so most arguments stay out of it:
        // - a pending future that had no callbacks is recognised by this gather's callback in its first slot.
        //   That holds while no code runs during this loop, which a custom task factory could break (an eager
        //   task finishing a future): then every future goes into the map;
        // - a coroutine (or stage) can be repeated only if its identity hash is: those are found up front by
        //   sorting the hashes, and only they go into the map. Below LARGE_GATHER arguments the map stays in
        //   the cache, and every coroutine goes into it.
        int[] repeatedHashes = aws.size() > LARGE_GATHER ? repeatedHashesOfNonFutures(aws) : null;
        Map<Object, Future<?>> argToFut = null;
        boolean mapAll = false;
        List<Future<?>> alreadyDone = new ArrayList<>();
        GatheringFuture outer = null;
        for (Object arg : aws) {
            boolean mayRepeat = arg instanceof Future<?> || repeatedHashes == null || (repeatedHashes.length > 0
                    && Arrays.binarySearch(repeatedHashes, System.identityHashCode(arg)) >= 0);
            Future<?> fut = outer == null || !mayRepeat ? null : outer.seenBefore(arg, argToFut);
            if (fut == null) {
                fut = Awaitables.ensureFuture(arg, outer == null ? null : outer.loop);
                if (outer == null) {
                    outer = new GatheringFuture(fut.loop, returnExceptions, aws.size());
                    mapAll = fut.loop.getTaskFactory() != null;
                }
                outer.nfuts++;
                boolean firstSlot = arg == fut && !fut.done() && !fut.hasCallbacks();
                if (mayRepeat && (mapAll || !firstSlot)) {
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

    private final Consumer<Future<?>> childDone = new ChildDone();

    /** The callback on each child; as an {@link AwaitedByLink} it tells {@link CallGraph} the outer future waits. */
    private final class ChildDone implements Consumer<Future<?>>, AwaitedByLink {
        @Override public void accept(Future<?> child) { onChildDone(child); }
        @Override public Future<?> awaiter() { return GatheringFuture.this; }
    }

    private static final int[] NO_HASHES = {};
    /** Above this many arguments, an identity map of them all outgrows a core's cache (see {@link #gather}). */
    private static final int LARGE_GATHER = 16_384;

    /** The identity hashes that occur more than once among the arguments that are not futures, sorted. */
    private static int[] repeatedHashesOfNonFutures(Collection<?> aws) {
        int[] hashes = null;
        int n = 0;
        for (Object arg : aws) {
            if (arg instanceof Future<?>) continue;
            if (hashes == null) hashes = new int[aws.size()];
            hashes[n++] = System.identityHashCode(arg);
        }
        if (n < 2) return NO_HASHES;
        Arrays.sort(hashes, 0, n);
        int[] out = new int[4];
        int repeated = 0;
        for (int i = 1; i < n; i++) {
            if (hashes[i] == hashes[i - 1] && (repeated == 0 || out[repeated - 1] != hashes[i])) {
                if (repeated == out.length) out = Arrays.copyOf(out, repeated * 2);
                out[repeated++] = hashes[i];
            }
        }
        return Arrays.copyOf(out, repeated);
    }

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
