package io.jasyncio.loadtest.report;

import io.jasyncio.loadtest.metrics.Metrics;
import io.jasyncio.loadtest.metrics.StepMetrics;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Writes the run's latencies as an HdrHistogram interval log ({@code .hlog}, readable by HdrHistogram's
 * {@code HistogramLogReader}, {@code HistogramLogProcessor} and plotters), streamed as each second closes, so
 * a run of any length keeps nothing in memory for it. One interval histogram per step and second with
 * successes, tagged with the step's name (values in nanoseconds, the max column in milliseconds); the
 * uncorrected view is tagged {@code NAME.uncorrected}; scenarios are tagged {@code scenario.NAME}.
 *
 * <p>With several loops ({@code --loops N}) every loop writes its own interval histograms to the one log
 * ({@link #forLoop}), under the same tags, its times shifted to the log's start: a second then has up to N
 * histograms per tag, and adding a tag's histograms (as {@code loadtest merge} and HdrHistogram's
 * {@code HistogramLogProcessor} do) gives every loop's samples.
 *
 * <p>Threading: any thread; writes are serialized (each loop writes from its own thread, once a second: a
 * second's worth is small).
 */
public final class HlogExport implements Metrics.IntervalListener, AutoCloseable {
    private final PrintStream out;
    private final HistogramLogWriter writer;
    private final long startEpochMillis;

    /**
     * Opens {@code path} for a run that started at {@code startEpochMillis}.
     *
     * @param path the file, created or replaced
     * @param startEpochMillis the run's start, in milliseconds since the epoch (the log's base time)
     * @throws java.io.UncheckedIOException the file cannot be written
     */
    public HlogExport(Path path, long startEpochMillis) {
        try {
            OutputStream os = new BufferedOutputStream(Files.newOutputStream(path));
            this.out = new PrintStream(os, false, java.nio.charset.StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the histogram log " + path + ": " + e.getMessage(), e);
        }
        this.startEpochMillis = startEpochMillis;
        writer = new HistogramLogWriter(out);
        writer.outputComment("jasyncio loadtest: latency in nanoseconds, one interval histogram per step and second");
        writer.outputLogFormatVersion();
        writer.outputStartTime(startEpochMillis);
        writer.setBaseTime(startEpochMillis);
        writer.outputBaseTime(startEpochMillis);
        writer.outputLegend();
    }

    /**
     * What a loop whose run started at {@code loopStartEpochMillis} writes through: its interval times (from its
     * own start) shifted to this log's start.
     *
     * @param loopStartEpochMillis the loop's run's start, in milliseconds since the epoch
     * @return the listener to give that loop's metrics
     */
    public Metrics.IntervalListener forLoop(long loopStartEpochMillis) {
        double shift = (loopStartEpochMillis - startEpochMillis) / 1e3;
        return (metrics, start, end) -> interval(metrics, start + shift, end + shift);
    }

    @Override
    public synchronized void interval(Metrics metrics, double startSeconds, double endSeconds) {
        for (StepMetrics s : metrics.steps()) {
            write(s.name(), s.intervalLatency(), startSeconds, endSeconds);
            if (metrics.openModel()) write(s.name() + ".uncorrected", s.intervalUncorrected(), startSeconds, endSeconds);
        }
        for (StepMetrics s : metrics.scenarios()) {
            write("scenario." + s.name(), s.intervalLatency(), startSeconds, endSeconds);
        }
    }

    private void write(String tag, Histogram h, double start, double end) {
        if (h.getTotalCount() == 0) return;
        h.setTag(tag);
        writer.outputIntervalHistogram(start, end, h, 1e6);
    }

    @Override
    public synchronized void close() {
        writer.close();
        if (out.checkError()) throw new UncheckedIOException(new IOException("writing the histogram log failed"));
    }
}
