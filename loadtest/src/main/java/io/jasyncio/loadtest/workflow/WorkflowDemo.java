package io.jasyncio.loadtest.workflow;

import java.io.IOException;
import io.jasyncio.Asyncio;
import io.jasyncio.loadtest.Plan;
import io.jasyncio.loadtest.Workload;
import io.jasyncio.loadtest.engine.LoadRun;
import io.jasyncio.loadtest.model.LoadModel;
import io.jasyncio.loadtest.report.RunResult;
import io.jasyncio.loadtest.report.TextReport;
import io.jasyncio.loadtest.scenario.WeightedScenario;
import io.jasyncio.loadtest.threshold.Verdict;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Seed 000's demo: {@code users} virtual users each run the {@link WorkflowScenario} {@code iterations} times
 * (or until {@code seconds} pass) against an in-process {@link WorkflowService} with {@code workers} slots,
 * an input timeout and a work time; with few workers the seed's "Timeout waiting for input for
 * _run_single_task" appears, counted under {@code run_single_task / input_timeout}. What {@code bin/jasyncio
 * loadtest} with no target and the tour run.
 *
 * <p>Threading: {@link #run} starts its own loop on the calling thread; {@link #runInLoop} is a coroutine.
 */
public final class WorkflowDemo {
    private WorkflowDemo() {}

    /**
     * The demo's settings.
     *
     * <p>Threading: immutable.
     *
     * @param users virtual users, 1 to 10,000 ({@code -c})
     * @param iterations each user's iterations; 0: no limit ({@code --iterations})
     * @param seconds the most the run lasts, in seconds ({@code -d})
     * @param workers the service's worker slots ({@code --workers})
     * @param inputTimeout seconds a {@code run_single_task} waits for a slot ({@code --input-timeout})
     * @param work seconds of work per task ({@code --work})
     * @param faults the faults the service injects ({@code --faults})
     */
    public record Options(int users, long iterations, double seconds, int workers, double inputTimeout, double work,
            Faults faults) {
        /**
         * Checks the values.
         *
         * @throws IllegalArgumentException users outside 1 to 10,000, negative iterations, a duration not above 0 or
         *     over a day, or no workers
         */
        public Options {
            if (users < 1 || users > 10_000) throw new IllegalArgumentException("users must be 1 to 10000, got " + users);
            if (iterations < 0) throw new IllegalArgumentException("iterations must be 0 (no limit) or more, got " + iterations);
            if (!(seconds > 0 && seconds <= LoadModel.MAX_SECONDS)) {
                throw new IllegalArgumentException("the duration must be above 0 s and at most a day, got " + seconds);
            }
            if (workers < 1) throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }

        /**
         * 50 users × 10 iterations, at most 30 s, 10 workers, 1 s input timeout, 0.05 s of work.
         *
         * @return the defaults
         */
        public static Options defaults() {
            return new Options(50, 10, 30, 10, 1, 0.05, Faults.NONE);
        }
    }

    /**
     * Runs the demo on a new loop, printing what it does and the report to {@code out}.
     *
     * @param o the settings
     * @param out where the progress and the report go
     * @return the run's verdict
     */
    public static Verdict run(Options o, PrintStream out) {
        io.jasyncio.loadtest.engine.GeneratorMonitor.warmUp();
        return Asyncio.run(() -> runInLoop(o, out));
    }

    /**
     * {@link #run} on the running loop.
     *
     * @param o the settings
     * @param out where the progress and the report go
     * @return the run's verdict
     * @throws IOException the service could not start
     */
    public static Verdict runInLoop(Options o, PrintStream out) throws IOException {
        if (o.faults().any()) WorkflowService.quietInjectedFaults(Asyncio.getRunningLoop());
        try (WorkflowService service = WorkflowService.start(0, o.workers(), o.inputTimeout(), o.work(), o.faults())) {
            out.println(String.format(Locale.ROOT, "load test: %d users x %s iterations of query -> run_single_task -> "
                    + "start_task%n  in-process workflow service %s: %d workers, input timeout %s s, work %s s",
                    o.users(), o.iterations() == 0 ? "unlimited" : String.valueOf(o.iterations()), service.url(),
                    o.workers(), o.inputTimeout(), o.work()));
            Workload.Scenarios w = Workload.Scenarios.of(List.of(new WeightedScenario(new WorkflowScenario(), 1)), service.url())
                    .withIterationsPerUser(o.iterations());
            RunResult r = LoadRun.runInLoop(Plan.of(w, LoadModel.Closed.constant(o.users(), o.seconds())));
            Verdict v = Verdict.of(r, List.of());
            out.print(TextReport.render(r, v));
            return v;
        }
    }
}
