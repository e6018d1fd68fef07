/**
 * Pass/fail conditions on a run, written as k6's thresholds ({@link io.jasyncio.loadtest.threshold.Threshold}),
 * and the run's {@link io.jasyncio.loadtest.threshold.Verdict} as an exit code for CI.
 *
 * <p>Threading: immutable values and pure functions.
 */
package io.jasyncio.loadtest.threshold;
