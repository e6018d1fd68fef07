package io.jasyncio.loadtest.threshold;

/**
 * A threshold checked: whether it passed, the value it saw ({@code actual}: milliseconds for latencies, a share
 * for rates, NaN when it could not be known) and that value as the report shows it.
 *
 * <p>Threading: immutable.
 *
 * @param threshold the threshold as written
 * @param passed whether it held
 * @param actual the value seen: milliseconds for latencies, a share (0–1) for errors.rate, a count or a rate per second
 *     otherwise; NaN when unknown
 * @param shown the value as the report shows it, or why it is unknown
 */
public record ThresholdResult(String threshold, boolean passed, double actual, String shown) {}
