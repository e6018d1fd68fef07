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

/**
 * A failure's kind and message, as the reports count it: what an exception thrown by the network, a timeout or
 * a scenario's check means.
 *
 * <p>Threading: immutable.
 */
public record Failure(String kind, String message) {
    /** The failure {@code t} is; {@code timeoutSeconds} is named in a timeout's message. */
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
        if (t instanceof IOException || t instanceof IncompleteReadError) return new Failure(ErrorKind.RESET, message(t));
        return new Failure(ErrorKind.SCENARIO_ERROR, message(t));
    }

    private static String message(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
