package io.jasyncio.loadtest.scenario;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A scenario and its weight in a mix: each iteration picks a scenario with probability weight / total.
 *
 * <p>Threading: immutable.
 *
 * @param scenario the scenario
 * @param weight its share of the iterations, 1 to 1,000,000
 */
public record WeightedScenario(Scenario scenario, int weight) {
    /**
     * Checks the weight.
     *
     * @throws IllegalArgumentException a weight outside 1 to 1,000,000
     */
    public WeightedScenario {
        if (weight < 1 || weight > 1_000_000) throw new IllegalArgumentException("a scenario's weight must be 1 to 1000000, got " + weight);
    }

    /**
     * The scenario of {@code mix} that {@code random} picks.
     *
     * @param mix the scenarios and their weights (not empty)
     * @param random the user's random numbers
     * @return the scenario to run next
     */
    public static Scenario pick(List<WeightedScenario> mix, SplittableRandom random) {
        if (mix.size() == 1) return mix.get(0).scenario();
        long total = 0;
        for (WeightedScenario w : mix) total += w.weight();
        long r = random.nextLong(total);
        for (WeightedScenario w : mix) {
            r -= w.weight();
            if (r < 0) return w.scenario();
        }
        throw new AssertionError();
    }

    /**
     * Loads {@code CLASS[:WEIGHT]}: a class implementing {@link Scenario} with a public no-argument constructor.
     *
     * @param spec {@code CLASS} or {@code CLASS:WEIGHT} (weight 1 when absent)
     * @param loader where the class is looked up
     * @return the scenario, made with its no-argument constructor, and its weight
     * @throws IllegalArgumentException the class is missing, is not a Scenario, or cannot be made; or the weight is not
     *     a number
     */
    public static WeightedScenario load(String spec, ClassLoader loader) {
        String name = spec;
        int weight = 1;
        int colon = spec.lastIndexOf(':');
        if (colon > 0) {
            name = spec.substring(0, colon);
            try {
                weight = Integer.parseInt(spec.substring(colon + 1).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a scenario is CLASS or CLASS:WEIGHT, got '" + spec + "'");
            }
        }
        Class<?> c;
        try {
            c = Class.forName(name.strip(), true, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("no scenario class '" + name + "' on the class path (give the full name, "
                    + "e.g. io.jasyncio.loadtest.workflow.WorkflowScenario)");
        }
        if (!Scenario.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException("'" + name + "' does not implement " + Scenario.class.getName());
        }
        try {
            return new WeightedScenario((Scenario) c.getDeclaredConstructor().newInstance(), weight);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot make a '" + name + "': it needs a public no-argument constructor ("
                    + e + ")");
        }
    }
}
