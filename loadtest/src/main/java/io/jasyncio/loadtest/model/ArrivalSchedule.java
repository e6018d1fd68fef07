package io.jasyncio.loadtest.model;

import java.util.SplittableRandom;

/**
 * The intended times of an open model's arrivals, one after the other, computed as they are needed (nothing
 * is kept, so a backlog of any size costs no memory). Evenly spaced, the {@code k}-th arrival (from 0) is due
 * when the rate's integral reaches {@code k}; as a Poisson process, when it reaches the sum of {@code k + 1}
 * exponential gaps of mean 1 (a time change of a unit-rate Poisson process, which gives the ramp's rate at
 * every instant). Same seed, same schedule.
 *
 * <p>Threading: one thread at a time.
 */
public final class ArrivalSchedule {
    private final RateCurve curve;
    private final boolean poisson;
    private final SplittableRandom random;
    private double position;   // where the integral must reach for the next arrival
    private long index;

    ArrivalSchedule(RateCurve curve, boolean poisson, long seed) {
        this.curve = curve;
        this.poisson = poisson;
        this.random = new SplittableRandom(seed);
        this.position = poisson ? gap() : 0;
    }

    private double gap() {
        return -Math.log(1 - random.nextDouble());
    }

    /**
     * The next arrival's intended time in seconds from the start, or +∞ when the schedule has ended.
     *
     * @return the time in seconds, or {@code Double.POSITIVE_INFINITY}
     */
    public double peek() {
        double t = curve.timeOf(position);
        return t < curve.end() ? t : Double.POSITIVE_INFINITY;
    }

    /** Moves past the arrival {@link #peek} returned. */
    public void advance() {
        index++;
        position += poisson ? gap() : 1;
    }

    /**
     * How many arrivals were taken.
     *
     * @return the count
     */
    public long taken() {
        return index;
    }
}
