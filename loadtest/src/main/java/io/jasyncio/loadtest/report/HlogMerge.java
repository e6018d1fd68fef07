package io.jasyncio.loadtest.report;

import io.jasyncio.loadtest.metrics.Latency;
import java.io.FileNotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * Reports from saved HdrHistogram logs ({@code --hlog} files): {@code loadtest merge A.hlog B.hlog ...} adds up
 * the interval histograms of every file by tag (a step, {@code STEP.uncorrected}, {@code scenario.NAME}) and
 * shows each tag's latencies; {@code --replay FILE.hlog} is the same for one file. Adding histograms is exact:
 * the merged percentiles are those of every request of every run, as if one run had measured them all (a
 * percentile of percentiles, which merging the JSON reports would give, is not). A log holds the successes'
 * latencies only: failures, rates and the generator's figures stay in each run's own report.
 *
 * <p>Threading: not shared; reads the files on the calling thread.
 */
public final class HlogMerge {
    /** The most tags one merge keeps (a bound on memory: one histogram each). */
    public static final int MAX_TAGS = 256;

    private final List<Path> files;
    private final Map<String, Histogram> byTag = new LinkedHashMap<>();
    private long intervals;
    private double firstStart = Double.POSITIVE_INFINITY;
    private double lastEnd = Double.NEGATIVE_INFINITY;

    private HlogMerge(List<Path> files) {
        this.files = List.copyOf(files);
    }

    /**
     * Reads and adds up {@code files}; an IllegalArgumentException names a file that is missing or not an hlog.
     *
     * @param files the logs, each written by {@code --hlog}
     * @return the merge
     * @throws IllegalArgumentException a file is missing, is not an hlog, or has more than {@value #MAX_TAGS} tags
     */
    public static HlogMerge of(List<Path> files) {
        if (files.isEmpty()) throw new IllegalArgumentException("give one or more .hlog files (written by --hlog)");
        HlogMerge m = new HlogMerge(files);
        for (Path f : files) m.read(f);
        return m;
    }

    private void read(Path f) {
        if (!Files.isRegularFile(f)) throw new IllegalArgumentException("cannot read " + f + ": no such file");
        long before = intervals;
        try {
            HistogramLogReader r = new HistogramLogReader(f.toFile());
            EncodableHistogram e;
            while ((e = r.nextIntervalHistogram()) != null) {
                if (!(e instanceof Histogram h)) throw new IllegalArgumentException("a histogram of doubles");
                String tag = h.getTag() == null ? "(untagged)" : h.getTag();
                Histogram sum = byTag.get(tag);
                if (sum == null) {
                    if (byTag.size() >= MAX_TAGS) throw new IllegalArgumentException("more than " + MAX_TAGS + " tags");
                    sum = Latency.histogram();
                    byTag.put(tag, sum);
                }
                sum.add(h);
                intervals++;
                firstStart = Math.min(firstStart, h.getStartTimeStamp() / 1e3);
                lastEnd = Math.max(lastEnd, h.getEndTimeStamp() / 1e3);
            }
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException("cannot read " + f + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(f + " is not an HdrHistogram log as --hlog writes it (" + e.getMessage() + ")");
        }
        if (intervals == before) throw new IllegalArgumentException(f + " holds no interval histogram (is it an --hlog file?)");
    }

    /**
     * The merged histogram of each tag, in the order the tags first appeared.
     *
     * @return tag to histogram (nanoseconds)
     */
    public Map<String, Histogram> histograms() {
        return byTag;
    }

    /**
     * The text report: the files, then a row per tag.
     *
     * @return the text
     */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(files.size() == 1 ? "replay of " : "merge of ").append(files.size()).append(files.size() == 1 ? " log: " : " logs: ");
        List<String> names = new ArrayList<>();
        for (Path f : files) names.add(f.toString());
        sb.append(String.join(", ", names)).append('\n');
        sb.append(String.format(Locale.ROOT, "%,d interval histograms over %.0f s%n%n", intervals, Math.max(0, lastEnd - firstStart)));
        sb.append(String.format(Locale.ROOT, "%-24s %10s %9s %9s %9s %9s %9s%n", "tag", "ok", "p50", "p90", "p99", "p99.9", "max"));
        for (Map.Entry<String, Histogram> e : byTag.entrySet()) {
            Histogram h = e.getValue();
            String tag = e.getKey().length() > 24 ? e.getKey().substring(0, 23) + "~" : e.getKey();
            sb.append(String.format(Locale.ROOT, "%-24s %,10d %9s %9s %9s %9s %9s%n", tag, h.getTotalCount(),
                    TextReport.ms(Latency.percentileMs(h, 50)), TextReport.ms(Latency.percentileMs(h, 90)),
                    TextReport.ms(Latency.percentileMs(h, 99)), TextReport.ms(Latency.percentileMs(h, 99.9)),
                    TextReport.ms(Latency.percentileMs(h, 100))));
        }
        sb.append("\nsuccesses only: an hlog holds no failures (each run's JSON report has them)\n");
        return sb.toString();
    }

    /**
     * The JSON report: {@code schemaVersion}, {@code files}, {@code intervals}, and per tag {@code ok} and {@code
     * latencyMs}.
     *
     * @return the JSON text
     */
    public String json() {
        Json j = new Json();
        j.beginObject().field("schemaVersion", 1).field("tool", "jasyncio-loadtest-merge");
        j.key("files").beginArray();
        for (Path f : files) j.value(f.toString());
        j.endArray();
        j.field("intervals", intervals);
        j.key("tags").beginArray();
        for (Map.Entry<String, Histogram> e : byTag.entrySet()) {
            Histogram h = e.getValue();
            RunResult.Summary s = RunResult.Summary.of(h);
            j.beginObject().field("tag", e.getKey()).field("ok", h.getTotalCount());
            j.key("latencyMs").beginObject().field("p50", s.p50()).field("p90", s.p90()).field("p99", s.p99())
                    .field("p999", s.p999()).field("max", s.max()).field("min", s.min()).field("mean", s.mean()).endObject();
            j.endObject();
        }
        j.endArray().endObject();
        return j.toString();
    }

    /**
     * Writes {@link #json} to {@code path}.
     *
     * @param path the file, created or replaced
     * @throws java.io.IOException it cannot be written
     */
    public void writeJson(Path path) throws java.io.IOException {
        Files.writeString(path, json() + "\n", StandardCharsets.UTF_8);
    }
}
