package io.jasyncio.loadtest.cli;

import io.jasyncio.loadtest.Plan;
import io.jasyncio.loadtest.Workload;
import io.jasyncio.loadtest.engine.LoadRun;
import io.jasyncio.loadtest.metrics.ArrivalCheck;
import io.jasyncio.loadtest.model.Durations;
import io.jasyncio.loadtest.model.LoadModel;
import io.jasyncio.loadtest.model.Stage;
import io.jasyncio.loadtest.report.HlogMerge;
import io.jasyncio.loadtest.report.HtmlReport;
import io.jasyncio.loadtest.report.JsonReport;
import io.jasyncio.loadtest.report.RunResult;
import io.jasyncio.loadtest.report.TextReport;
import io.jasyncio.loadtest.scenario.WeightedScenario;
import io.jasyncio.loadtest.target.Connector;
import io.jasyncio.loadtest.target.HttpTarget;
import io.jasyncio.loadtest.target.TcpFraming;
import io.jasyncio.loadtest.target.TcpTarget;
import io.jasyncio.loadtest.target.WebSocketTarget;
import io.jasyncio.loadtest.threshold.Threshold;
import io.jasyncio.loadtest.threshold.Verdict;
import io.jasyncio.loadtest.workflow.Faults;
import io.jasyncio.loadtest.workflow.WorkflowDemo;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code loadtest} command's work, apart from parsing: turns the options into a {@link Plan}, runs it,
 * writes the reports and returns the exit code ({@link Verdict}: 0 pass, 1 a threshold failed or every
 * request failed, 2 the run is invalid, 3 a usage error — every option is checked before anything runs, and a
 * usage error is one line naming the option, never a stack trace).
 *
 * <p>Without a URL or scenario it runs seed 000's demo ({@link WorkflowDemo}) against an in-process workflow
 * service; {@code -c} is then its users and {@code --iterations} each user's iterations.
 *
 * <p>Threading: {@link #run} starts its own event loop on the calling thread.
 */
public final class LoadTestCli {
    private LoadTestCli() {}

    /**
     * The command line's options, as given (null: not given).
     *
     * <p>Threading: a plain mutable holder: fill it in on one thread and hand it to {@link LoadTestCli#run}.
     */
    public static final class Options {
        /**
         * The target: {@code http(s)://host[:port]/path}, {@code ws(s)://...} or {@code tcp://host:port}; with
         * scenarios, the base URL of relative requests (the positional argument).
         */
        public String url;
        /**
         * {@code -c}: connections (closed model: each keeps one request outstanding; open model: the most at once), or
         * virtual users with scenarios; default 50.
         */
        public Integer connections;
        /**
         * {@code -d}: how long the measured load runs, as {@code 30s}, {@code 2m}, {@code 500ms}; default 10 s (the
         * demo's: 30 s).
         */
        public String duration;
        /**
         * {@code --rate}: the open model's arrivals (requests or iterations) per second; null runs the closed model.
         */
        public Double rate;
        /**
         * {@code --poisson}: open model arrivals spaced as a Poisson process (exponential gaps, from {@link #seed})
         * instead of evenly.
         */
        public boolean poisson;
        /**
         * {@code --stages}: ramps instead of {@link #duration}, as {@code T:N,...} (to N users, connections or, with
         * {@link #rate}, arrivals per second over T).
         */
        public String stages;
        /** {@code -m}: the HTTP method; default GET. */
        public String method;
        /** {@code -H}: request headers, each {@code "Name: value"}. */
        public List<String> headers = new ArrayList<>();
        /** {@code --body}: the request body (HTTP), payload (TCP) or message (WebSocket), as text or {@code @FILE}. */
        public String body;
        /** {@code --pipeline}: HTTP requests outstanding per connection (1: no pipelining). */
        public int pipeline = 1;
        /** {@code --timeout}: how long one request (or scenario step) may take, as a duration; default 10 s. */
        public String timeout;
        /**
         * {@code --warmup}: a duration run first at the start rate or users, whose measurements are dropped; null:
         * none.
         */
        public String warmup;
        /** {@code --json}: where the JSON report goes; null: nowhere. */
        public Path json;
        /** {@code --html}: where the self-contained HTML report goes; null: nowhere. */
        public Path html;
        /**
         * {@code --hlog}: where the HdrHistogram interval log goes (one interval a second, per step); null: nowhere.
         */
        public Path hlog;
        /**
         * {@code --arrival-log}: where each measured arrival's intended and actual send time go, in nanoseconds (open
         * model, one loop); null: nowhere.
         */
        public Path arrivalLog;
        /**
         * {@code --threshold}: pass/fail conditions in {@link io.jasyncio.loadtest.threshold.Threshold#parse}'s
         * grammar.
         */
        public List<String> thresholds = new ArrayList<>();
        /** {@code --scenario}: scenario classes to run, each {@code CLASS[:WEIGHT]}; empty: the one-request form. */
        public List<String> scenarios = new ArrayList<>();
        /**
         * {@code --iterations}: with scenarios in the closed model, each user stops after this many iterations; null:
         * no limit (the demo's: 10).
         */
        public Long iterations;
        /**
         * {@code --frame}: how a TCP target's answers end: {@code line}, {@code length} (4-byte prefix) or {@code echo}
         * (as many bytes as sent); null: line.
         */
        public String frame;
        /** {@code --progress}/{@code --no-progress}: the live progress line; null: only on a terminal. */
        public Boolean progress;
        /** {@code --seed}: the seed of Poisson arrivals and of the users' random numbers. */
        public long seed = 1;
        /**
         * {@code --max-busy}: the loop thread's CPU share, in percent, above which for over 10 s the run is invalid.
         */
        public double maxBusy = Plan.DEFAULT_MAX_BUSY * 100;
        /** {@code -q}: no final table on {@code out}. */
        public boolean quiet;
        /** {@code -k}: https accepts any certificate and host name. */
        public boolean insecure;
        /**
         * {@code --source-addresses}: comma-separated local addresses; connection (or user) i binds to address i mod n.
         */
        public String sourceAddresses;
        /**
         * {@code --loops}: event loops (threads) generating the load, each with its share of {@link #connections} and
         * {@link #rate}.
         */
        public int loops = 1;
        /** {@code --replay}: an hlog file to report on instead of running anything. */
        public Path replay;
        // the demo's in-process service
        /** Demo service: worker slots; null: 10. */
        public Integer workers;
        /** Demo service: seconds a request waits for a worker slot; null: 1. */
        public Double inputTimeout;
        /** Demo service: seconds of work per task; null: 0.05. */
        public Double work;
        /** Demo service: the probability of each fault; null: none. */
        public Double faults;

        /** Options with nothing given: every field at its default. */
        public Options() {}
    }

    /**
     * Runs the command; returns its exit code.
     *
     * @param o the options
     * @param out where the text report goes
     * @param err where usage errors go (one line each) and the progress line
     * @return the exit code: {@link Verdict#PASS}, {@link Verdict#FAILED}, {@link Verdict#INVALID} or {@link
     *     Verdict#USAGE}
     */
    public static int run(Options o, PrintStream out, PrintStream err) {
        if (o.replay != null) {
            if (o.url != null || !o.scenarios.isEmpty() || o.html != null || o.hlog != null || !o.thresholds.isEmpty()) {
                err.println("loadtest: --replay FILE.hlog renders a report of a saved log; it takes --json and -q only");
                return Verdict.USAGE;
            }
            return merge(List.of(o.replay), o.json, o.quiet, out, err);
        }
        Prepared p;
        try {
            p = prepare(o, err);
        } catch (IllegalArgumentException e) {
            err.println("loadtest: " + e.getMessage());
            return Verdict.USAGE;
        }
        if (p.demo != null) {
            Verdict v = WorkflowDemo.run(p.demo, out);
            return v.exitCode();
        }
        RunResult r = LoadRun.run(p.plan, p.thresholds);
        Verdict v = Verdict.of(r, p.thresholds);
        if (!o.quiet) out.print(TextReport.render(r, v));
        try {
            if (o.json != null) Files.writeString(o.json, JsonReport.render(r, v) + "\n", StandardCharsets.UTF_8);
            if (o.html != null) Files.writeString(o.html, HtmlReport.render(r, v), StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("loadtest: writing a report failed: " + e.getMessage());
            return Verdict.USAGE;
        }
        return v.exitCode();
    }

    /**
     * {@code loadtest merge}: the histogram logs {@code files} added up by tag, shown (unless {@code quiet}) and
     * written as JSON to {@code json} (null: not); 0, or 3 for a file that is missing or not an hlog.
     *
     * @param files the logs, each written by {@code --hlog}
     * @param json where the merged latencies go as JSON, or null
     * @param quiet true to print nothing on {@code out}
     * @param out where the table goes
     * @param err where errors go
     * @return {@link Verdict#PASS}, or {@link Verdict#USAGE}
     */
    public static int merge(List<Path> files, Path json, boolean quiet, PrintStream out, PrintStream err) {
        try {
            if (json != null) requireWritable(json);
            HlogMerge m = HlogMerge.of(files);
            if (!quiet) out.print(m.text());
            if (json != null) m.writeJson(json);
            return Verdict.PASS;
        } catch (IllegalArgumentException e) {
            err.println("loadtest: " + e.getMessage());
            return Verdict.USAGE;
        } catch (IOException e) {
            err.println("loadtest: writing " + json + " failed: " + e.getMessage());
            return Verdict.USAGE;
        }
    }

    /**
     * {@code loadtest arrivals}: the KS test of an arrival log's gaps against the exponential of {@code rate}
     * ({@link ArrivalCheck}); prints one line; 0 when the intended gaps pass at {@code alpha}, 1 when not, 3 for
     * bad input.
     *
     * @param file a log written by {@code --arrival-log}
     * @param rate the rate that was asked, arrivals per second
     * @param alpha the test's significance level, between 0 and 1
     * @param out where the result line goes
     * @param err where errors go
     * @return {@link Verdict#PASS}, {@link Verdict#FAILED} or {@link Verdict#USAGE}
     */
    public static int arrivals(Path file, double rate, double alpha, PrintStream out, PrintStream err) {
        if (!(rate > 0)) {
            err.println("loadtest arrivals: --rate must be above 0, got " + rate);
            return Verdict.USAGE;
        }
        if (!(alpha > 0 && alpha < 1)) {
            err.println("loadtest arrivals: --alpha is above 0 and below 1, got " + alpha);
            return Verdict.USAGE;
        }
        double[][] gaps;
        try {
            gaps = ArrivalCheck.gaps(file);
        } catch (IOException e) {
            err.println("loadtest arrivals: cannot read " + file + " (" + e.getMessage() + ")");
            return Verdict.USAGE;
        } catch (IllegalArgumentException e) {
            err.println("loadtest arrivals: " + e.getMessage());
            return Verdict.USAGE;
        }
        if (gaps[0].length < 2) {
            err.println("loadtest arrivals: " + file + " has " + (gaps[0].length + 1) + " arrivals; the test needs at least 3");
            return Verdict.USAGE;
        }
        double meanIntended = java.util.Arrays.stream(gaps[0]).average().orElse(0);
        ArrivalCheck intended = ArrivalCheck.of(gaps[0], rate);
        ArrivalCheck sent = ArrivalCheck.of(gaps[1], rate);
        out.printf(java.util.Locale.ROOT, "arrivals %d rate=%.1f/s (asked %.1f/s) KS vs exponential: intended D=%.5f p=%.4f %s;"
                        + " sent D=%.5f p=%.4f (information)%n",
                intended.n() + 1, 1 / meanIntended, rate, intended.statistic(), intended.pValue(),
                intended.passes(alpha) ? "PASS(p>=" + alpha + ")" : "REJECTED(p<" + alpha + ")", sent.statistic(), sent.pValue());
        return intended.passes(alpha) ? Verdict.PASS : Verdict.FAILED;
    }

    /** A checked plan (or the demo's options) and thresholds. */
    record Prepared(Plan plan, List<Threshold> thresholds, WorkflowDemo.Options demo) {}

    /** Checks every option and builds the plan; an {@link IllegalArgumentException} names what is wrong. */
    static Prepared prepare(Options o, PrintStream progressOut) { // the progress line goes with the errors, off stdout
        List<Threshold> thresholds = new ArrayList<>();
        for (String t : o.thresholds) thresholds.add(Threshold.parse(t));
        for (Path p : new Path[] {o.json, o.html, o.hlog, o.arrivalLog}) if (p != null) requireWritable(p);
        double seconds = o.duration == null ? (o.stages == null ? 10 : 0) : positive(Durations.parseSeconds(o.duration), "--duration");
        double timeout = o.timeout == null ? Plan.DEFAULT_TIMEOUT : positive(Durations.parseSeconds(o.timeout), "--timeout");
        if (o.maxBusy <= 0 || o.maxBusy > 100) throw new IllegalArgumentException("--max-busy is a percentage above 0 and at most 100, got " + o.maxBusy);
        if (o.url == null && o.scenarios.isEmpty()) {
            if (o.rate != null || o.stages != null || o.json != null || o.html != null || o.hlog != null || o.arrivalLog != null || !thresholds.isEmpty()) {
                throw new IllegalArgumentException("give a URL (or --scenario) to use --rate, --stages, --json, --html, --hlog "
                        + "or --threshold; without one, loadtest runs seed 000's demo");
            }
            Faults f = o.faults == null ? Faults.NONE : Faults.each(o.faults, 3 * timeout, o.seed);
            WorkflowDemo.Options d = WorkflowDemo.Options.defaults();
            return new Prepared(null, thresholds, new WorkflowDemo.Options(
                    o.connections == null ? d.users() : o.connections, o.iterations == null ? d.iterations() : o.iterations,
                    o.duration == null ? d.seconds() : seconds, o.workers == null ? d.workers() : o.workers,
                    o.inputTimeout == null ? d.inputTimeout() : o.inputTimeout, o.work == null ? d.work() : o.work, f));
        }
        if (o.workers != null || o.inputTimeout != null || o.work != null || o.faults != null) {
            throw new IllegalArgumentException("--workers, --input-timeout, --work and --faults set up seed 000's demo "
                    + "service; they do not apply to a URL or a scenario (run 'loadtest serve' for a service with faults)");
        }
        Workload workload;
        if (!o.scenarios.isEmpty()) {
            if (o.body != null || o.method != null || o.frame != null || o.pipeline != 1) {
                throw new IllegalArgumentException("-m, --body, --frame and --pipeline describe the one-request form; "
                        + "a scenario sends its own requests");
            }
            List<WeightedScenario> mix = new ArrayList<>();
            for (String s : o.scenarios) mix.add(WeightedScenario.load(s, Thread.currentThread().getContextClassLoader()));
            if (o.url != null) HttpTarget.Url.parse(o.url);
            workload = new Workload.Scenarios(mix, o.url, o.headers, Workload.Scenarios.DEFAULT_MAX_BODY,
                    o.iterations == null ? 0 : o.iterations);
        } else {
            if (o.iterations != null) throw new IllegalArgumentException("--iterations is for scenarios (--scenario)");
            byte[] body = body(o.body);
            if (WebSocketTarget.isWebSocket(o.url)) {
                if (o.method != null || o.frame != null || o.pipeline != 1) {
                    throw new IllegalArgumentException("-m, --frame and --pipeline are not for WebSocket targets: each user "
                            + "sends --body as a message and awaits the answer");
                }
                if (o.insecure) throw new IllegalArgumentException("--insecure is not yet for wss:// targets (the JDK's TLS checks apply)");
                if (o.sourceAddresses != null) throw new IllegalArgumentException("--source-addresses is not yet for WebSocket targets");
                HttpTarget.requestBytes(HttpTarget.Url.parse("http://localhost/"), "GET", o.headers, null); // checks -H
                String message = body == null ? WebSocketTarget.DEFAULT_MESSAGE : new String(body, StandardCharsets.UTF_8);
                workload = new Workload.Scenarios(List.of(new WeightedScenario(new WebSocketTarget(o.url, message), 1)), null,
                        o.headers, Workload.Scenarios.DEFAULT_MAX_BODY, 0);
            } else if (o.url.regionMatches(true, 0, "tcp:", 0, 4)) {
                if (o.method != null || !o.headers.isEmpty()) throw new IllegalArgumentException("-m and -H are for HTTP targets");
                workload = new Workload.Requests(TcpTarget.parse(o.url, o.frame == null ? TcpFraming.LINE : TcpFraming.parse(o.frame),
                        body == null ? new byte[0] : body), o.pipeline);
            } else {
                if (o.frame != null) throw new IllegalArgumentException("--frame is for tcp:// targets");
                workload = new Workload.Requests(new HttpTarget(o.url, o.method == null ? "GET" : o.method, o.headers, body),
                        o.pipeline);
            }
        }
        int c = o.connections == null ? 50 : o.connections;
        if (c < 1 || c > LoadModel.MAX_USERS) throw new IllegalArgumentException("-c must be 1 to " + LoadModel.MAX_USERS + ", got " + c);
        if (o.loops < 1 || o.loops > Plan.MAX_LOOPS) throw new IllegalArgumentException("--loops must be 1 to " + Plan.MAX_LOOPS + ", got " + o.loops);
        if (o.loops > c) throw new IllegalArgumentException("--loops " + o.loops + " is more than -c " + c + ": each loop needs a connection (or user) of its own");
        List<Stage> stages = o.stages == null ? null : Stage.parseList(o.stages);
        if (stages != null && o.duration != null) throw new IllegalArgumentException("give --duration or --stages, not both");
        LoadModel model;
        if (o.rate != null || (stages != null && o.poisson)) {
            double rate = o.rate == null ? 0 : o.rate;
            if (stages == null && !(rate > 0)) throw new IllegalArgumentException("--rate must be above 0, got " + rate);
            model = new LoadModel.Open(rate, stages == null ? List.of(new Stage(seconds, rate)) : stages, o.poisson, o.seed, c);
        } else {
            if (o.poisson) throw new IllegalArgumentException("--poisson needs --rate (the open model)");
            model = new LoadModel.Closed(stages == null ? c : 0, stages == null ? List.of(new Stage(seconds, c)) : stages);
        }
        boolean showProgress = o.progress != null ? o.progress : System.console() != null && System.console().isTerminal();
        Connector connector = new Connector(o.insecure,
                o.sourceAddresses == null ? List.of() : Connector.parseSources(o.sourceAddresses));
        if (o.insecure && !usesTls(o)) throw new IllegalArgumentException("--insecure is for https:// targets");
        Plan plan = new Plan(workload, model, timeout, o.seed, o.hlog, showProgress ? progressOut : null, 2, o.maxBusy / 100,
                0, connector, o.loops, o.arrivalLog);
        if (o.warmup != null) plan = plan.withWarmup(positive(Durations.parseSeconds(o.warmup), "--warmup"));
        LoadRun.checkLoops(plan);
        return new Prepared(plan, thresholds, null);
    }

    /** Whether the target (or the scenarios' base URL) is https; a scenario may still call https URLs of its own. */
    private static boolean usesTls(Options o) {
        return !o.scenarios.isEmpty() || (o.url != null && (o.url.regionMatches(true, 0, "https:", 0, 6)
                || o.url.regionMatches(true, 0, "wss:", 0, 4)));
    }

    private static double positive(double v, String what) {
        if (!(v > 0)) throw new IllegalArgumentException(what + " must be above 0");
        return v;
    }

    private static byte[] body(String body) {
        if (body == null) return null;
        if (body.startsWith("@")) {
            Path p = Path.of(body.substring(1));
            try {
                if (Files.size(p) > HttpTarget.MAX_BODY) throw new IllegalArgumentException("--body file " + p + " is over " + HttpTarget.MAX_BODY + " bytes");
                return Files.readAllBytes(p);
            } catch (IOException e) {
                throw new IllegalArgumentException("--body " + body + ": cannot read " + p + " (" + e.getMessage() + ")");
            }
        }
        return body.getBytes(StandardCharsets.UTF_8);
    }

    private static void requireWritable(Path p) {
        Path dir = p.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new IllegalArgumentException("cannot write " + p + ": no directory " + dir);
        if (Files.isDirectory(p)) throw new IllegalArgumentException("cannot write " + p + ": it is a directory");
        if (Files.exists(p) ? !Files.isWritable(p) : !Files.isWritable(dir)) throw new IllegalArgumentException("cannot write " + p);
    }
}
