package io.jasyncio.loadtest.engine;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.TimerHandle;
import io.jasyncio.loadtest.Plan;
import io.jasyncio.loadtest.Workload;
import io.jasyncio.loadtest.metrics.ArrivalLog;
import io.jasyncio.loadtest.metrics.Metrics;
import io.jasyncio.loadtest.metrics.StepMetrics;
import io.jasyncio.loadtest.model.ArrivalSchedule;
import io.jasyncio.loadtest.model.LoadModel;
import io.jasyncio.loadtest.report.HlogExport;
import io.jasyncio.loadtest.report.Progress;
import io.jasyncio.loadtest.report.RunResult;
import io.jasyncio.loadtest.scenario.VirtualUser;
import io.jasyncio.loadtest.threshold.Threshold;
import io.jasyncio.loadtest.threshold.ThresholdResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs a {@link Plan} on one event loop and returns what it measured: starts the driver, closes a second of
 * metrics every second (timeline, hlog, progress, the generator's CPU), stops sending when the model's time is
 * up, waits at most the timeout (plus a second) for what is in flight, closes every connection, and judges the
 * run's validity. With a warm-up, everything measured before its end is dropped (answers to requests sent during
 * it still count when they come), and the result speaks of the time after it.
 *
 * <p>A run is INVALID — its numbers describe the generator, not the target — when: no request was made; in
 * the open model, fewer than 99% of the intended arrivals were sent (not enough connections, or a generator too
 * slow), or the schedule lag's p99 (how late the generator sent what it could have sent) is over
 * {@value #MAX_SCHEDULE_LAG_MS} ms; or the loop thread was busier than the plan's limit for more than
 * {@value #MAX_SATURATED_SECONDS} s in a row.
 *
 * <p>Threading: {@link #run} starts its own loop on the calling thread; {@link #runInLoop} is a coroutine on
 * the running loop. Nothing of the run (task, connection, timer) is left when either returns.
 */
public final class LoadRun {
    /** The schedule lag's p99, in milliseconds, over which an open-model run is invalid. */
    public static final double MAX_SCHEDULE_LAG_MS = 5;
    /** The seconds in a row the loop thread may be over the plan's CPU limit before the run is invalid. */
    public static final double MAX_SATURATED_SECONDS = 10;
    /** The share of the intended arrivals an open-model run must send to be valid. */
    public static final double MIN_SENT_SHARE = 0.99;

    private LoadRun() {}

    /**
     * Runs {@code plan} on a new event loop (or, with {@link Plan#loops} above 1, on that many, each on its thread).
     *
     * @param plan the plan
     * @return what it measured
     */
    public static RunResult run(Plan plan) {
        return run(plan, List.of());
    }

    /**
     * Runs {@code plan}; those of {@code thresholds} marked {@link Threshold#abortOnFail} are checked once a second
     * (after their {@link Threshold#delayAbortSeconds} of measured load) and end the run as soon as one fails.
     *
     * @param plan the plan
     * @param thresholds the run's thresholds (only those with {@code abortOnFail} matter here)
     * @return what it measured
     */
    public static RunResult run(Plan plan, List<Threshold> thresholds) {
        List<Threshold> aborts = thresholds.stream().filter(Threshold::abortOnFail).toList();
        boolean tls = switch (plan.workload()) {
            case Workload.Requests r -> r.wire().tls();
            case Workload.Scenarios s -> s.baseUrl() != null && s.baseUrl().regionMatches(true, 0, "https:", 0, 6);
        };
        if (tls) plan.connector().warmUpTls();
        GeneratorMonitor.warmUp();
        if (plan.loops() > 1) return Loops.run(plan, aborts);
        return Asyncio.run(() -> runInLoop(plan, aborts));
    }

    /**
     * Checks that every loop of {@code plan} gets a share it can run (with stages, each loop needs a user or
     * connection at some point); an IllegalArgumentException says which does not.
     *
     * @param plan the plan
     * @throws IllegalArgumentException a loop's share of the connections, users or rate cannot run
     */
    public static void checkLoops(Plan plan) {
        for (int i = 0; i < plan.loops(); i++) {
            try {
                Loops.share(plan, i, plan.loops());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--loops " + plan.loops() + ": loop " + (i + 1) + "'s share cannot run ("
                        + e.getMessage() + "); use fewer loops");
            }
        }
    }

    /**
     * Runs {@code plan} on the running loop (call from a task).
     *
     * @param plan the plan (one loop)
     * @return what it measured
     */
    public static RunResult runInLoop(Plan plan) {
        return runInLoop(plan, List.of());
    }

    /**
     * {@link #runInLoop(Plan)} with the thresholds of {@link #run(Plan, List)}.
     *
     * @param plan the plan (one loop)
     * @param thresholds the run's thresholds (only those with {@code abortOnFail} matter here)
     * @return what it measured
     */
    public static RunResult runInLoop(Plan plan, List<Threshold> thresholds) {
        List<Threshold> aborts = thresholds.stream().filter(Threshold::abortOnFail).toList();
        try (HlogExport hlog = hlog(plan)) {
            return result(plan, List.of(measure(plan, 0, 1, aborts, new Stop(), hlog)));
        }
    }

    /** The plan's histogram log, opened now (null: the plan asks for none); the caller closes it after every loop. */
    static HlogExport hlog(Plan plan) {
        return plan.hlog() == null ? null : new HlogExport(plan.hlog(), System.currentTimeMillis());
    }

    /**
     * What one loop measured: its metrics, and its monitor's figures; {@code aborted} says which threshold ended
     * the run early (null: none did).
     */
    record Measured(Metrics metrics, double cpuSeconds, double loopCpuSeconds, double maxLoopShare,
            double saturatedSeconds, String engine, long startEpochMillis, double loadSeconds, double elapsed,
            String aborted) {}

    /**
     * Ends the loops of a run early, from any of them: each loop registers how it is told, and {@link #stop} tells
     * every one (once).
     *
     * <p>Threading: any thread.
     */
    static final class Stop {
        private final List<Runnable> tellers = new ArrayList<>();
        private String reason;

        synchronized void register(EventLoop loop, Future<Void> stopped) {
            Runnable tell = () -> {
                try {
                    loop.callSoonThreadsafe(() -> {
                        if (!stopped.done()) stopped.setResult(null);
                    });
                } catch (RuntimeException closed) {
                    // that loop's run is over and its loop closed: there is nothing left to stop
                }
            };
            tellers.add(tell);
            if (reason != null) tell.run();
        }

        synchronized void stop(String why) {
            if (reason != null) return;
            reason = why;
            for (Runnable t : tellers) t.run();
        }

        synchronized String reason() {
            return reason;
        }
    }

    /**
     * Runs loop {@code index} of {@code loops} of {@code plan} on the running loop: its share of the load (the
     * plan given is already that share; {@code index} numbers its users after the other loops' users); its
     * interval histograms go to {@code hlog} (null: none), which every loop of the run shares.
     */
    static Measured measure(Plan plan, int firstUser, int loops, List<Threshold> aborts, Stop stop, HlogExport hlog) {
        EventLoop loop = Asyncio.getRunningLoop();
        LoadModel model = plan.model();
        boolean open = model instanceof LoadModel.Open;
        Metrics metrics = new Metrics(open);
        ArrivalLog arrivals = plan.arrivalLog() == null ? null : ArrivalLog.open(plan.arrivalLog());
        if (arrivals != null) metrics.logArrivals(arrivals);
        Driver driver = driver(loop, metrics, plan, firstUser);
        long startEpochMillis = System.currentTimeMillis();
        if (hlog != null) metrics.onInterval(hlog.forLoop(startEpochMillis));
        Progress progress = plan.progress() == null ? null
                : new Progress(plan.progress(), isTerminal(plan), loops > 1 ? "loop 1 of " + loops + ": " : "");
        if (progress != null) metrics.onInterval(progress);
        GeneratorMonitor monitor = new GeneratorMonitor(loop, metrics, plan.maxBusy());
        ArrivalSchedule due = open ? ((LoadModel.Open) model).schedule() : null;
        double seconds = model.seconds();
        double warmup = plan.warmupSeconds();
        long start = loop.nanoTime();
        Future<Void> stopped = loop.createFuture();
        stop.register(loop, stopped);
        driver.exhausted().addDoneCallback(f -> {
            if (!stopped.done()) stopped.setResult(null);
        });
        TimerHandle[] timers = new TimerHandle[2];
        Runnable[] tick = new Runnable[1];
        tick[0] = () -> {
            double t = (loop.nanoTime() - start) / 1e9;
            countDue(due, metrics, Math.min(t, seconds));
            monitor.sample();
            metrics.tick(t);
            if (!aborts.isEmpty() && t > warmup) checkAborts(plan, metrics, monitor, loop, aborts, t - warmup, stop);
            timers[0] = loop.callAt((start + (long) (Math.floor(t + 1e-9) + 1) * 1_000_000_000L) / 1e9, tick[0]);
        };
        timers[0] = loop.callAt((start + 1_000_000_000L) / 1e9, tick[0]);
        if (warmup > 0) metrics.warmupEndsAt(start + (long) (warmup * 1e9));
        TimerHandle warmupEnd = warmup <= 0 ? null : loop.callAt((start + (long) (warmup * 1e9)) / 1e9, () -> {
            countDue(due, metrics, warmup);
            metrics.tick(warmup);   // closes the warm-up's last partial second, then forgets it all
            metrics.reset(warmup, start + (long) (warmup * 1e9));
            monitor.reset();
        });
        if (progress != null) {
            double period = 1 / plan.progressHz();
            Runnable[] show = new Runnable[1];
            show[0] = () -> {
                progress.show(metrics, (loop.nanoTime() - start) / 1e9, seconds);
                timers[1] = loop.callLater(period, show[0]);
            };
            timers[1] = loop.callLater(period, show[0]);
        }
        double end;
        double loadSeconds = seconds;
        try {
            driver.start(start);
            double left = (start + (long) (seconds * 1e9) - loop.nanoTime()) / 1e9;
            if (left > 0) Asyncio.wait(List.of(stopped), left);
            driver.stopSending();
            loadSeconds = Math.min(seconds, (loop.nanoTime() - start) / 1e9);
            countDue(due, metrics, loadSeconds);
            // an aborted run does not wait for its answers: what is in flight is cut short, as k6 does
            if (stop.reason() == null) Asyncio.wait(List.of(driver.drained()), plan.timeoutSeconds() + 1);
        } finally {
            driver.close();
            if (warmupEnd != null) warmupEnd.cancel();
            for (TimerHandle t : timers) if (t != null) t.cancel();
            monitor.stop();
            if (arrivals != null) arrivals.close();
            if (progress != null) progress.end();
            end = (loop.nanoTime() - start) / 1e9;
            metrics.tick(end);
        }
        return new Measured(metrics, monitor.processCpuSeconds(), monitor.loopCpuSeconds(), monitor.maxLoopShare(),
                monitor.longestSaturatedSeconds(), loop.engineName(), startEpochMillis,
                Math.max(1e-9, (loadSeconds > 0 ? loadSeconds : seconds) - warmup), end - warmup, stop.reason());
    }

    /**
     * Checks the aborting thresholds on what this loop measured so far ({@code measured} seconds after the
     * warm-up); the first that fails with a value known ends the run. A threshold whose value is not known yet
     * (no success to take a percentile of) waits.
     */
    private static void checkAborts(Plan plan, Metrics metrics, GeneratorMonitor monitor, EventLoop loop,
            List<Threshold> aborts, double measured, Stop stop) {
        if (stop.reason() != null) return;
        RunResult now = null;
        for (Threshold t : aborts) {
            if (measured < t.delayAbortSeconds()) continue;
            if (now == null) {
                now = result(plan, List.of(new Measured(metrics, monitor.processCpuSeconds(), monitor.loopCpuSeconds(),
                        monitor.maxLoopShare(), monitor.longestSaturatedSeconds(), loop.engineName(), 0, measured,
                        measured, null)));
            }
            ThresholdResult r = t.check(now);
            if (!r.passed() && !Double.isNaN(r.actual())) {
                stop.stop(String.format(Locale.ROOT, "threshold '%s' failed after %.0f s of load (%s): abortOnFail ended the run",
                        t.text(), measured, r.shown()));
                return;
            }
        }
    }

    private static boolean isTerminal(Plan plan) {
        return plan.progress() == System.err || plan.progress() == System.out
                ? System.console() != null && System.console().isTerminal() : false;
    }

    /**
     * Counts, from a second copy of the schedule, the arrivals due before {@code t}, sent or not (one due at
     * {@code t} itself belongs to what follows, as the end of a warm-up measures it).
     */
    private static void countDue(ArrivalSchedule due, Metrics metrics, double t) {
        if (due == null) return;
        long n = 0;
        while (due.peek() < t) {
            due.advance();
            n++;
        }
        metrics.arrivalsDue(n);
    }

    private static Driver driver(EventLoop loop, Metrics metrics, Plan plan, int firstUser) {
        LoadModel model = plan.model();
        return switch (plan.workload()) {
            case Workload.Requests r -> {
                int slots = model instanceof LoadModel.Open o ? o.maxConcurrency() : ((LoadModel.Closed) model).maxUsers();
                yield new RequestDriver(loop, metrics, r.wire(), model, slots, r.pipeline(), plan.timeoutSeconds(),
                        plan.connector());
            }
            case Workload.Scenarios s -> new ScenarioDriver(loop, metrics, s.mix(), model, s.iterationsPerUser(), firstUser,
                    id -> new VirtualUser(id, metrics, loop, plan.timeoutSeconds(), plan.seed(), s.baseUrl(), s.headers(),
                            s.maxBody(), plan.connector()));
        };
    }

    /** The result of {@code plan} from what its loops measured (one, or each loop's share, merged here). */
    static RunResult result(Plan plan, List<Measured> parts) {
        Measured first = parts.get(0);
        Metrics m = first.metrics();
        double cpu = first.cpuSeconds();       // the process's: the same figure seen from any loop
        double loopCpu = 0;
        double maxShare = 0;
        double saturated = 0;
        double loadSeconds = 0;
        double elapsed = 0;
        String aborted = null;
        for (Measured p : parts) {
            if (p != first) m.add(p.metrics());
            cpu = Math.max(cpu, p.cpuSeconds());
            loopCpu += p.loopCpuSeconds();
            maxShare = Math.max(maxShare, p.maxLoopShare());
            saturated = Math.max(saturated, p.saturatedSeconds());
            loadSeconds = Math.max(loadSeconds, p.loadSeconds());
            elapsed = Math.max(elapsed, p.elapsed());
            if (aborted == null) aborted = p.aborted();
        }
        String startedAt = Instant.ofEpochMilli(first.startEpochMillis() + (long) (plan.warmupSeconds() * 1e3)).toString();
        long requests = m.requests();
        long errors = m.failed();
        LoadModel model = plan.model();
        boolean open = model instanceof LoadModel.Open;
        StepMetrics overall = m.overall();
        double achieved = requests / loadSeconds;
        double intendedRate = open ? m.intended() / loadSeconds : Double.NaN;
        List<String> invalid = new ArrayList<>();
        if (overall.requests() == 0) {
            invalid.add("no request was made in " + fmt(loadSeconds) + " s");
        }
        RunResult.Summary lag = open ? RunResult.Summary.of(m.scheduleLag()) : null;
        if (open) {
            if (m.intended() > 0 && m.sent() < MIN_SENT_SHARE * m.intended() && aborted == null) {
                invalid.add(String.format(Locale.ROOT, "the asked rate was not delivered: %,d of %,d arrivals sent (%.1f%%); "
                        + "all connections were busy (raise -c) or the generator was too slow", m.sent(), m.intended(),
                        100.0 * m.sent() / m.intended()));
            }
            if (lag.count() > 0 && lag.p99() > MAX_SCHEDULE_LAG_MS) {
                invalid.add(String.format(Locale.ROOT, "the generator sent late: schedule lag p99 %.2f ms is over %.0f ms",
                        lag.p99(), MAX_SCHEDULE_LAG_MS));
            }
        }
        if (saturated > MAX_SATURATED_SECONDS) {
            invalid.add(String.format(Locale.ROOT, "the generator saturated its CPU: its loop thread was over %.0f%% busy "
                    + "for %.0f s in a row; the figures are the generator's limit, not the target's",
                    plan.maxBusy() * 100, saturated));
        }
        LoadModel.Open o = open ? (LoadModel.Open) model : null;
        LoadModel.Closed c = open ? null : (LoadModel.Closed) model;
        int pipeline = plan.workload() instanceof Workload.Requests r ? r.pipeline() : 1;
        RunResult.Model mi = open
                ? new RunResult.Model("open", o.maxConcurrency(), o.rate(), o.poisson(), o.stages(), pipeline, plan.timeoutSeconds())
                : new RunResult.Model("closed", c.maxUsers(), Double.NaN, false, c.stages(), pipeline, plan.timeoutSeconds());
        List<RunResult.Step> steps = new ArrayList<>();
        for (StepMetrics s : m.steps()) steps.add(RunResult.Step.of(s));
        List<RunResult.Step> scenarios = new ArrayList<>();
        for (StepMetrics s : m.scenarios()) scenarios.add(RunResult.Step.of(s));
        RunResult.Generator gen = new RunResult.Generator(cpu, loopCpu, cpu > 0 ? overall.requests() / cpu : Double.NaN,
                maxShare, saturated, first.engine(), parts.size());
        String form = plan.workload() instanceof Workload.Requests ? "requests" : "scenarios";
        return new RunResult(plan.workload().name(), form, mi, startedAt, loadSeconds, elapsed, requests,
                requests - errors, errors, open ? m.intended() : -1, m.sent(), achieved, intendedRate, m.maxInFlight(),
                RunResult.Step.of(overall), steps, scenarios, lag, RunResult.Summary.of(m.loopLag()), gen,
                m.timeline().points(), invalid.isEmpty(), invalid, aborted);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
