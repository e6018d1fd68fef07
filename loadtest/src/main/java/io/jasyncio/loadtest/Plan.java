package io.jasyncio.loadtest;

import io.jasyncio.loadtest.model.LoadModel;
import io.jasyncio.loadtest.target.Connector;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Everything a run needs: what to send ({@link Workload}), how ({@link LoadModel}: closed or open, with its
 * users or connections, rate and stages), the request or step timeout, the seed (Poisson arrivals, users' random
 * numbers), where to export the HdrHistogram log (null: nowhere), where the live progress line goes (null:
 * nowhere) and how often, the loop-thread CPU share above which the generator counts as saturated, and the
 * warm-up at the start of the model's time whose measurements are dropped, how connections are opened, and on how
 * many event loops (threads) the load is generated, and where the open model's arrival log goes (null: nowhere;
 * {@link io.jasyncio.loadtest.metrics.ArrivalLog}).
 *
 * <p>Threading: immutable.
 *
 * @param workload what to send
 * @param model how load is offered (closed or open, users or rate, stages)
 * @param timeoutSeconds how long one request (or scenario step) may take, in seconds ({@code --timeout})
 * @param seed the seed of Poisson arrivals and of the users' random numbers ({@code --seed})
 * @param hlog where the HdrHistogram interval log goes, or null ({@code --hlog})
 * @param progress where the live progress line goes, or null
 * @param progressHz how often the progress line is redrawn, 1 to 4 per second
 * @param maxBusy the loop thread's CPU share, above 0 and at most 1, over which for more than 10 s the run is invalid
 *     ({@code --max-busy} / 100)
 * @param warmupSeconds seconds at the start of the model whose measurements are dropped ({@code --warmup})
 * @param connector how connections are opened (TLS checks, source addresses)
 * @param loops event loops (threads) generating the load, 1 to {@value #MAX_LOOPS} ({@code --loops})
 * @param arrivalLog where each measured arrival's intended and sent time go, or null ({@code --arrival-log})
 */
public record Plan(Workload workload, LoadModel model, double timeoutSeconds, long seed, Path hlog,
        PrintStream progress, double progressHz, double maxBusy, double warmupSeconds, Connector connector, int loops,
        Path arrivalLog) {
    /** The most event loops (threads) one run may use. */
    public static final int MAX_LOOPS = 256;

    /** The default request timeout, in seconds. */
    public static final double DEFAULT_TIMEOUT = 10;
    /** The default loop-thread CPU share over which the generator counts as saturated (90%). */
    public static final double DEFAULT_MAX_BUSY = 0.9;

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException a value out of its range, an arrival log outside the open model on one loop, or
     *     a warm-up not shorter than the model
     */
    public Plan {
        if (!(timeoutSeconds > 0) || timeoutSeconds > LoadModel.MAX_SECONDS) {
            throw new IllegalArgumentException("the timeout must be above 0 s and at most a day, got " + timeoutSeconds);
        }
        if (!(progressHz >= 1 && progressHz <= 4)) throw new IllegalArgumentException("progress is 1 to 4 per second, got " + progressHz);
        if (!(maxBusy > 0 && maxBusy <= 1)) throw new IllegalArgumentException("the CPU limit is a share above 0 and at most 1");
        java.util.Objects.requireNonNull(connector, "connector");
        if (arrivalLog != null && (loops != 1 || !(model instanceof LoadModel.Open))) {
            throw new IllegalArgumentException("--arrival-log is for the open model (--rate or --stages with --rate) on one loop (--loops 1)");
        }
        if (loops < 1 || loops > MAX_LOOPS) throw new IllegalArgumentException("--loops must be 1 to " + MAX_LOOPS + ", got " + loops);
        if (!(warmupSeconds >= 0 && warmupSeconds < model.seconds())) {
            throw new IllegalArgumentException("the warm-up must be 0 s or more and shorter than the run (" + model.seconds()
                    + " s), got " + warmupSeconds);
        }
    }

    /**
     * A plan with the defaults: 10 s timeout, seed 1, no hlog, no progress, saturated above 90%.
     *
     * @param workload what to send
     * @param model how load is offered
     * @return the plan
     */
    public static Plan of(Workload workload, LoadModel model) {
        return new Plan(workload, model, DEFAULT_TIMEOUT, 1, null, null, 2, DEFAULT_MAX_BUSY, 0, Connector.DEFAULT, 1, null);
    }

    /**
     * A copy with this request (or step) timeout.
     *
     * @param seconds above 0, at most a day
     * @return the copy
     */
    public Plan withTimeout(double seconds) {
        return new Plan(workload, model, seconds, seed, hlog, progress, progressHz, maxBusy, warmupSeconds, connector, loops, arrivalLog);
    }

    /**
     * A copy with this seed.
     *
     * @param seed the seed of Poisson arrivals and the users' random numbers
     * @return the copy
     */
    public Plan withSeed(long seed) {
        return new Plan(workload, model, timeoutSeconds, seed, hlog, progress, progressHz, maxBusy, warmupSeconds, connector, loops, arrivalLog);
    }

    /**
     * A copy writing the HdrHistogram interval log to {@code path}.
     *
     * @param path the file, or null for none
     * @return the copy
     */
    public Plan withHlog(Path path) {
        return new Plan(workload, model, timeoutSeconds, seed, path, progress, progressHz, maxBusy, warmupSeconds, connector, loops, arrivalLog);
    }

    /**
     * A copy drawing the live progress line on {@code out}.
     *
     * @param out the stream, or null for none
     * @param hz redraws per second, 1 to 4
     * @return the copy
     */
    public Plan withProgress(PrintStream out, double hz) {
        return new Plan(workload, model, timeoutSeconds, seed, hlog, out, hz, maxBusy, warmupSeconds, connector, loops, arrivalLog);
    }

    /**
     * A warm-up of {@code seconds} before the model: the load runs at the model's start value (users or rate) but
     * nothing of it is kept (the JIT compiles, connections open); the reports speak of the model's time after it.
     *
     * @param seconds the warm-up's length, in seconds
     * @return the copy, its model lengthened by the warm-up
     */
    public Plan withWarmup(double seconds) {
        return new Plan(workload, model.warmedUp(seconds), timeoutSeconds, seed, hlog, progress, progressHz, maxBusy,
                seconds, connector, loops, arrivalLog);
    }

    /**
     * Connections opened by {@code c} (TLS verification, source addresses).
     *
     * @param c the connector
     * @return the copy
     */
    public Plan withConnector(Connector c) {
        return new Plan(workload, model, timeoutSeconds, seed, hlog, progress, progressHz, maxBusy, warmupSeconds, c, loops, arrivalLog);
    }

    /**
     * The load split over {@code n} event loops, each on its own thread with its share of the connections (or users)
     * and rate.
     *
     * @param n 1 to {@value #MAX_LOOPS}, at most the connections (or users)
     * @return the copy
     */
    public Plan withLoops(int n) {
        return new Plan(workload, model, timeoutSeconds, seed, hlog, progress, progressHz, maxBusy, warmupSeconds, connector, n, arrivalLog);
    }

    /**
     * Each measured arrival's intended and actual send time written to {@code path} (open model, one loop).
     *
     * @param path the file, or null for none
     * @return the copy
     */
    public Plan withArrivalLog(Path path) {
        return new Plan(workload, model, timeoutSeconds, seed, hlog, progress, progressHz, maxBusy, warmupSeconds, connector, loops, path);
    }

    /**
     * A copy counting the generator as saturated above this loop-thread CPU share.
     *
     * @param share above 0, at most 1
     * @return the copy
     */
    public Plan withMaxBusy(double share) {
        return new Plan(workload, model, timeoutSeconds, seed, hlog, progress, progressHz, share, warmupSeconds, connector, loops, arrivalLog);
    }
}
