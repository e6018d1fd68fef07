package io.jasyncio.loadtest.scenario;

import io.jasyncio.loadtest.metrics.ErrorKind;

/**
 * A step that failed in a way the scenario recognised ({@link VirtualUser#fail}, a failed
 * {@link VirtualUser#check}): counted under its own kind.
 *
 * <p>Threading: immutable.
 */
public class StepFailure extends RuntimeException {
    private final String kind;

    public StepFailure(String kind, String message) {
        super(message, null, false, false);
        this.kind = ErrorKind.require(kind);
    }

    /** The failure's kind, as the reports count it. */
    public String kind() {
        return kind;
    }
}
