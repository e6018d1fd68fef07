package io.jasyncio.loadtest.threshold;

/**
 * A threshold checked: whether it passed, the value it saw ({@code actual}: milliseconds for latencies, a share
 * for rates, NaN when it could not be known) and that value as the report shows it.
 *
 * <p>Threading: immutable.
 */
public record ThresholdResult(String threshold, boolean passed, double actual, String shown) {}
