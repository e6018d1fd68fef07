package io.jasyncio;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * asyncio's {@code Future}: a result that will exist later. It is pending, then either finished (with a result
 * or an exception) or cancelled. Tasks wait for it with {@link Asyncio#await(Future)}; done callbacks are always
 * scheduled on the loop with {@code callSoon}, never run inline.
 *
 * <p>Threading: a future belongs to one {@link EventLoop} and is not thread-safe; use it from that loop's
 * thread (its tasks and callbacks). From another thread, go through {@link EventLoop#callSoonThreadsafe},
 * {@link Asyncio#runCoroutineThreadsafe} or {@link #toCompletableFuture()}.
 *
 * @param <T> the result type
 */
public class Future<T> {
    // The states, in a byte: a future is one of the most numerous objects, so its fields are kept few.
    private static final byte PENDING = 0, CANCELLED = 1, FINISHED = 2, FAILED = 3;

    final EventLoop loop;
    private byte state = PENDING;
    /**
     * FINISHED: the result; FAILED: the exception, or while nobody has retrieved it, its armed
     * {@link UnretrievedExceptions.Report} (see {@link #failure()}); CANCELLED: the CancelledError a task ended with, handed out
     * once by {@link #makeCancelledError()}, or else the cancel message (a String, or null); PENDING: null, or for
     * a task the message of a cancellation it was asked for (see {@link #cancelMessage()}).
     */
    private Object outcome;
    /** First done callback (the common case), then the rest; entries are user Consumers or waiting Tasks. */
    private Object callback0;
    private ArrayList<Object> callbacks;

    /**
     * A pending future of {@code loop}. {@link EventLoop#createFuture()} is the usual way to get one.
     *
     * @param loop the loop the future belongs to
     */
    public Future(EventLoop loop) {
        if (loop == null) throw new NullPointerException("loop");
        this.loop = loop;
        if (loop.debug) loop.recordSourceTraceback(this, new Throwable(getClass().getSimpleName() + " created here"));
    }

    /** Where the future was created, if the loop was in debug mode then; else null (kept by the loop, not here). */
    final Throwable sourceTraceback() {
        return loop.sourceTracebackOf(this);
    }

    /** The message of the cancellation: of a cancelled future, or the one a pending task was asked to cancel with. */
    final String cancelMessage() {
        if (state != CANCELLED && state != PENDING) return null;
        Object o = outcome;
        return o instanceof CancelledError e ? e.getMessage() : o instanceof String msg ? msg : null;
    }

    /** Keeps the message of a cancellation a pending task was asked for (until it ends). */
    final void setPendingCancelMessage(String msg) {
        if (state == PENDING) outcome = msg;
    }

    /** {@return the loop this future belongs to} */
    public EventLoop getLoop() {
        return loop;
    }

    /** {@return whether the future is finished or cancelled} */
    public boolean done() {
        return state != PENDING;
    }

    /** {@return whether the future was cancelled} */
    public boolean cancelled() {
        return state == CANCELLED;
    }

    /**
     * Cancels the future and schedules its callbacks; false if it was already done.
     *
     * @return true if the future was cancelled now; false if it was already done
     */
    public boolean cancel() {
        return cancel(null);
    }

    /**
     * Cancels the future with a message that the {@link CancelledError} will carry.
     *
     * @param msg the cancellation message (null: none)
     * @return true if the future was cancelled now; false if it was already done
     */
    public boolean cancel(String msg) {
        return cancelInternal(msg);
    }

    /**
     * The result. Throws {@link CancelledError} if cancelled, {@link InvalidStateError} if still pending, and
     * the future's exception itself (unchanged, even when checked) if it finished with one.
     *
     * @return the result
     */
    @SuppressWarnings("unchecked")
    public T result() {
        if (state == FINISHED) return (T) outcome;
        if (state == CANCELLED) throw makeCancelledError();
        if (state == PENDING) throw new InvalidStateError("Result is not ready.");
        clearLogTraceback();
        throw io.jasyncio.internal.Sneaky.rethrow(failure());
    }

    /**
     * The exception (null if it finished with a result). Throws as {@link #result()} does if not finished.
     *
     * @return the exception, or null
     */
    public Throwable exception() {
        if (state == CANCELLED) throw makeCancelledError();
        if (state == PENDING) throw new InvalidStateError("Exception is not set.");
        clearLogTraceback();
        return peekException();
    }

    /**
     * Marks the future done with a result and schedules its callbacks.
     *
     * @param value the result
     */
    public void setResult(T value) {
        if (state != PENDING) throw new InvalidStateError(stateName() + ": " + this);
        outcome = value;
        state = FINISHED;
        scheduleCallbacks();
    }

    /**
     * Marks the future done with an exception and schedules its callbacks. If nobody retrieves the exception
     * ({@link #result()}, {@link #exception()}, awaiting the future, gather, ...), the loop reports "Future
     * exception was never retrieved" to its exception handler once the future is garbage collected, or at the
     * latest when the loop closes (see {@link EventLoop#close()}).
     *
     * @param exc the exception
     */
    public void setException(Throwable exc) {
        if (exc == null) throw new NullPointerException("exception");
        if (state != PENDING) throw new InvalidStateError(stateName() + ": " + this);
        fail(exc);
    }

    /**
     * Adds a callback run (through {@code callSoon}) when the future is done, with the future as argument.
     * If it is already done, the callback is scheduled at once.
     *
     * @param fn the callback; it gets this future
     */
    public void addDoneCallback(Consumer<? super Future<T>> fn) {
        if (fn == null) throw new NullPointerException("callback");
        Object captured = Context.capture();
        addCallbackEntry(captured == null ? fn : new InContext(fn, captured));
    }

    /**
     * {@link #addDoneCallback(Consumer)} with the callback run in {@code context} (null: a copy of the current
     * one), as {@code add_done_callback(fn, context=)}.
     *
     * @param fn the callback; it gets this future
     * @param context the context it runs in (null: a copy of the current one)
     */
    public void addDoneCallback(Consumer<? super Future<T>> fn, Context context) {
        if (fn == null) throw new NullPointerException("callback");
        Object c = context != null ? context : Context.capture();
        addCallbackEntry(c == null ? fn : new InContext(fn, c));
    }

    /** A done callback and the context it runs in (a plain callback runs in an empty one). */
    private record InContext(Consumer<?> fn, Object context) {}

    /**
     * Removes every registration of {@code fn}; returns how many were removed.
     *
     * @param fn the callback
     * @return how many registrations were removed
     */
    public int removeDoneCallback(Consumer<? super Future<T>> fn) {
        return removeCallbackEntry(fn);
    }

    /**
     * A {@link CompletableFuture} that completes when this future does (from the loop's thread). Cancelling
     * it, from any thread, cancels this future on its loop. Safe to call from the loop's thread only.
     *
     * @return a {@code CompletableFuture} that follows this future
     */
    public CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> cf = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                boolean r = super.cancel(mayInterruptIfRunning);
                if (r && !loop.isClosed()) loop.callSoonThreadsafe(() -> Future.this.cancel());
                return r;
            }
        };
        addDoneCallback(f -> copyTo(cf));
        return cf;
    }

    /**
     * A future of {@code loop} that completes when {@code stage} does (asyncio's {@code wrap_future}, for any
     * {@link CompletionStage}: a JDK {@code HttpClient.sendAsync}, an executor's result, ...). Cancelling the
     * returned future cancels {@code stage} when it is a {@link java.util.concurrent.Future}.
     *
     * @param <T> the result type
     * @param stage the stage to follow
     * @param loop the loop the returned future belongs to
     * @return a future of {@code loop} completed as {@code stage} is
     */
    public static <T> Future<T> wrap(CompletionStage<T> stage, EventLoop loop) {
        Future<T> fut = loop.createFuture();
        if (stage instanceof java.util.concurrent.Future<?> jf) {
            fut.addDoneCallback(f -> {
                if (f.cancelled()) jf.cancel(false);
            });
        }
        loop.expectThreadsafeWakeup();
        stage.whenComplete((v, e) -> loop.callSoonThreadsafeInternal(() -> {
            loop.threadsafeWakeupArrived();
            if (fut.cancelled()) return;
            Throwable cause = unwrapCompletion(e);
            if (cause instanceof java.util.concurrent.CancellationException) {
                fut.cancel(cause instanceof CancelledError ce ? ce.getMessage() : null); // as _copy_future_state
            } else if (cause != null) {
                fut.setException(cause);
            } else {
                fut.setResult(v);
            }
        }));
        return fut;
    }

    /**
     * A future of {@code loop} that follows {@code source}, a future (or task) of another loop: the bridge for
     * awaiting, from a task of one loop, what another loop computes (asyncio's {@code wrap_future} applied to a
     * future of another loop, which asyncio refuses to await directly). When {@code source} is done its outcome
     * (result, exception or cancellation) is delivered to the returned future on {@code loop}'s thread;
     * cancelling the returned future cancels {@code source} on its own loop. Returns {@code source} itself when
     * it already belongs to {@code loop}. If {@code source}'s loop is closed, or closes before {@code source} is
     * done, the returned future ends with an {@link IllegalStateException} (it would otherwise wait for ever).
     *
     * <p>Threading: call on {@code loop}'s thread (the returned future is that loop's).
     *
     * @param <T> the result type
     * @param source a future or task, of another loop
     * @param loop the loop the returned future belongs to
     * @return a future of {@code loop} that follows {@code source}, or {@code source} itself
     */
    public static <T> Future<T> wrap(Future<T> source, EventLoop loop) {
        if (source.loop == loop) return source;
        EventLoop from = source.loop;
        Future<T> fut = loop.createFuture();
        loop.expectThreadsafeWakeup();
        java.util.concurrent.atomic.AtomicBoolean delivered = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable sourceLoopGone = () -> {
            if (delivered.compareAndSet(false, true)) {
                loop.threadsafeWakeupArrived();
                if (!fut.done()) fut.setException(new IllegalStateException("the loop of " + source + " closed before it was done"));
            }
        };
        Consumer<Future<T>> deliver = f -> {
            if (loop.isClosed() || !delivered.compareAndSet(false, true)) return;
            Object outcome;
            if (f.cancelled()) outcome = f.makeCancelledError();
            else if (f.exception() != null) outcome = new Failed(f.exception());
            else outcome = new Value<T>(f.peekResult());
            try {
                loop.callSoonThreadsafeInternal(() -> {
                    loop.threadsafeWakeupArrived();
                    if (fut.done()) return; // cancelled meanwhile: the cancellation went to source already
                    if (outcome instanceof CancelledError ce) fut.cancel(ce.getMessage());
                    else if (outcome instanceof Failed(Throwable e)) fut.setException(e);
                    else if (outcome instanceof Value<?> v) fut.setResult(castResult(v.value()));
                });
            } catch (IllegalStateException awaitingLoopClosed) {
                // nobody is left to deliver to
            }
        };
        try {
            from.callSoonThreadsafe(() -> {
                // If the source's loop closes with the source pending, say so instead of waiting for ever.
                Runnable forget = from.closeWithLoop(() -> {
                    if (source.done()) return;
                    try {
                        loop.callSoonThreadsafeInternal(sourceLoopGone);
                    } catch (IllegalStateException awaitingLoopClosed) {
                        // nobody is left to tell
                    }
                });
                source.addDoneCallback(f -> {
                    forget.run();
                    deliver.accept(f);
                });
            });
        } catch (IllegalStateException closed) {
            sourceLoopGone.run();
            return fut;
        }
        fut.addDoneCallback(f -> {
            if (!f.cancelled()) return;
            try {
                from.callSoonThreadsafe(source::cancel);
            } catch (IllegalStateException closed) {
                // the source's loop is closed: nothing runs there any more
            }
        });
        return fut;
    }

    private record Failed(Throwable e) {}

    @SuppressWarnings("unchecked")
    private static <T> T castResult(Object v) {
        return (T) v;
    }

    private record Value<T>(T value) {}

    static Throwable unwrapCompletion(Throwable e) {
        while ((e instanceof java.util.concurrent.CompletionException
                || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    // ---- internals shared with Task and the loop ----

    /** Completes {@code cf} as this done future completed; the exception counts as retrieved (it is passed on). */
    void copyTo(CompletableFuture<T> cf) {
        if (state == CANCELLED) {
            cf.completeExceptionally(makeCancelledError());
            return;
        }
        clearLogTraceback();
        if (state == FAILED) cf.completeExceptionally(failure());
        else cf.complete(peekResult());
    }

    /** Registers a task to be woken (through the ready queue) when this future is done. */
    void addWaiter(Task<?> task) {
        addCallbackEntry(task);
    }

    /** The done callbacks and waiting tasks registered now, in order (for {@link CallGraph}; loop thread). */
    final List<Object> callbackEntries() {
        List<Object> out = new ArrayList<>();
        if (callback0 != null) out.add(callbackOf(callback0));
        if (callbacks != null) for (Object e : callbacks) out.add(callbackOf(e));
        return out;
    }

    /** Undoes {@link #addWaiter}. */
    void removeWaiter(Task<?> task) {
        removeCallbackEntry(task);
    }

    /** Internal result-setting for Task, which refuses the public setters. */
    void finishWithResult(T value) {
        outcome = value;
        state = FINISHED;
        scheduleCallbacks();
    }

    /**
     * Task only: keeps the value its coroutine returned, still pending, until {@link #finishWithHeldResult()}
     * right after (nothing runs in between; the task's pending cancel message is no longer needed then).
     */
    final void holdResult(Object value) {
        outcome = value;
    }

    /** Task only: finishes with the value {@link #holdResult} kept. */
    final void finishWithHeldResult() {
        state = FINISHED;
        scheduleCallbacks();
    }

    void finishWithException(Throwable exc) {
        fail(exc);
    }

    /** Fails with {@code exc}, and arms the report of an exception never retrieved (asyncio's {@code __log_traceback}). */
    private void fail(Throwable exc) {
        outcome = exc;
        state = FAILED;
        scheduleCallbacks();
        if (!loop.isClosed()) outcome = loop.unretrieved.arm(this, exc);
    }

    /** The exception of a FAILED future, whether its report is armed or not. */
    private Throwable failure() {
        Object o = outcome;
        return o instanceof UnretrievedExceptions.Report r ? r.exception : (Throwable) o;
    }

    /** Future's own cancel, which Task's override reaches when its coroutine ends cancelled. */
    final boolean cancelInternal(String msg) {
        clearLogTraceback();
        if (state != PENDING) return false;
        state = CANCELLED;
        outcome = msg;
        scheduleCallbacks();
        return true;
    }

    /** The CancelledError to raise: the one a task was cancelled with (once), else a new one. */
    CancelledError makeCancelledError() {
        if (outcome instanceof CancelledError e) {
            outcome = e.getMessage(); // handed out once; later ones are new, with its message
            return e;
        }
        return new CancelledError(cancelMessage());
    }

    /** Ends a task cancelled by the CancelledError {@code e}, which {@link #makeCancelledError()} hands out once. */
    final void cancelWith(CancelledError e) {
        if (cancelInternal(e.getMessage())) outcome = e;
    }

    /** Marks the exception as seen, so it is not reported as never retrieved. */
    final void clearLogTraceback() {
        if (outcome instanceof UnretrievedExceptions.Report r && state == FAILED) {
            outcome = r.exception;
            loop.unretrieved.disarm(r);
        }
    }

    /** The exception of a failed future; null otherwise. */
    final Throwable peekException() {
        return state == FAILED ? failure() : null;
    }

    /** The result of a future finished with one; null otherwise. */
    @SuppressWarnings("unchecked")
    final T peekResult() {
        return state == FINISHED ? (T) outcome : null;
    }

    String stateName() {
        return switch (state) {
            case PENDING -> "PENDING";
            case CANCELLED -> "CANCELLED";
            default -> "FINISHED";
        };
    }

    /** Whether any done callback or waiting task is registered. */
    final boolean hasCallbacks() {
        return callback0 != null || callbacks != null;
    }

    /** The done callback in the first slot (the first one added, unless removed), or null. */
    final Object firstCallback() {
        return callbackOf(callback0);
    }

    private void addCallbackEntry(Object entry) {
        if (state != PENDING) {
            scheduleCallback(entry);
        } else if (callback0 == null && callbacks == null) {
            callback0 = entry;
        } else {
            if (callbacks == null) callbacks = new ArrayList<>(4);
            callbacks.add(entry);
        }
    }

    private int removeCallbackEntry(Object entry) {
        // entry.equals(e), as java.util collections compare; equals() is user code that may add or remove
        // callbacks while we look (asyncio's bpo-28963), so we filter a snapshot and keep later additions.
        int removed = 0;
        if (callback0 != null && entry.equals(callbackOf(callback0))) {
            callback0 = null;
            removed++;
        }
        ArrayList<Object> list = callbacks;
        if (list != null) {
            Object[] snapshot = list.toArray();
            ArrayList<Object> kept = new ArrayList<>(snapshot.length);
            for (Object e : snapshot) {
                if (entry.equals(callbackOf(e))) removed++;
                else kept.add(e);
            }
            if (callbacks == list) {
                for (int i = snapshot.length; i < list.size(); i++) kept.add(list.get(i));
                callbacks = kept;
            }
        }
        return removed;
    }

    private static Object callbackOf(Object entry) {
        return entry instanceof InContext ic ? ic.fn() : entry;
    }

    private void scheduleCallbacks() {
        Object first = callback0;
        ArrayList<Object> rest = callbacks;
        callback0 = null;
        callbacks = null;
        if (first != null) scheduleCallback(first);
        if (rest != null) {
            for (Object e : rest) scheduleCallback(e);
        }
    }

    @SuppressWarnings("unchecked")
    private void scheduleCallback(Object entry) {
        if (entry instanceof Task<?> waiter) {
            waiter.scheduleWakeup(this);
        } else if (entry instanceof InContext ic) {
            loop.callSoon(new DoneCallback<>(this, (Consumer<? super Future<T>>) ic.fn(), ic.context()));
        } else {
            loop.callSoon(new DoneCallback<>(this, (Consumer<? super Future<T>>) entry, null));
        }
    }

    /**
     * A done callback bound to its future, scheduled as its own handle (one object, not a Runnable and a Handle);
     * its toString names the callback for debug messages.
     */
    private static final class DoneCallback<T> extends Handle {
        private final Future<T> future;
        private final Consumer<? super Future<T>> fn;

        DoneCallback(Future<T> future, Consumer<? super Future<T>> fn, Object context) {
            super(future.loop, null, context);
            this.future = future;
            this.fn = fn;
        }

        @Override void invoke() { fn.accept(future); }

        @Override String describeCallback() { return fn + "(" + future + ")"; }
    }

    /** How {@code toString} describes the state: "pending", "cancelled", "finished result=..." and so on. */
    String describeState() {
        return switch (state) {
            case PENDING -> "pending";
            case CANCELLED -> "cancelled";
            case FAILED -> "finished exception=" + failure();
            default -> "finished result=" + outcome;
        };
    }

    @Override
    public String toString() {
        return guardRecursion(this, () -> repr(describeState(), createdAt()));
    }

    /** The repr of a future: {@code <Future finished exception=... created at F.java:N>}. */
    static String repr(String state, String createdAt) {
        return "<Future " + state + createdAt + ">";
    }

    /** " created at File.java:N" in debug mode, as asyncio's reprs show; "" otherwise. */
    final String createdAt() {
        return createdAt(sourceTraceback());
    }

    static String createdAt(Throwable sourceTraceback) {
        return sourceTraceback == null ? "" : " created at " + Task.firstUserFrame(sourceTraceback);
    }

    private static final ThreadLocal<java.util.Set<Object>> RENDERING =
            ThreadLocal.withInitial(() -> java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));

    /**
     * Renders {@code self} unless this thread is already rendering it, then "..." (asyncio's
     * {@code reprlib.recursive_repr}): a task whose result contains the task itself must not recurse forever.
     */
    static String guardRecursion(Object self, java.util.function.Supplier<String> render) {
        java.util.Set<Object> active = RENDERING.get();
        if (!active.add(self)) return "...";
        try {
            return render.get();
        } finally {
            active.remove(self);
        }
    }
}
