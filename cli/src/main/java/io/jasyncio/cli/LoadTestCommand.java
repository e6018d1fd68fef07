package io.jasyncio.cli;

import io.jasyncio.Asyncio;
import io.jasyncio.loadtest.cli.LoadTestCli;
import io.jasyncio.loadtest.workflow.Faults;
import io.jasyncio.loadtest.workflow.WorkflowService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code loadtest}: the load tester (io.jasyncio.loadtest); with no target, seed 000's demo. */
@Command(name = "loadtest", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 3, exitCodeOnExecutionException = 3,
        description = {"Load-tests an HTTP/1.1, WebSocket or TCP target, as wrk/hey do (closed model: -c connections) or wrk2/k6 "
                + "do (open model: --rate R, latency from the intended send time), or runs scenarios written as "
                + "coroutines (--scenario CLASS). Exit code: 0 pass, 1 a threshold failed or every request failed, "
                + "2 the run is invalid (the generator could not keep up), 3 usage error.",
                "With no URL and no scenario: seed 000's demo (query -> run_single_task -> start_task against an "
                        + "in-process workflow service); 'loadtest serve' runs that service.",
                "Examples:  loadtest http://127.0.0.1:8080/ -c 50 -d 30s",
                "           loadtest http://127.0.0.1:8080/ --rate 2000 -c 100 -d 60s --threshold 'p99<250ms' --html r.html",
                "           loadtest tcp://127.0.0.1:7000 --frame line --body hello -c 10 -d 5s",
                "           loadtest ws://127.0.0.1:8080/ws --body hello -c 10 -d 5s",
                "           loadtest http://127.0.0.1:8080 --scenario io.jasyncio.loadtest.workflow.WorkflowScenario -c 20"},
        subcommands = {LoadTestCommand.Serve.class, LoadTestCommand.Merge.class, LoadTestCommand.Arrivals.class})
