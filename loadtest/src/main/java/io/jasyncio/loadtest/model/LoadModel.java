package io.jasyncio.loadtest.model;

import java.util.List;

/**
 * How load is offered. {@link Closed}: a number of virtual users, each starting its next request (or
 * iteration) when the last one ended, as wrk and hey do; the offered load falls when the server slows.
 * {@link Open}: arrivals at a given rate whatever the server does, as wrk2 and k6's arrival-rate executors
 * do; each has an intended time, and its latency is measured from it, so a server that stalls is charged for
 * every request it delayed (no coordinated omission).
 *
 * <p>Threading: immutable.
 */
public sealed interface LoadModel {
    /** The longest run: a day. */
    double MAX_SECONDS = 86_400;
    /** The most virtual users or connections. */
    int MAX_USERS = 1_000_000;
    /** The highest arrival rate, per second. */
    double MAX_RATE = 10_000_000;

    /**
     * How long the model offers load, in seconds.
     *
     * @return the sum of the stages' durations
     */
    double seconds();

    /**
     * This model after a first stage of {@code seconds} at its start value (users or rate): a warm-up.
     *
     * @param seconds the warm-up's length, in seconds
     * @return the model with the warm-up stage first
     */
    LoadModel warmedUp(double seconds);

    /**
     * {@code users} virtual users (the start value of the ramp); with stages, the count follows them.
     *
     * <p>Threading: immutable.
     *
     * @param users the users at the start (0 when the stages ramp up from none)
     * @param stages the ramp (one stage for a constant load)
     */
    record Closed(int users, List<Stage> stages) implements LoadModel {
        /**
         * Checks the values and copies the stages.
         *
         * @throws IllegalArgumentException users outside 0 to {@value LoadModel#MAX_USERS}, no stage, or no user ever
         */
        public Closed {
            if (users < 0 || users > MAX_USERS) {
                throw new IllegalArgumentException("virtual users must be 0 to " + MAX_USERS + ", got " + users);
            }
            stages = List.copyOf(stages);
            if (stages.isEmpty()) throw new IllegalArgumentException("a closed model needs a duration or stages");
            if (users == 0 && stages.stream().allMatch(s -> s.target() == 0)) {
                throw new IllegalArgumentException("a closed model needs at least one virtual user");
            }
        }

        /**
         * {@code users} users for {@code seconds}.
         *
         * @param users the users, 1 to {@value LoadModel#MAX_USERS}
         * @param seconds how long, in seconds
         * @return the model
         */
        public static Closed constant(int users, double seconds) {
            return new Closed(users, List.of(new Stage(seconds, users)));
        }

        /**
         * The most users the stages ever ask for.
         *
         * @return the most users
         */
        public int maxUsers() {
            double m = users;
            for (Stage s : stages) m = Math.max(m, s.target());
            return (int) Math.ceil(m);
        }

        @Override
        public double seconds() {
            return stages.stream().mapToDouble(Stage::seconds).sum();
        }

        @Override
        public Closed warmedUp(double seconds) {
            java.util.List<Stage> all = new java.util.ArrayList<>();
            all.add(new Stage(seconds, users));
            all.addAll(stages);
            return new Closed(users, all);
        }

        /**
         * The users wanted {@code t} seconds after the start (rounded to the nearest whole user).
         *
         * @param t seconds after the start
         * @return the users wanted then
         */
        public int usersAt(double t) {
            return (int) Math.round(RateCurve.of(users, stages).valueAt(t));
        }
    }

    /**
     * Arrivals starting at {@code rate} per second and following {@code stages}; {@code poisson} spaces them
     * as a Poisson process (exponential gaps, from {@code seed}) instead of evenly. At most
     * {@code maxConcurrency} requests or iterations run at once: an arrival that finds none free waits, and
     * its wait counts in its latency.
     *
     * <p>Threading: immutable.
     *
     * @param rate arrivals per second at the start
     * @param stages the ramp of the rate (one stage for a constant rate)
     * @param poisson true for Poisson arrivals, false for evenly spaced ones
     * @param seed the seed of the Poisson gaps
     * @param maxConcurrency the most requests or iterations at once (the connections, or the users)
     */
    record Open(double rate, List<Stage> stages, boolean poisson, long seed, int maxConcurrency) implements LoadModel {
        /**
         * Checks the values and copies the stages.
         *
         * @throws IllegalArgumentException a rate outside 0 to {@value LoadModel#MAX_RATE}, no stage, a stage's rate
         *     over it, a {@code maxConcurrency} outside 1 to {@value LoadModel#MAX_USERS}, or no arrival ever
         */
        public Open {
            if (!(rate >= 0) || rate > MAX_RATE) {
                throw new IllegalArgumentException("the rate must be 0 to " + (long) MAX_RATE + " per second, got " + rate);
            }
            stages = List.copyOf(stages);
            if (stages.isEmpty()) throw new IllegalArgumentException("an open model needs a duration or stages");
            for (Stage s : stages) {
                if (s.target() > MAX_RATE) {
                    throw new IllegalArgumentException("a stage's rate must be at most " + (long) MAX_RATE + ", got " + s.target());
                }
            }
            if (maxConcurrency < 1 || maxConcurrency > MAX_USERS) {
                throw new IllegalArgumentException("the connections (or users) of an open model must be 1 to " + MAX_USERS
                        + ", got " + maxConcurrency);
            }
            if (rate == 0 && stages.stream().allMatch(s -> s.target() == 0)) {
                throw new IllegalArgumentException("an open model needs a rate above 0 (--rate R)");
            }
        }

        /**
         * {@code rate} per second for {@code seconds}, evenly spaced.
         *
         * @param rate arrivals per second
         * @param seconds how long, in seconds
         * @param maxConcurrency the most requests or iterations at once
         * @return the model
         */
        public static Open constant(double rate, double seconds, int maxConcurrency) {
            return new Open(rate, List.of(new Stage(seconds, rate)), false, 0, maxConcurrency);
        }

        @Override
        public double seconds() {
            return stages.stream().mapToDouble(Stage::seconds).sum();
        }

        @Override
        public Open warmedUp(double seconds) {
            java.util.List<Stage> all = new java.util.ArrayList<>();
            all.add(new Stage(seconds, rate));
            all.addAll(stages);
            return new Open(rate, all, poisson, seed, maxConcurrency);
        }

        /**
         * The intended times of the arrivals.
         *
         * @return a new schedule, from the start
         */
        public ArrivalSchedule schedule() {
            return new ArrivalSchedule(RateCurve.of(rate, stages), poisson, seed);
        }

        /**
         * How many arrivals the schedule intends in all (its integral; the expected count when Poisson).
         *
         * @return the expected number of arrivals
         */
        public double expectedArrivals() {
            return RateCurve.of(rate, stages).cumulative(seconds());
        }
    }
}
