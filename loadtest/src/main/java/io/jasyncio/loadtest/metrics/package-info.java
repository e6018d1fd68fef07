/**
 * What a run measures: per step and scenario {@link io.jasyncio.loadtest.metrics.StepMetrics} (HdrHistogram
 * latencies, also from the intended start against coordinated omission), error kinds, and the second-by-second
 * {@link io.jasyncio.loadtest.metrics.Timeline}.
 *
 * <p>Threading: recorded on the run's loop thread. Start reading at {@link io.jasyncio.loadtest.metrics.Metrics}.
 */
package io.jasyncio.loadtest.metrics;
