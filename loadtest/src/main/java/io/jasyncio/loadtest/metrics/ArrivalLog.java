package io.jasyncio.loadtest.metrics;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The open model's raw arrival log ({@code loadtest --arrival-log FILE}): one line per measured arrival,
 * {@code intendedNanos sentNanos} on the loop's clock (an arbitrary origin: only differences mean anything), in the
 * order sent. It is what the accuracy goals are recomputed from (the Poisson gaps' KS test: {@link ArrivalCheck}).
 * Written through a buffer, so a line costs the loop no system call; a write that fails stops the log and is
 * reported when it closes.
 *
 * <p>Threading: the loop's thread only.
 */
public final class ArrivalLog implements AutoCloseable {
    private final Path path;
    private final BufferedWriter out;
    private IOException failed;

    private ArrivalLog(Path path, BufferedWriter out) {
        this.path = path;
        this.out = out;
    }

    /**
     * Creates (or truncates) {@code path}.
     *
     * @param path the file
     * @return the log
     * @throws java.io.UncheckedIOException the file cannot be created
     */
    public static ArrivalLog open(Path path) {
        try {
            return new ArrivalLog(path, Files.newBufferedWriter(path, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the arrival log " + path, e);
        }
    }

    /**
     * One arrival: intended at {@code intendedNanos}, sent at {@code sentNanos}.
     *
     * @param intendedNanos the intended send time, on the loop's clock, in nanoseconds
     * @param sentNanos the actual send time, on the loop's clock, in nanoseconds
     */
    public void add(long intendedNanos, long sentNanos) {
        if (failed != null) return;
        try {
            out.write(Long.toString(intendedNanos));
            out.write(' ');
            out.write(Long.toString(sentNanos));
            out.write('\n');
        } catch (IOException e) {
            failed = e;
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            if (failed == null) failed = e;
        }
        if (failed != null) throw new UncheckedIOException("writing the arrival log " + path + " failed", failed);
    }
}
