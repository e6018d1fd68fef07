package io.jasyncio.pg;

import java.time.Duration;
import java.time.Period;

/**
 * A PostgreSQL {@code interval}: months, days and microseconds, kept apart as the server keeps them (a month is
 * not a fixed number of days, nor a day a fixed number of seconds across a DST change). asyncpg returns
 * {@code timedelta}, folding months into 30 days; {@link #toDuration()} does the same on request.
 *
 * <p>Threading: immutable.
 *
 * @param months whole months (years × 12 + months)
 * @param days whole days
 * @param microseconds the time part
 */
public record Interval(int months, int days, long microseconds) {
    /**
     * The interval of a {@link Duration}: its whole length as microseconds (nanoseconds truncated), no days.
     *
     * @param d the duration
     * @return the interval
     * @throws ArithmeticException it does not fit in microseconds as a long
     */
    public static Interval of(Duration d) {
        return new Interval(0, 0, Math.addExact(Math.multiplyExact(d.getSeconds(), 1_000_000L), d.getNano() / 1000));
    }

    /**
     * The interval of a {@link Period}: its years and months as months, its days as days.
     *
     * @param p the period
     * @return the interval
     */
    public static Interval of(Period p) {
        return new Interval(Math.toIntExact(p.toTotalMonths()), p.getDays(), 0);
    }

    /**
     * As asyncpg's timedelta: a month counts 30 days, a day 24 hours.
     *
     * @return the duration
     */
    public Duration toDuration() {
        long d = (long) months * 30 + days;
        return Duration.ofDays(d).plusNanos(Math.multiplyExact(microseconds, 1000L));
    }

    @Override
    public String toString() {
        return months + " mons " + days + " days " + microseconds + " us";
    }
}