public final class LoadTestCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "URL", description = "http://host[:port]/path, ws://host[:port]/path or tcp://host:port; "
            + "with --scenario, the base URL of relative requests.")
    String url;

    @Option(names = {"-c", "--connections"}, paramLabel = "N", description = "Connections (closed model: each keeps a "
            + "request outstanding; open model: the most at once); with scenarios, virtual users. Default 50.")
    Integer connections;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME", description = "How long: 30s, 2m, 500ms. Default 10s "
            + "(the demo: 30s).")
    String duration;

    @Option(names = "--rate", paramLabel = "R", description = "Open model: R requests (or iterations) per second.")
    Double rate;

    @Option(names = "--poisson", description = "Open model: Poisson arrivals (exponential gaps) instead of even ones.")
    boolean poisson;

    @Option(names = "--stages", paramLabel = "T:N,...", description = "Ramps instead of --duration, e.g. "
            + "10s:100,30s:100,10s:0: to N over T (users or connections; with --rate, arrivals per second).")
    String stages;

    @Option(names = {"-m", "--method"}, description = "HTTP method. Default GET.")
    String method;

    @Option(names = {"-H", "--header"}, paramLabel = "'K: V'", description = "A request header (repeatable).")
    List<String> headers = new ArrayList<>();

    @Option(names = "--body", paramLabel = "TEXT|@FILE", description = "The request body (HTTP), payload (TCP) or message (WebSocket, default 'hello').")
    String body;

    @Option(names = "--pipeline", paramLabel = "N", defaultValue = "1", description = "Requests outstanding per "
            + "connection (HTTP pipelining). Default 1.")
    int pipeline;

    @Option(names = "--frame", paramLabel = "line|length|echo", description = "How TCP answers end: a newline (default), "
            + "a 4-byte length prefix, or as many bytes as were sent.")
    String frame;

    @Option(names = "--timeout", paramLabel = "TIME", description = "A request's (or step's) timeout. Default 10s.")
    String timeout;

    @Option(names = "--warmup", paramLabel = "TIME", description = "Run this long first, at the start rate or users, "
            + "and drop what it measured (JIT, connections); -d is the measured time after it.")
    String warmup;

    @Option(names = "--threshold", paramLabel = "EXPR", description = "Pass/fail condition (repeatable), e.g. p99<250ms, "
            + "errors.rate<1%%, errors{step=start_task,kind=timeout}.rate<0.001 (docs/LOADTEST.md has the grammar).")
    List<String> thresholds = new ArrayList<>();

    @Option(names = "--scenario", paramLabel = "CLASS[:WEIGHT]", description = "A Scenario class to run (repeatable: "
            + "a weighted mix).")
    List<String> scenarios = new ArrayList<>();

    @Option(names = "--iterations", paramLabel = "N", description = "Scenarios, closed model: each user stops after N "
            + "iterations (the demo: default 10).")
    Long iterations;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON report here.")
    Path json;

    @Option(names = "--html", paramLabel = "FILE", description = "Write the self-contained HTML report here.")
    Path html;

    @Option(names = "--hlog", paramLabel = "FILE", description = "Write an HdrHistogram interval log here.")
    Path hlog;

    @Option(names = "--arrival-log", paramLabel = "FILE", description = "Open model, one loop: write each measured "
            + "arrival's intended and actual send time here (nanoseconds, one 'intended sent' line each), for checks "
            + "such as 'loadtest arrivals' (a KS test of Poisson gaps).")
    Path arrivalLog;

    @Option(names = "--progress", negatable = true, description = "The live progress line (default: only on a terminal).")
    Boolean progress;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of Poisson arrivals and users' random numbers.")
    long seed;

    @Option(names = "--max-busy", paramLabel = "PCT", defaultValue = "90", description = "The generator's loop thread "
            + "busier than this for over 10 s makes the run invalid. Default ${DEFAULT-VALUE}.")
    double maxBusy;

    @Option(names = {"-k", "--insecure"}, description = "https: accept any certificate and host name (self-signed test "
            + "servers), as curl -k.")
    boolean insecure;

    @Option(names = "--source-addresses", paramLabel = "A,B,...", description = "Bind connection i (with scenarios, "
            + "user i's) to address i mod n: more than ~28,000 connections to one server need several "
            + "(127.0.0.1,127.0.0.2 on loopback).")
    String sourceAddresses;

    @Option(names = "--loops", paramLabel = "N", defaultValue = "1", description = "Event loops (threads) generating "
            + "the load, each with its share of -c and --rate; their histograms are merged. Default 1.")
    int loops;

    @Option(names = "--replay", paramLabel = "FILE.hlog", description = "Show the latencies of a saved --hlog file "
            + "(with --json, write them) instead of running anything.")
    Path replay;

    @Option(names = {"-q", "--quiet"}, description = "No final table (the exit code and the files still say it all).")
    boolean quiet;

    @Option(names = "--workers", description = "Demo service: worker slots. Default 10.")
    Integer workers;

    @Option(names = "--input-timeout", paramLabel = "SECONDS", description = "Demo service: how long a request waits "
            + "for a slot. Default 1.")
    Double inputTimeout;

    @Option(names = "--work", paramLabel = "SECONDS", description = "Demo service: seconds of work per task. Default 0.05.")
    Double work;

    @Option(names = "--faults", paramLabel = "P", description = "Demo service: inject each fault with probability P.")
    Double faults;

    @Override
    public Integer call() {
        LoadTestCli.Options o = new LoadTestCli.Options();
        o.url = url;
        o.connections = connections;
        o.duration = duration;
        o.rate = rate;
        o.poisson = poisson;
        o.stages = stages;
        o.method = method;
        o.headers = headers;
        o.body = body;
        o.pipeline = pipeline;
        o.frame = frame;
        o.timeout = timeout;
        o.warmup = warmup;
        o.thresholds = thresholds;
        o.scenarios = scenarios;
        o.iterations = iterations;
        o.json = json;
        o.html = html;
        o.hlog = hlog;
        o.arrivalLog = arrivalLog;
        o.progress = progress;
        o.seed = seed;
        o.maxBusy = maxBusy;
        o.quiet = quiet;
        o.insecure = insecure;
        o.sourceAddresses = sourceAddresses;
        o.loops = loops;
        o.replay = replay;
        o.workers = workers;
        o.inputTimeout = inputTimeout;
        o.work = work;
        o.faults = faults;
        return LoadTestCli.run(o, System.out, System.err);
    }

    /** {@code loadtest merge}: several runs' histogram logs added up. */
    @Command(name = "merge", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 3,
            description = {"Adds up the HdrHistogram logs of several runs (--hlog files) by step and shows the merged "
                    + "latencies, exact as if one run had measured every request. Failures are not in a log: each run's "
                    + "JSON report has them (JSON reports hold percentiles, which cannot be merged exactly)."})
    static final class Merge implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "FILE.hlog", description = "The logs to merge.")
        List<Path> files = new ArrayList<>();

        @Option(names = "--json", paramLabel = "FILE", description = "Write the merged latencies here as JSON.")
        Path json;

        @Option(names = {"-q", "--quiet"}, description = "No table.")
        boolean quiet;

        @Override
        public Integer call() {
            return LoadTestCli.merge(files, json, quiet, System.out, System.err);
        }
    }

    /** {@code loadtest arrivals}: the KS test of an --arrival-log's Poisson gaps. */
    @Command(name = "arrivals", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 3,
            description = {"Tests the gaps between the arrivals of a --poisson run's --arrival-log against the exponential "
                    + "distribution of the asked rate (one-sample Kolmogorov-Smirnov): the intended times decide "
                    + "(exit 0: not rejected at --alpha, 1: rejected, 3: usage), the actual send times are shown "
                    + "beside them. Constant rates only (a ramp's gaps are not identically distributed)."})
    static final class Arrivals implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "The arrival log (loadtest --arrival-log).")
        Path file;

        @Option(names = "--rate", required = true, paramLabel = "R", description = "The asked rate (arrivals per second).")
        double rate;

        @Option(names = "--alpha", defaultValue = "0.01", description = "The significance level. Default ${DEFAULT-VALUE}.")
        double alpha;

        @Override
        public Integer call() {
            return LoadTestCli.arrivals(file, rate, alpha, System.out, System.err);
        }
    }

    /** {@code loadtest serve}: the workflow service on 127.0.0.1 until Ctrl-C. */
    @Command(name = "serve", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 3,
            description = "Runs seed 000's workflow service (HTTP) on 127.0.0.1 until Ctrl-C.")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "0", description = "Port (0: any free one). Default ${DEFAULT-VALUE}.")
        int port;

        @Option(names = "--workers", defaultValue = "10", description = "Worker slots. Default ${DEFAULT-VALUE}.")
        int workers;

        @Option(names = "--input-timeout", defaultValue = "1", description = "Seconds a request waits for a slot. Default ${DEFAULT-VALUE}.")
        double inputTimeout;

        @Option(names = "--work", defaultValue = "0.05", description = "Seconds of work per task. Default ${DEFAULT-VALUE}.")
        double work;

        @Option(names = "--faults", defaultValue = "0", description = "Inject each fault with this probability. Default ${DEFAULT-VALUE}.")
        double faults;

        @Override
        public Integer call() {
            Faults f;
            try {
                f = Faults.each(faults, 30, 1);
            } catch (IllegalArgumentException e) {
                System.err.println("loadtest serve: " + e.getMessage());
                return 3;
            }
            Asyncio.run(() -> {
                if (f.any()) WorkflowService.quietInjectedFaults(Asyncio.getRunningLoop());
                try (WorkflowService s = WorkflowService.start(port, workers, inputTimeout, work, f)) {
                    System.out.println("workflow service on " + s.url() + "; Ctrl-C stops it");
                    Asyncio.await(Asyncio.getRunningLoop().createFuture());
                }
                return null;
            });
            return 0;
        }
    }
}
