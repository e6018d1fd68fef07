package io.jasyncio.loadtest.scenario;

/**
 * Thrown by {@link VirtualUser#step} after a step failed and was counted: it ends the iteration, which counts
 * as failed with the step's kind. A scenario that wants to go on after a failed step may catch it.
 *
 * <p>Threading: immutable.
 */
public final class IterationFailed extends RuntimeException {
    /** The failed step's name. */
    private final String step;
    /** The failure's kind. */
    private final String kind;

    IterationFailed(String step, String kind, String message) {
        super(step + ": " + kind + ": " + message, null, false, false);
        this.step = step;
        this.kind = kind;
    }

    /**
     * The failed step's name.
     *
     * @return the name
     */
    public String step() {
        return step;
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
