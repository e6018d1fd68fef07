package io.jasyncio;

import java.util.function.Consumer;

/**
 * asyncio's {@code shield()}: an outer future that mirrors an inner one, so that cancelling the outer (for
 * example by cancelling the task awaiting it) leaves the inner work running.
 *
 * <p>Threading: loop thread only.
 */
final class Shield {
    private Shield() {}

    static <T> Future<T> shield(Future<T> inner) {
        if (inner.done()) return inner; // nothing left to protect
        Future<T> outer = inner.loop.createFuture();
        InnerDone<T> innerDone = new InnerDone<>(outer);
        inner.addDoneCallback(innerDone);
        outer.addDoneCallback(o -> {
            if (!inner.done()) inner.removeDoneCallback(innerDone);
        });
        return outer;
    }

    /** Passes the inner future's outcome on; as an {@link AwaitedByLink} it shows the outer one waiting on it. */
    private static final class InnerDone<T> implements Consumer<Future<T>>, AwaitedByLink {
        private final Future<T> outer;

        InnerDone(Future<T> outer) {
            this.outer = outer;
        }

        @Override
        public void accept(Future<T> in) {
            if (outer.cancelled()) {
                if (!in.cancelled()) in.exception(); // nobody will look at it: mark it retrieved
                return;
            }
            if (in.cancelled()) {
                outer.cancel();
            } else {
                Throwable exc = in.exception();
                if (exc != null) outer.setException(exc);
                else outer.setResult(in.peekResult());
            }
        }

        @Override
        public Future<?> awaiter() {
            return outer;
        }
    }
}
