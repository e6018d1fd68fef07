package io.jasyncio.http;

import io.jasyncio.Asyncio;
import io.jasyncio.Timeout;
import io.jasyncio.TimeoutError;
import java.io.IOException;

/**
 * The clock of one request: runs each step (waiting for a connection, connecting a socket, reading) under the
 * nearest of the {@link ClientTimeout} limits that apply to it, and turns the one that fires into a
 * {@link ClientTimeoutError} naming it.
 *
 * <p>Threading: the loop's thread (the requesting task's).
 */
final class Deadlines {
    /** A step of a request. */
    @FunctionalInterface
    interface Step<T> {
        T call() throws IOException;
    }

    private final ClientTimeout timeout;
    private final Double totalAt;
    final String what;

    Deadlines(ClientTimeout timeout, String what) {
        this.timeout = timeout;
        this.totalAt = timeout.total() == null ? null : Asyncio.getRunningLoop().time() + timeout.total();
        this.what = what;
    }

    /** Getting a connection, pool wait included: under {@code connect} and {@code total}. */
    <T> T connect(Step<T> step) throws IOException {
        return under("connect", timeout.connect(), step);
    }

    /** Connecting one socket: under {@code sockConnect} (inside {@link #connect}). */
    <T> T sockConnect(Step<T> step) throws IOException {
        return under("sockConnect", timeout.sockConnect(), step);
    }

    /** One read: under {@code sockRead} and {@code total}. */
    <T> T read(Step<T> step) throws IOException {
        return under("sockRead", timeout.sockRead(), step);
    }

    /** Sending: under {@code total} only. */
    <T> T send(Step<T> step) throws IOException {
        return under("total", null, step);
    }

    private <T> T under(String which, Double limit, Step<T> step) throws IOException {
        double now = Asyncio.getRunningLoop().time();
        Double stepAt = limit == null ? null : now + limit;
        if (stepAt == null && totalAt == null) return step.call();
        boolean stepFirst = stepAt != null && (totalAt == null || stepAt < totalAt);
        Timeout t = Asyncio.timeoutAt(stepFirst ? stepAt : totalAt);
        try {
            return t.run(step::call);
        } catch (TimeoutError e) {
            if (!t.expired() || e instanceof ClientTimeoutError) throw e;
            throw stepFirst ? new ClientTimeoutError(which, limit, what, e) : new ClientTimeoutError("total", timeout.total(), what, e);
        }
    }
}
