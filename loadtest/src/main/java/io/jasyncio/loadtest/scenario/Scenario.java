package io.jasyncio.loadtest.scenario;

/**
 * A load test written as code: one iteration of one virtual user, as plain coroutine code. Each step is a
 * {@link VirtualUser#step} (timed, bounded by a timeout, its failures counted by kind); values from one step's
 * answer are used in the next as ordinary variables (correlation); {@link VirtualUser#think} pauses between
 * steps. The load tester runs iterations in the closed model (each user loops) or the open one (iterations
 * arrive at a rate). A failed step ends the iteration, which counts as failed.
 *
 * <pre>{@code
 * public final class Checkout implements Scenario {
 *     public void run(VirtualUser vu) {
 *         String id = vu.step("login", () -> vu.http().post("/login", "{}", "application/json").header("x-session"));
 *         vu.think(0.5);
 *         vu.step("pay", 2.0, () -> vu.expectOk(vu.http().post("/pay?session=" + id, "", "text/plain")));
 *     }
 * }
 * }</pre>
 *
 * <p>A class named on the command line ({@code --scenario CLASS}) needs a public no-argument constructor.
 *
 * <p>Threading: {@link #run} is called in a task on the run's event loop, once per iteration, concurrently for
 * different users; state kept in the scenario object is shared by every user (per-user state goes in
 * {@link VirtualUser#vars()}).
 */
@FunctionalInterface
public interface Scenario {
    /**
     * One iteration of {@code vu}.
     *
     * @param vu the user running it
     * @throws Exception anything: the iteration fails; thrown outside any step, it is counted under the step "(outside
     *     steps)" with the kind {@link io.jasyncio.loadtest.engine.Failure#of} gives it
     */
    void run(VirtualUser vu) throws Exception;

    /**
     * What the reports call the scenario: the class's simple name unless overridden.
     *
     * @return the name
     */
    default String name() {
        String n = getClass().getSimpleName();
        return n.isEmpty() || n.contains("$$Lambda") || n.contains("/") ? "scenario" : n;
    }
}
