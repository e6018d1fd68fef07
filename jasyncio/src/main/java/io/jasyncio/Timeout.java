package io.jasyncio;

import io.jasyncio.internal.Sneaky;

/**
 * asyncio's {@code Timeout} ({@code async with asyncio.timeout(delay) as cm:}): runs a block of code in the
 * calling task and, when the deadline passes, cancels the task and turns the resulting {@link CancelledError}
 * into a {@link TimeoutError} at the end of the block.
 *
 * <p>Java form. asyncio's {@code __aexit__} must see the exception the block ends with, to convert that one
 * cancellation (and only it) into a {@code TimeoutError}. Java's try-with-resources {@code close()} cannot see
 * it, nor replace it: the block's {@code CancelledError} would escape, with the {@code TimeoutError} at best
 * attached as suppressed. So the block is a lambda:
 * <pre>{@code
 * Timeout cm = Asyncio.timeout(10.0);          // asyncio.timeout(10): not entered yet
 * String s = cm.run(() -> fetch());            // async with cm: return await fetch()
 * boolean late = cm.expired();
 * String t = Asyncio.timeout(10.0, () -> fetch());   // the usual one-liner
 * }</pre>
 * Inside the block, {@code cm.reschedule(...)} moves the deadline. The block may catch the
 * {@code CancelledError} (cleanup in {@code finally} may even await); whatever it finally throws decides the
 * outcome, as in asyncio:
 * <ul>
 * <li>the deadline passed and the block ends with a {@code CancelledError}: {@code run} throws a
 * {@code TimeoutError} whose cause is that {@code CancelledError} — unless the task was also cancelled from
 * elsewhere ({@link Task#cancelling()} shows more requests than on entry), then the {@code CancelledError}
 * propagates;</li>
 * <li>the block ends with another exception after the deadline passed: it propagates, and (Java has no
 * implicit exception context, where asyncio inserts the {@code TimeoutError}) gets a {@code TimeoutError}
 * added as suppressed; members of an {@link ExceptionGroup} too;</li>
 * <li>the block swallows the cancellation and returns normally: its value is returned; {@link #expired()} is
 * true.</li>
 * </ul>
 * Nested timeouts work as in asyncio: only the one whose deadline fired converts the cancellation.
 *
 * <p>Threading: create it anywhere on the loop thread; {@link #run} and {@link #reschedule} must be called from
 * the task's code (or, for reschedule, from the loop's thread).
 */
public final class Timeout {
    private enum State {
        CREATED("created"), ENTERED("active"), EXPIRING("expiring"), EXPIRED("expired"), EXITED("finished");

        final String value;

        State(String value) {
            this.value = value;
        }
    }

    private State state = State.CREATED;
    private Handle timeoutHandler;
    private Task<?> task;
    private Double when;
    private int cancelling;

    /**
     * A timeout that fires at loop time {@code when} (seconds, as {@link EventLoop#time()}); null never fires;
     * a time in the past fires on the next loop iteration. {@link Asyncio#timeout} and {@link Asyncio#timeoutAt}
     * are the usual ways to get one.
     *
     * @param when the deadline in loop time, as {@link EventLoop#time()} counts (null: none)
     */
    public Timeout(Double when) {
        this.when = when;
    }

    /** asyncio's {@code timeout(delay)}: a timeout {@code delay} seconds from now on the running loop; null never fires. */
    static Timeout after(Double delay) {
        EventLoop loop = RunningLoop.get();
        return new Timeout(delay == null ? null : loop.time() + delay);
    }

    /** {@return the deadline, in loop time; null if there is none} */
    public Double when() {
        return when;
    }

    /**
     * Moves the deadline to loop time {@code when} (null: no deadline). Only while the block runs and the
     * timeout has not fired; otherwise throws {@link IllegalStateException}.
     *
     * @param when the deadline in loop time, as {@link EventLoop#time()} counts (null: none)
     */
    public void reschedule(Double when) {
        if (state != State.ENTERED) {
            if (state == State.CREATED) throw new IllegalStateException("Timeout has not been entered");
            throw new IllegalStateException("Cannot change state of " + state.value + " Timeout");
        }
        this.when = when;
        if (timeoutHandler != null) timeoutHandler.cancel();
        if (when == null) {
            timeoutHandler = null;
        } else {
            EventLoop loop = RunningLoop.get();
            if (when <= loop.time()) {
                timeoutHandler = loop.callSoon(this::onTimeout);
            } else {
                timeoutHandler = loop.callAt(when, this::onTimeout);
            }
        }
    }

    /** {@return whether the deadline passed while the block ran (and the task was cancelled for it)} */
    public boolean expired() {
        return state == State.EXPIRING || state == State.EXPIRED;
    }

    /**
     * Runs {@code body} in the calling task under this timeout ({@code async with cm:}) and returns its value;
     * see the class comment for what is thrown. A timeout is entered once: a second {@code run} throws
     * {@link IllegalStateException}.
     *
     * @param <T> the result type
     * @param body the code to run under the timeout
     * @return {@code body}'s value
     */
    public <T> T run(Coroutine<T> body) {
        if (body == null) throw new NullPointerException("body");
        enter();
        T result;
        try {
            result = body.call();
        } catch (Throwable e) {
            throw Sneaky.rethrow(exit(e));
        }
        exit(null);
        return result;
    }

    private void enter() {
        if (state != State.CREATED) throw new IllegalStateException("Timeout has already been entered");
        Task<?> current = RunningLoop.get().currentTask();
        if (current == null) throw new IllegalStateException("Timeout should be used inside a task");
        state = State.ENTERED;
        task = current;
        cancelling = current.cancelling();
        reschedule(when);
    }

    /** asyncio's {@code __aexit__}: returns what {@link #run} throws ({@code exc} itself, or a TimeoutError). */
    private Throwable exit(Throwable exc) {
        if (timeoutHandler != null) {
            timeoutHandler.cancel();
            timeoutHandler = null;
        }
        if (state == State.EXPIRING) {
            state = State.EXPIRED;
            // No cancellation requested besides ours: this timeout handles the CancelledError.
            if (task.uncancel() <= cancelling && exc != null) {
                if (exc instanceof CancelledError) {
                    return new TimeoutError(null, exc);
                }
                markTimedOut(exc);
                if (exc instanceof ExceptionGroup eg) {
                    for (Throwable e : eg.exceptions()) markTimedOut(e);
                }
            }
        } else if (state == State.ENTERED) {
            state = State.EXITED;
        }
        return exc;
    }

    /** Java's stand-in for asyncio's {@code _insert_timeout_error}: records that a timeout cut the block short. */
    private static void markTimedOut(Throwable exc) {
        exc.addSuppressed(new TimeoutError("the timeout expired while this exception ended the block"));
    }

    private void onTimeout() {
        task.cancel();
        state = State.EXPIRING;
        timeoutHandler = null;
    }

    @Override
    public String toString() {
        String info = "";
        if (state == State.ENTERED) {
            info = " when=" + (when == null ? "None" : String.valueOf(Math.round(when * 1000) / 1000.0));
        }
        return "<Timeout [" + state.value + "]" + info + ">";
    }
}
