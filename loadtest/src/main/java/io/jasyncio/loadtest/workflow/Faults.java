package io.jasyncio.loadtest.workflow;

/**
 * The faults a {@link WorkflowService} injects, each with its probability per request (0–1), decided by a
 * random generator seeded with {@code seed} (same seed, same faults for the same order of requests):
 * <ul>
 * <li>{@code reset} — {@code query} sends the head of its answer and part of the body, then the connection is
 *     cut: the client sees a reset mid-answer;
 * <li>{@code serverError} — {@code run_single_task} answers 503;
 * <li>{@code inputTimeout} — {@code run_single_task} answers the seed's app-level error in a 200 body, at once,
 *     as if no worker had freed up;
 * <li>{@code deadWorker} — {@code run_single_task} hands out a worker address where nothing listens: the next
 *     step ({@code start_task}) finds its connection refused;
 * <li>{@code slow} — {@code start_task} works {@code slowSeconds} instead of the usual time (longer than the
 *     client waits: a client-side timeout).
 * </ul>
 *
 * <p>Threading: immutable.
 *
 * @param reset the probability that {@code query} is cut mid-answer
 * @param serverError the probability that {@code run_single_task} answers 503
 * @param inputTimeout the probability that {@code run_single_task} answers the seed's error at once
 * @param deadWorker the probability that {@code run_single_task} hands out a worker where nothing listens
 * @param slow the probability that {@code start_task} works {@code slowSeconds}
 * @param slowSeconds how long a slow {@code start_task} works, in seconds
 * @param seed the seed of the decisions
 */
public record Faults(double reset, double serverError, double inputTimeout, double deadWorker, double slow,
        double slowSeconds, long seed) {
    /** No faults. */
    public static final Faults NONE = new Faults(0, 0, 0, 0, 0, 0, 1);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException a probability outside 0 to 1, run_single_task's three adding up to over 1, or a
     *     negative {@code slowSeconds}
     */
    public Faults {
        for (double p : new double[] {reset, serverError, inputTimeout, deadWorker, slow}) {
            if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("a fault's probability is 0 to 1, got " + p);
        }
        if (serverError + inputTimeout + deadWorker > 1) {
            throw new IllegalArgumentException("run_single_task's faults (serverError, inputTimeout, deadWorker) add up to over 1");
        }
        if (!(slowSeconds >= 0)) throw new IllegalArgumentException("slowSeconds must be 0 or more, got " + slowSeconds);
    }

    /**
     * Every fault with probability {@code p}, slow steps lasting {@code slowSeconds}.
     *
     * @param p every fault's probability (run_single_task's three must add up to at most 1: {@code p} at most 1/3)
     * @param slowSeconds how long a slow {@code start_task} works, in seconds
     * @param seed the seed of the decisions
     * @return the faults
     * @throws IllegalArgumentException {@code p} outside 0 to 1/3, or a negative {@code slowSeconds}
     */
    public static Faults each(double p, double slowSeconds, long seed) {
        return new Faults(p, p, p, p, p, slowSeconds, seed);
    }

    /**
     * Whether any fault may be injected.
     *
     * @return true if a probability is above 0
     */
    public boolean any() {
        return reset + serverError + inputTimeout + deadWorker + slow > 0;
    }
}
