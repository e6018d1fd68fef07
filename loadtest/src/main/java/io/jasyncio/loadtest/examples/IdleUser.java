package io.jasyncio.loadtest.examples;

import io.jasyncio.loadtest.scenario.Scenario;
import io.jasyncio.loadtest.scenario.VirtualUser;

/**
 * A virtual user that opens its keep-alive connection with one GET of the base URL, then thinks for an hour:
 * what bench/loadtest/run.sh runs by the thousand to measure the memory of an idle virtual user (G5).
 *
 * <p>Threading: as {@link Scenario}; stateless.
 */
public final class IdleUser implements Scenario {
    /** The scenario; {@code --scenario io.jasyncio.loadtest.examples.IdleUser} makes it this way. */
    public IdleUser() {}

    @Override
    public void run(VirtualUser vu) {
        vu.step("connect", () -> vu.expectOk(vu.http().get("/")));
        vu.think(3600);
    }
}
