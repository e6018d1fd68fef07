package io.jasyncio.loadtest.examples;

import io.jasyncio.loadtest.scenario.Scenario;
import io.jasyncio.loadtest.scenario.VirtualUser;

/**
 * The smallest scenario: one step, {@code GET /} of the base URL, which must answer 2xx or 3xx. The scenario
 * form's equivalent of the one-request form (used to check the scenario form against nginx and Netty).
 *
 * <p>Threading: as {@link Scenario}; stateless.
 */
public final class GetRoot implements Scenario {
    /** The scenario; {@code --scenario io.jasyncio.loadtest.examples.GetRoot} makes it this way. */
    public GetRoot() {}

    @Override
    public void run(VirtualUser vu) {
        vu.step("get", () -> vu.expectOk(vu.http().get("/")));
    }
}
