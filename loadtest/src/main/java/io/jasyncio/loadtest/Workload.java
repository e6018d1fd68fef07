package io.jasyncio.loadtest;

import io.jasyncio.loadtest.scenario.WeightedScenario;
import io.jasyncio.loadtest.target.Wire;
import java.util.List;

/**
 * What a run sends: one request over and over ({@link Requests}, the wrk/hey form), or scenarios written as
 * code ({@link Scenarios}).
 *
 * <p>Threading: immutable.
 */
public sealed interface Workload {
    /**
     * What the reports call the target.
     *
     * @return the name
     */
    String name();

    /**
     * {@code wire}'s request on each connection, {@code pipeline} at a time (1: no pipelining).
     *
     * <p>Threading: immutable.
     *
     * @param wire the request and how answers are framed
     * @param pipeline requests outstanding per connection, 1 to 1024
     */
    record Requests(Wire wire, int pipeline) implements Workload {
        /**
         * Checks the pipeline depth.
         *
         * @throws IllegalArgumentException {@code pipeline} outside 1 to 1024
         */
        public Requests {
            if (pipeline < 1 || pipeline > 1024) throw new IllegalArgumentException("pipelining must be 1 to 1024, got " + pipeline);
        }

        @Override
        public String name() {
            return wire.name();
        }
    }

    /**
     * A weighted mix of scenarios; relative URLs resolve against {@code baseUrl} (null: none); {@code headers}
     * go with every request; answers' bodies are limited to {@code maxBody} bytes; in the closed model each user
     * stops after {@code iterationsPerUser} iterations (0: no limit), and the run ends when all have.
     *
     * <p>Threading: immutable (the scenarios are shared by every user; see {@link
     * io.jasyncio.loadtest.scenario.Scenario}).
     *
     * @param mix the scenarios and their weights (not empty)
     * @param baseUrl what relative URLs resolve against, or null
     * @param headers header fields ("Name: value") for every request and handshake
     * @param maxBody the largest answer body (or WebSocket message) accepted, in bytes
     * @param iterationsPerUser each user's iterations in the closed model; 0: no limit
     */
    record Scenarios(List<WeightedScenario> mix, String baseUrl, List<String> headers, int maxBody, long iterationsPerUser)
            implements Workload {
        /** The default limit on an answer's body: 1 MiB. */
        public static final int DEFAULT_MAX_BODY = 1024 * 1024;

        /**
         * Checks the values and copies the lists.
         *
         * @throws IllegalArgumentException no scenario, a negative body limit or a negative iteration count
         */
        public Scenarios {
            mix = List.copyOf(mix);
            headers = List.copyOf(headers);
            if (mix.isEmpty()) throw new IllegalArgumentException("no scenario given");
            if (maxBody < 0) throw new IllegalArgumentException("the body limit must be 0 or more");
            if (iterationsPerUser < 0) throw new IllegalArgumentException("iterations per user must be 0 or more, got " + iterationsPerUser);
        }

        /**
         * {@code mix} against {@code baseUrl}, no extra headers, 1 MiB bodies, no iteration limit.
         *
         * @param mix the scenarios and their weights
         * @param baseUrl what relative URLs resolve against, or null
         * @return the workload
         */
        public static Scenarios of(List<WeightedScenario> mix, String baseUrl) {
            return new Scenarios(mix, baseUrl, List.of(), DEFAULT_MAX_BODY, 0);
        }

        /**
         * A copy in which each user stops after {@code n} iterations (closed model).
         *
         * @param n the iterations; 0: no limit
         * @return the copy
         */
        public Scenarios withIterationsPerUser(long n) {
            return new Scenarios(mix, baseUrl, headers, maxBody, n);
        }

        @Override
        public String name() {
            StringBuilder sb = new StringBuilder();
            for (WeightedScenario w : mix) {
                if (!sb.isEmpty()) sb.append(", ");
                sb.append(w.scenario().name());
                if (mix.size() > 1) sb.append(" x").append(w.weight());
            }
            return sb + (baseUrl == null ? "" : " against " + baseUrl);
        }
    }
}
