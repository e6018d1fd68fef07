package io.jasyncio;

/**
 * asyncio's {@code Handle}: a callback scheduled on an {@link EventLoop} by {@code callSoon} and friends.
 * Cancelling it before it runs keeps it from running. The callback runs in the {@link Context} given when it was
 * scheduled, else in a copy of the one current then.
 *
 * <p>Threading: {@link #cancel()} and {@link #cancelled()} belong to the loop's thread, except for a handle
 * returned by {@link EventLoop#callSoonThreadsafe}, which may be cancelled from any thread.
 */
public class Handle implements Runnable {
    final EventLoop loop;
    private Runnable callback;
    volatile boolean cancelled;
    /** Where the handle was created, when the loop is in debug mode. */
    final Throwable sourceTraceback;
    /**
     * The context the callback runs in: a {@link Context}, or the pairs captured when scheduled (null: empty),
     * turned into a Context the first time it is needed and kept, so that a reader's calls share one.
     */
    private Object context;

    Handle(EventLoop loop, Runnable callback) {
        this(loop, callback, Context.capture());
    }

    /** A handle running in {@code context}: a {@link Context}, or what {@link Context#capture()} returned. */
    Handle(EventLoop loop, Runnable callback, Object context) {
        this.loop = loop;
        this.callback = callback;
        this.context = context;
        this.sourceTraceback = loop.debug ? new Throwable("handle created here") : null;
    }

    /** Keeps the callback from running, if it has not run yet. Idempotent. */
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            if (loop.debug) return; // keep the callback for the repr in debug mode, as asyncio does
            callback = null;
        }
    }

    /** {@return whether {@link #cancel()} was called} */
    public boolean cancelled() {
        return cancelled;
    }

    /**
     * The context the callback runs in ({@code get_context()}): the one given, else the handle's own copy of the
     * context current when it was scheduled (made on first use, then kept). Loop thread.
     *
     * @return the callback's context
     */
    public Context getContext() {
        return contextObject();
    }

    private Context contextObject() {
        Context c = Context.of(context);
        context = c;
        return c;
    }

    /** {@return the loop that runs this handle} */
    public EventLoop getLoop() {
        return loop;
    }

    /**
     * Runs the callback (the loop calls this); an exception goes to the loop's exception handler, an
     * {@link Error} propagates and ends the loop's run (asyncio lets KeyboardInterrupt and SystemExit through
     * the same way): a callback has no task or connection to fail, and an Error is not for logging and going on.
     */
    @Override
    public void run() {
        if (cancelled) return;
        try {
            if (Context.needed(context)) {
                contextObject().run(this::invoke);
            } else {
                invoke();
                Object[] firstSets = Context.takeUncopiedSets();
                if (firstSets != null) context = new Context(firstSets); // the handle's own, as if copied
            }
        } catch (Exception e) {
            // An Error is not reported here: it ends the loop's run (docs/ENGINES.md, "Errors on the loop").
            loop.callExceptionHandler(ExceptionContext.builder("Exception in callback " + describeCallback())
                    .exception(e).handle(this).sourceTraceback(sourceTraceback).build());
        }
    }

    /** Calls the callback; subclasses that carry their callback as fields override it. */
    void invoke() {
        Runnable cb = callback;
        if (cb != null) cb.run();
    }

    String describeCallback() {
        Runnable cb = callback;
        return cb == null ? "<cancelled>" : cb.toString();
    }

    @Override
    public String toString() {
        return "<Handle" + (cancelled ? " cancelled" : "") + " " + describeCallback()
                + createdAt() + ">";
    }

    /** " created at File.java:N" in debug mode, as asyncio's reprs show; "" otherwise. */
    final String createdAt() {
        return sourceTraceback == null ? "" : " created at " + Task.firstUserFrame(sourceTraceback);
    }
}
