package io.jasyncio;

import io.jasyncio.internal.Sneaky;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * asyncio's {@code wait()} and {@code wait_for()}: suspend the calling task until futures are done or time is up.
 *
 * <p>Threading: called from a task's code, on its loop.
 */
final class Waiting {
    private Waiting() {}

    /** asyncio's {@code wait(fs, timeout=..., return_when=...)}; {@code timeout} null waits without limit. */
    static <F extends Future<?>> DoneAndPending<F> wait(Iterable<? extends F> aws, Double timeout, ReturnWhen returnWhen) {
        if (aws == null) throw new NullPointerException("futures");
        if (returnWhen == null) throw new NullPointerException("returnWhen");
        Set<F> fs = new LinkedHashSet<>();
        for (F f : aws) {
            if (f == null) throw new NullPointerException("one of the futures passed to wait() is null");
            fs.add(f);
        }
        if (fs.isEmpty()) throw new IllegalArgumentException("Set of Tasks/Futures is empty.");
        EventLoop loop = RunningLoop.get();

        Future<Void> waiter = loop.createFuture();
        TimerHandle timeoutHandle = timeout == null ? null
                : loop.callLater(timeout, () -> Awaitables.releaseWaiter(waiter));
        int[] counter = {fs.size()};
        Consumer<Future<?>> onCompletion = f -> {
            counter[0]--;
            if (counter[0] <= 0
                    || returnWhen == ReturnWhen.FIRST_COMPLETED
                    || returnWhen == ReturnWhen.FIRST_EXCEPTION && !f.cancelled() && f.exception() != null) {
                if (timeoutHandle != null) timeoutHandle.cancel();
                Awaitables.releaseWaiter(waiter);
            }
        };
        for (F f : fs) f.addDoneCallback(onCompletion);
        try {
            RunningLoop.fiberTask("await").awaitFuture(waiter);
        } finally {
            if (timeoutHandle != null) timeoutHandle.cancel();
            for (F f : fs) f.removeDoneCallback(onCompletion);
        }
        Set<F> done = new LinkedHashSet<>();
        Set<F> pending = new LinkedHashSet<>();
        for (F f : fs) (f.done() ? done : pending).add(f);
        return new DoneAndPending<>(done, pending);
    }

    /**
     * asyncio's {@code wait_for(aw, timeout)} (3.12+): a coroutine runs in the calling task inside
     * {@code timeout(timeout)}; a future is awaited inside it (and cancelled when time is up). A timeout of zero
     * or less cancels the work at once and waits for it to finish, unless it is already done.
     */
    static <T> T waitFor(Object aw, Double timeout) {
        if (aw == null) throw new NullPointerException("an awaitable (a Future or a Coroutine) is required, got null");
        if (timeout != null && timeout <= 0) {
            Future<T> fut = Awaitables.ensureFuture(aw, null);
            if (fut.done()) return fut.result();
            Awaitables.cancelAndWait(fut);
            try {
                return fut.result();
            } catch (CancelledError exc) {
                throw new TimeoutError(null, exc);
            }
        }
        return Timeout.after(timeout).run(() -> {
            if (aw instanceof Future<?> f) {
                @SuppressWarnings("unchecked")
                T r = (T) RunningLoop.fiberTask("await").awaitFuture(f);
                return r;
            }
            try {
                @SuppressWarnings("unchecked")
                T r = ((Coroutine<T>) aw).call();
                return r;
            } catch (Exception e) {
                throw Sneaky.rethrow(e);
            }
        });
    }
}
