package io.jasyncio.loadtest.scenario;

import io.jasyncio.loadtest.metrics.ErrorKind;

/**
 * A step that failed in a way the scenario recognised ({@link VirtualUser#fail}, a failed
 * {@link VirtualUser#check}): counted under its own kind.
 *
 * <p>Threading: immutable.
 */
public class StepFailure extends RuntimeException {
    /** The failure's kind. */
    private final String kind;

    /**
     * A failure of {@code kind}.
     *
     * @param kind the kind (see {@link io.jasyncio.loadtest.metrics.ErrorKind#require})
     * @param message what went wrong, for the report
     * @throws IllegalArgumentException {@code kind} is not a valid kind name
     */
    public StepFailure(String kind, String message) {
        super(message, null, false, false);
        this.kind = ErrorKind.require(kind);
    }

    /**
     * The failure's kind, as the reports count it.
     *
     * @return the kind
     */
    public String kind() {
        return kind;
    }
}
