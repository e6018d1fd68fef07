package io.jasyncio.loadtest.engine;

import io.jasyncio.Asyncio;
import io.jasyncio.loadtest.Plan;
import io.jasyncio.loadtest.model.LoadModel;
import io.jasyncio.loadtest.model.Stage;
import io.jasyncio.loadtest.report.HlogExport;
import io.jasyncio.loadtest.report.RunResult;
import io.jasyncio.loadtest.threshold.Threshold;
import java.util.ArrayList;
import java.util.List;

/**
 * A run on several event loops ({@code --loops N}): each loop on a thread of its own, with its share of the
 * connections (or users) and of the rate — its own connections, histograms and timeline — and, at the end, what
 * they measured merged into one result (histograms added, so percentiles are those of every request). Loop
 * {@code i} of {@code n} gets {@code c/n} connections (the first {@code c mod n} one more) and {@code 1/n} of the
 * rate and of every stage; its Poisson arrivals are seeded with {@code seed + i}; its users are numbered after
 * the earlier loops'; every loop writes its interval histograms to the one {@code --hlog}. Only the first loop shows the progress line (it says so). An aborting threshold that
 * fails on one loop's share ends every loop.
 *
 * <p>The loops are threads of this class's own; when the library has a group of loops, this is where it plugs in.
 *
 * <p>Threading: {@link #run} blocks the calling thread until every loop is done.
 */
final class Loops {
    private Loops() {}

    static RunResult run(Plan plan, List<Threshold> aborts) {
        int n = plan.loops();
        LoadRun.Stop stop = new LoadRun.Stop();
        LoadRun.Measured[] measured = new LoadRun.Measured[n];
        Throwable[] failed = new Throwable[n];
        List<Thread> threads = new ArrayList<>();
        HlogExport hlog = LoadRun.hlog(plan);   // one log for every loop: closed once they are all done
        int firstUser = 0;
        for (int i = 0; i < n; i++) {
            Plan share = share(plan, i, n);
            int index = i;
            int first = firstUser;
            firstUser += PacedDriver.places(share.model());
            threads.add(Thread.ofPlatform().name("loadtest-loop-" + (i + 1)).start(() -> {
                try {
                    measured[index] = Asyncio.run(() -> LoadRun.measure(share, first, n, aborts, stop, hlog));
                } catch (Throwable t) {
                    failed[index] = t;
                    stop.stop("loop " + (index + 1) + " failed: " + t);
                }
            }));
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;   // the loops are told to stop, and waited for: none is left running
                    stop.stop("interrupted");
                }
            }
        }
        if (hlog != null) hlog.close();
        if (interrupted) Thread.currentThread().interrupt();
        for (Throwable t : failed) {
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
            if (t != null) throw new IllegalStateException(t);
        }
        return LoadRun.result(plan, List.of(measured));
    }

    /** Loop {@code i}'s share of {@code plan}, of {@code n}. */
    static Plan share(Plan plan, int i, int n) {
        LoadModel share = switch (plan.model()) {
            case LoadModel.Closed c -> new LoadModel.Closed(count(c.users(), i, n), stages(c.stages(), i, n));
            case LoadModel.Open o -> new LoadModel.Open(count(o.rate(), i, n), stages(o.stages(), i, n), o.poisson(), o.seed() + i,
                    (int) count(o.maxConcurrency(), i, n));
        };
        return new Plan(plan.workload(), share, plan.timeoutSeconds(), plan.seed(), plan.hlog(),
                i == 0 ? plan.progress() : null, plan.progressHz(), plan.maxBusy(), plan.warmupSeconds(), plan.connector(), 1, null);
    }

    private static List<Stage> stages(List<Stage> stages, int i, int n) {
        List<Stage> out = new ArrayList<>();
        for (Stage s : stages) out.add(new Stage(s.seconds(), count(s.target(), i, n)));
        return out;
    }

    /** Loop {@code i}'s share of {@code total}: whole numbers split as evenly as they go (the first ones one more), others divided. */
    private static int count(int total, int i, int n) {
        return total / n + (i < total % n ? 1 : 0);
    }

    private static double count(double total, int i, int n) {
        if (total == Math.rint(total) && total < Integer.MAX_VALUE) return count((int) total, i, n);
        return total / n;
    }
}
