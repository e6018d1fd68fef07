package io.jasyncio.loadtest.scenario;

import java.io.IOException;
import static io.jasyncio.loadtest.TestServers.onVirtualClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.http.Response;
import io.jasyncio.loadtest.Plan;
import io.jasyncio.loadtest.TestServers;
import io.jasyncio.loadtest.Workload;
import io.jasyncio.loadtest.engine.LoadRun;
import io.jasyncio.loadtest.model.LoadModel;
import io.jasyncio.loadtest.report.RunResult;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Scenarios: correlation, checks, think time, a weighted mix, the open model, and what a bad scenario does. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScenarioTest {
    private static TestServers.Http shop() throws IOException {
        return new TestServers.Http(app -> {
            app.router().addPost("/login", r -> Response.json("{\"token\":\"t-" + r.text().length() + "\"}"));
            app.router().addGet("/cart", r -> "Bearer t-2".equals(r.header("Authorization"))
                    ? Response.json("{\"items\":\"3\"}") : new Response(401));
            app.router().addGet("/slow", r -> {
                Asyncio.sleep(1);
                return Response.text("late");
            });
        });
    }

    /** login, then the cart with the token from the login's answer. */
    public static final class Shop implements Scenario {
        @Override
        public void run(VirtualUser vu) {
            String token = vu.step("login", () -> vu.expectOk(vu.http().post("/login", "{}", "application/json")).jsonString("token"));
            vu.think(0.5);
            vu.step("cart", () -> {
                HttpResponse r = vu.expectOk(vu.http().send("GET", "/cart", List.of("Authorization: Bearer " + token), null));
                vu.check("3".equals(r.jsonString("items")), "the cart should hold 3 items: " + r.text());
                return null;
            });
        }
    }

    private static RunResult run(TestServers.Http http, List<WeightedScenario> mix, LoadModel model, long iterations) {
        return LoadRun.runInLoop(Plan.of(new Workload.Scenarios(mix, http.url(""), List.of(), 1 << 20, iterations), model)
                .withTimeout(0.5));
    }

    @Test
    void correlationThinkTimeAndPerUserIterations() {
        RunResult r = onVirtualClock(() -> {
            try (TestServers.Http http = shop()) {
                return run(http, List.of(new WeightedScenario(new Shop(), 1)), LoadModel.Closed.constant(3, 60), 4);
            }
        });
        assertEquals(12, r.step("login").ok());
        assertEquals(12, r.step("cart").ok());
        assertEquals(12, r.scenario("Shop").ok());
        assertTrue(r.loadSeconds() >= 2 && r.loadSeconds() < 3, "4 iterations of 0.5 s think time, then the run ends: " + r.loadSeconds());
        assertTrue(r.overall().latency().p50() >= 500, "the think time is in the iteration");
        assertTrue(r.step("cart").latency().max() < 100, "and in no step");
    }

    @Test
    void aWeightedMixAndStepFailuresByKind() {
        Scenario broken = new Scenario() {
            @Override
            public void run(VirtualUser vu) {
                vu.step("slow", () -> vu.http().get("/slow"));      // over the 0.5 s timeout
            }

            @Override
            public String name() {
                return "broken";
            }
        };
        Scenario missing = vu -> vu.step("missing", () -> vu.expectOk(vu.http().get("/nothing-here")));
        RunResult r = onVirtualClock(() -> {
            try (TestServers.Http http = shop()) {
                return run(http, List.of(new WeightedScenario(new Shop(), 3), new WeightedScenario(broken, 1),
                        new WeightedScenario(missing, 1)), LoadModel.Closed.constant(5, 60), 20);
            }
        });
        long shop = r.scenario("Shop").requests(), slow = r.scenario("broken").requests(), miss = r.scenario("scenario").requests();
        assertEquals(100, shop + slow + miss);
        assertTrue(shop > slow && shop > miss, "weights 3:1:1: " + shop + " " + slow + " " + miss);
        assertEquals(slow, r.step("slow").failed("timeout"));
        assertEquals(miss, r.step("missing").failed("http_4xx"));
        assertEquals(slow + miss, r.overall().failed());
    }

    @Test
    void theOpenModelStartsIterationsAtTheirRate() {
        RunResult r = onVirtualClock(() -> {
            try (TestServers.Http http = shop()) {
                return run(http, List.of(new WeightedScenario(new Shop(), 1)), LoadModel.Open.constant(20, 3, 50), 0);
            }
        });
        assertEquals(60, r.intended());
        assertEquals(60, r.overall().ok());
        assertTrue(r.maxInFlight() >= 9, "0.5 s iterations at 20/s overlap: " + r.maxInFlight());
    }

    @Test
    void stepNamesAndKindsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new StepFailure("Bad Kind", "x"));
        assertThrows(IllegalArgumentException.class, () -> WeightedScenario.load("java.lang.String", getClass().getClassLoader()));
        assertEquals("Shop", WeightedScenario.load(Shop.class.getName() + ":7", getClass().getClassLoader()).scenario().name());
        assertEquals(7, WeightedScenario.load(Shop.class.getName() + ":7", getClass().getClassLoader()).weight());
    }
}
