package io.jasyncio.cli;

import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Checks of option values, run by each command before it does any work. A bad value is a picocli
 * {@link ParameterException}: {@link Main} prints its message on one line with the command's synopsis and exits
 * with status 2 (picocli's usage code), never a stack trace.
 *
 * <p>The ranges are the sane ones for these programs, not the types' limits: a port is 0..65535 (0: any free
 * one, where the command listens) or 1..65535 (where it connects); a time scale is {@link #MIN_SCALE} to
 * {@link #MAX_SCALE} (below it, the program's own overhead, magnified by 1/scale, would swamp what it shows;
 * above it, a demo would run for minutes).
 *
 * <p>Threading: stateless; any thread.
 */
final class Check {
    private Check() {}

    /** The smallest {@code --scale} of the demos: 6 s of seed time in 60 ms. */
    static final double MIN_SCALE = 0.01;
    /** The largest {@code --scale} of the demos: 6 s of seed time in one minute. */
    static final double MAX_SCALE = 10;

    /** The most event loops a server command runs (a loop is a thread and a selector; far above any core count). */
    static final int MAX_LOOPS = 1024;

    /** {@code --loops}: 1 to {@link #MAX_LOOPS}, or 0 for one per available processor. */
    static int loops(CommandSpec spec, int loops) {
        if (loops < 0 || loops > MAX_LOOPS) {
            fail(spec, "--loops must be from 1 to " + MAX_LOOPS + ", or 0 for one per available processor; got " + loops);
        }
        return loops;
    }

    /** A port to listen on: 0 (any free port) to 65535. */
    static int listenPort(CommandSpec spec, String option, int port) {
        if (port < 0 || port > 65535) fail(spec, option + " must be a port from 0 (any free one) to 65535, got " + port);
        return port;
    }

    /** A port to connect to: 1 to 65535. */
    static int connectPort(CommandSpec spec, String option, int port) {
        if (port < 1 || port > 65535) fail(spec, option + " must be a port from 1 to 65535, got " + port);
        return port;
    }

    /** A count from {@code min} to {@code max}. */
    static long count(CommandSpec spec, String option, long value, long min, long max) {
        if (value < min || value > max) {
            fail(spec, option + " must be " + (max == Integer.MAX_VALUE || max == Long.MAX_VALUE
                    ? "at least " + min : "from " + min + " to " + max) + ", got " + value);
        }
        return value;
    }

    /** A number from {@code min} to {@code max} (NaN is refused). */
    static double range(CommandSpec spec, String option, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            fail(spec, String.format(Locale.ROOT, "%s must be from %s to %s, got %s", option, plain(min), plain(max),
                    plain(value)));
        }
        return value;
    }

    /** A demo's time scale: from {@link #MIN_SCALE} to {@link #MAX_SCALE}. */
    static double scale(CommandSpec spec, double scale) {
        return range(spec, "--scale", scale, MIN_SCALE, MAX_SCALE);
    }

    /** A duration in seconds: more than 0, at most {@code max}. */
    static double seconds(CommandSpec spec, String option, double value, double max) {
        if (!(value > 0 && value <= max)) {
            fail(spec, option + " must be a number of seconds above 0 and at most " + plain(max) + ", got " + plain(value));
        }
        return value;
    }

    /** {@code HOST:PORT} as {@code [host, port]}; the port 1..65535. */
    static Object[] hostPort(CommandSpec spec, String option, String value) {
        int colon = value.lastIndexOf(':');
        if (colon < 1 || colon == value.length() - 1) fail(spec, option + " wants HOST:PORT, got '" + value + "'");
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw fail(spec, option + " wants HOST:PORT with a numeric port, got '" + value + "'");
        }
        connectPort(spec, option + "'s port", port);
        return new Object[] {value.substring(0, colon), port};
    }

    /** Refuses the command line with {@code message} (a ParameterException, or outside picocli an IllegalArgumentException). */
    static RuntimeException fail(CommandSpec spec, String message) {
        if (spec == null) throw new IllegalArgumentException(message);
        throw new ParameterException(spec.commandLine(), message);
    }

    /** 1.0E-9 as 1e-09, 0.1 as 0.1, 65536.0 as 65536: what a user typed, roughly. */
    private static String plain(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return String.format(Locale.ROOT, Math.abs(v) >= 1e-3 && Math.abs(v) < 1e7 ? "%s" : "%.3g", v);
    }
}
