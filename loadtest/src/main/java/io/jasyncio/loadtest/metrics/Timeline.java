package io.jasyncio.loadtest.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run second by second: how many arrivals were due (open model), sent, answered and failed, the latency
 * percentiles of the second's successes, and its failures by {@code step:kind}. Bounded: past
 * {@link #MAX_POINTS} points, neighbours are merged two by two and each point then spans twice as long (counts
 * add up; a merged percentile is the larger of the two, an upper bound), so a run of any length keeps at most
 * {@code MAX_POINTS} points.
 *
 * <p>Threading: the event loop's thread only.
 */
public final class Timeline {
    /** The most points a timeline keeps before it merges neighbours. */
    public static final int MAX_POINTS = 2000;

    /**
     * One span of the run: from {@code startSeconds} (after the run's start) for {@code seconds}; latencies in
     * milliseconds (NaN without successes); {@code intended} is -1 in the closed model.
     *
     * <p>Threading: immutable.
     *
     * @param startSeconds where the span starts, in seconds after the measured part's start
     * @param seconds how long it lasts (1, or a power of two once merged)
     * @param intended arrivals due in it (open model); -1 in the closed model
     * @param sent requests or iterations started in it
     * @param ok successes that ended in it
     * @param failed failures that ended in it
     * @param inFlight the most requests or iterations outstanding at once in it
     * @param p50 the median latency of its successes, in milliseconds (coordinated-omission corrected)
     * @param p90 the 90th percentile, in milliseconds
     * @param p99 the 99th percentile, in milliseconds
     * @param max the highest latency, in milliseconds
     * @param scheduleLagMaxMs the latest an arrival was sent after its intended time, in milliseconds (NaN in the
     *     closed model)
     * @param errors failures by {@code step:kind}
     */
    public record Point(double startSeconds, double seconds, long intended, long sent, long ok, long failed,
            long inFlight, double p50, double p90, double p99, double max, double scheduleLagMaxMs,
            Map<String, Long> errors) {
        /** Copies the errors. */
        public Point {
            errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
        }

        Point merge(Point next) {
            Map<String, Long> e = new LinkedHashMap<>(errors);
            next.errors.forEach((k, v) -> e.merge(k, v, Long::sum));
            return new Point(startSeconds, seconds + next.seconds,
                    intended < 0 ? -1 : intended + next.intended, sent + next.sent, ok + next.ok,
                    failed + next.failed, Math.max(inFlight, next.inFlight), larger(p50, next.p50),
                    larger(p90, next.p90), larger(p99, next.p99), larger(max, next.max),
                    larger(scheduleLagMaxMs, next.scheduleLagMaxMs), e);
        }

        /** This point and {@code other}, the same span measured on another loop. */
        Point beside(Point other) {
            Map<String, Long> e = new LinkedHashMap<>(errors);
            other.errors.forEach((k, v) -> e.merge(k, v, Long::sum));
            return new Point(startSeconds, Math.max(seconds, other.seconds),
                    intended < 0 ? -1 : intended + other.intended, sent + other.sent, ok + other.ok,
                    failed + other.failed, inFlight + other.inFlight, larger(p50, other.p50),
                    larger(p90, other.p90), larger(p99, other.p99), larger(max, other.max),
                    larger(scheduleLagMaxMs, other.scheduleLagMaxMs), e);
        }

        private static double larger(double a, double b) {
            if (Double.isNaN(a)) return b;
            if (Double.isNaN(b)) return a;
            return Math.max(a, b);
        }
    }

    private List<Point> points = new ArrayList<>();

    /** An empty timeline. */
    public Timeline() {}

    /**
     * Appends the next point, merging neighbours if the timeline is full.
     *
     * @param p the point
     */
    public void add(Point p) {
        points.add(p);
        if (points.size() > MAX_POINTS) {
            List<Point> merged = new ArrayList<>(MAX_POINTS / 2 + 1);
            for (int i = 0; i + 1 < points.size(); i += 2) merged.add(points.get(i).merge(points.get(i + 1)));
            if (points.size() % 2 == 1) merged.add(points.get(points.size() - 1));
            points = merged;
        }
    }

    /**
     * Adds {@code other}'s points (the same run measured on another loop, which ticked with this one) into these,
     * point by point: counts add up, a percentile is the larger of the two (an upper bound). The points are
     * matched by their index; the longer timeline's extra points are kept.
     *
     * @param other the other loop's timeline
     */
    public void add(Timeline other) {
        List<Point> merged = new ArrayList<>(Math.max(points.size(), other.points.size()));
        int n = Math.max(points.size(), other.points.size());
        for (int i = 0; i < n; i++) {
            Point a = i < points.size() ? points.get(i) : null;
            Point b = i < other.points.size() ? other.points.get(i) : null;
            merged.add(a == null ? b : b == null ? a : a.beside(b));
        }
        points = merged;
    }

    /**
     * The points, oldest first.
     *
     * @return a read-only view
     */
    public List<Point> points() {
        return Collections.unmodifiableList(points);
    }
}
