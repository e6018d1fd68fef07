/**
 * A load tester on jasyncio (wrk's, hey's and k6's jobs): a {@link io.jasyncio.loadtest.Plan} says what to send
 * ({@link io.jasyncio.loadtest.Workload}: one request over and over, or scenarios written as code) and how (the load
 * model, its stages, thresholds); the subpackages run it, measure it and report it.
 *
 * <p>Threading: plans and workloads are immutable. Start reading at {@link io.jasyncio.loadtest.Plan}, then
 * {@code engine.LoadRun}.
 */
package io.jasyncio.loadtest;
