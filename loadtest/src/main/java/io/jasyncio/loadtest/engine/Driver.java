package io.jasyncio.loadtest.engine;

import io.jasyncio.Future;

/**
 * What offers the load of a run: the one-request form ({@link RequestDriver}) or scenarios
 * ({@link ScenarioDriver}). {@link LoadRun} starts it, stops it at the end of the model's time, waits a bounded
 * time for what is in flight, and closes it.
 *
 * <p>Threading: the event loop's thread only.
 */
public interface Driver {
    /**
     * Starts offering load; {@code startNanos} is the run's origin on the loop's clock.
     *
     * @param startNanos the run's origin, on the loop's clock, in nanoseconds
     */
    void start(long startNanos);

    /** Starts nothing new from now on. */
    void stopSending();

    /**
     * Completes when the driver has nothing more to start before the model's time is up (or never).
     *
     * @return a future of the loop
     */
    Future<Void> exhausted();

    /**
     * Completes once nothing is in flight after {@link #stopSending}.
     *
     * @return a future of the loop
     */
    Future<Void> drained();

    /** Ends what is still in flight (counted as timeouts) and closes every connection. */
    void close();
}
