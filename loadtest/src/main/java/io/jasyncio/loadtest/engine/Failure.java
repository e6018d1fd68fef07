package io.jasyncio.loadtest.engine;

import io.jasyncio.TimeoutError;
import io.jasyncio.loadtest.metrics.ErrorKind;
import io.jasyncio.loadtest.scenario.StepFailure;
import io.jasyncio.loadtest.target.ProtocolViolation;
import io.jasyncio.streams.IncompleteReadError;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;

/**
 * A failure's kind and message, as the reports count it: what an exception thrown by the network, a timeout or
 * a scenario's check means.
 *
 * <p>Threading: immutable.
 *
 * @param kind the kind the reports count it under (see {@link io.jasyncio.loadtest.metrics.ErrorKind})
 * @param message what happened
 */
public record Failure(String kind, String message) {
    /**
     * The failure {@code t} is; {@code timeoutSeconds} is named in a timeout's message.
     *
     * @param t what was thrown
     * @param timeoutSeconds the timeout that applied, in seconds
     * @return the failure: a {@link io.jasyncio.loadtest.scenario.StepFailure}'s own kind; {@code timeout}, {@code
     *     malformed}, {@code connect_refused}, {@code connect_error}, {@code tls} or {@code reset} by the exception's
     *     class; else {@code scenario_error}
     */
    public static Failure of(Throwable t, double timeoutSeconds) {
        if (t instanceof StepFailure f) return new Failure(f.kind(), f.getMessage());
        if (t instanceof TimeoutError) {
            return new Failure(ErrorKind.TIMEOUT, "no answer within " + io.jasyncio.loadtest.model.Durations.format(timeoutSeconds));
        }
        if (t instanceof ProtocolViolation) return new Failure(ErrorKind.MALFORMED, t.getMessage());
        if (t instanceof ConnectException) return new Failure(ErrorKind.CONNECT_REFUSED, message(t));
        if (t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
            return new Failure(ErrorKind.CONNECT_ERROR, message(t));
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLException) return new Failure(ErrorKind.TLS, message(t));
        }
        if (t instanceof IOException || t instanceof IncompleteReadError) return new Failure(ErrorKind.RESET, message(t));
        return new Failure(ErrorKind.SCENARIO_ERROR, message(t));
    }

    private static String message(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
