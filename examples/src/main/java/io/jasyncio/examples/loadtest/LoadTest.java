package io.jasyncio.examples.loadtest;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.TaskGroup;
import io.jasyncio.TimeoutError;
import io.jasyncio.net.IncompleteReadError;
import io.jasyncio.net.StreamPair;
import io.jasyncio.net.Streams;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Seed 000's load-test script (压测脚本), made real: {@code users} virtual users, each a task, each with its
 * own connection, each doing {@code query} then {@code run_single_task} for {@code rounds} rounds or until
 * {@code durationSeconds} have passed, every step bounded by {@code stepTimeoutSeconds}
 * ({@link Asyncio#waitFor}). Every request ends in one {@link Outcome}, counted per {@link Step} in the
 * {@link Report}. After a failure that leaves the connection in doubt (a client-side timeout, a lost
 * connection, a malformed reply) the user closes it and connects again in its next round.
 *
 * <p>The run is bounded: at most {@code users × rounds × 3} requests, and no new round starts after the
 * duration, so it ends within the duration plus three step timeouts. Only loopback targets are accepted.
 *
 * <p>Threading: {@link #run} starts its own event loop on the calling thread (not from inside a loop);
 * {@link #runInLoop} is a coroutine (call it from a task's code).
 */
public final class LoadTest {
    private LoadTest() {}

    /**
     * What to run. With {@code port} 0 the load test starts its own {@link WorkflowService} on the same loop,
     * with {@code workers} slots, {@code inputTimeoutSeconds} and {@code workSeconds}; otherwise it drives the
     * service at {@code host:port} (loopback only) and the service options are unused.
     */
    public record Options(String host, int port, int users, int rounds, double durationSeconds,
            double stepTimeoutSeconds, int workers, double inputTimeoutSeconds, double workSeconds) {
        public static final int MAX_USERS = 10_000;
        public static final double MAX_SECONDS = 3600;

        public Options {
            if (host == null || host.isBlank()) throw new IllegalArgumentException("the host is missing");
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
            if (users < 1 || users > MAX_USERS) {
                throw new IllegalArgumentException("users must be 1 to " + MAX_USERS + ", got " + users);
            }
            if (rounds < 1) throw new IllegalArgumentException("rounds must be at least 1, got " + rounds);
            if (!(durationSeconds > 0 && durationSeconds <= MAX_SECONDS)) {
                throw new IllegalArgumentException("the duration must be more than 0 s and at most " + MAX_SECONDS
                        + " s, got " + durationSeconds);
            }
            if (!(stepTimeoutSeconds > 0 && stepTimeoutSeconds <= MAX_SECONDS)) {
                throw new IllegalArgumentException("the step timeout must be more than 0 s and at most " + MAX_SECONDS
                        + " s, got " + stepTimeoutSeconds);
            }
            if (workers < 0) throw new IllegalArgumentException("workers must be 0 or more, got " + workers);
            if (!(inputTimeoutSeconds >= 0)) {
                throw new IllegalArgumentException("the input timeout must be 0 s or more, got " + inputTimeoutSeconds);
            }
            if (!(workSeconds >= 0)) throw new IllegalArgumentException("the work time must be 0 s or more, got " + workSeconds);
        }

        /**
         * 50 users × 10 rounds, at most 30 s, 5 s per step, against an in-process service with 10 workers, a
         * 1 s input timeout and 0.05 s of work per task.
         */
        public static Options defaults() {
            return new Options("127.0.0.1", 0, 50, 10, 30, 5, 10, 1, WorkflowService.DEFAULT_WORK_SECONDS);
        }

        public Options withUsers(int users) {
            return new Options(host, port, users, rounds, durationSeconds, stepTimeoutSeconds, workers,
                    inputTimeoutSeconds, workSeconds);
        }

        public Options withRounds(int rounds) {
            return new Options(host, port, users, rounds, durationSeconds, stepTimeoutSeconds, workers,
                    inputTimeoutSeconds, workSeconds);
        }

        public Options withDuration(double seconds) {
            return new Options(host, port, users, rounds, seconds, stepTimeoutSeconds, workers, inputTimeoutSeconds,
                    workSeconds);
        }

        public Options withStepTimeout(double seconds) {
            return new Options(host, port, users, rounds, durationSeconds, seconds, workers, inputTimeoutSeconds,
                    workSeconds);
        }

        /** Drive the service at {@code host:port} instead of an in-process one. */
        public Options withTarget(String host, int port) {
            return new Options(host, port, users, rounds, durationSeconds, stepTimeoutSeconds, workers,
                    inputTimeoutSeconds, workSeconds);
        }

        /** The in-process service's settings (used when {@code port} is 0). */
        public Options withService(int workers, double inputTimeoutSeconds, double workSeconds) {
            return new Options(host, port, users, rounds, durationSeconds, stepTimeoutSeconds, workers,
                    inputTimeoutSeconds, workSeconds);
        }
    }

    /** Runs the load test on a new event loop (real time), printing what it does and the report to {@code out}. */
    public static Report run(Options options, PrintStream out) {
        return Asyncio.run(() -> runInLoop(options, out));
    }

    /**
     * {@link #run} on the running loop. An in-process service is closed (and its connections waited for)
     * before this returns.
     */
    public static Report runInLoop(Options options, PrintStream out) {
        requireLoopback(options.host());
        if (options.port() != 0) {
            out.println("load test: " + options.users() + " users x " + options.rounds() + " rounds against "
                    + options.host() + ":" + options.port());
            return report(drive(options), out);
        }
        WorkflowService service = WorkflowService.start(0, options.workers(), options.inputTimeoutSeconds(),
                options.workSeconds());
        try {
            out.println("load test: " + options.users() + " users x " + options.rounds() + " rounds against an "
                    + "in-process workflow service on 127.0.0.1:" + service.port() + " (" + options.workers()
                    + " workers, input timeout " + options.inputTimeoutSeconds() + " s, work " + options.workSeconds()
                    + " s)");
            return report(drive(options.withTarget("127.0.0.1", service.port())), out);
        } finally {
            service.close();
            service.waitClosed();
        }
    }

    private static Report report(Report r, PrintStream out) {
        out.print(r.render());
        return r;
    }

    private static void requireLoopback(String host) {
        boolean loopback;
        try {
            loopback = InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host '" + host + "'; the load test drives loopback only", e);
        }
        if (!loopback) {
            throw new IllegalArgumentException("the load test drives loopback services only (127.0.0.1, ::1, "
                    + "localhost), not '" + host + "'");
        }
    }

    /** Drives the service at {@code options.host():options.port()} with the users and returns what happened. */
    static Report drive(Options options) {
        EventLoop loop = Asyncio.getRunningLoop();
        Recorder rec = new Recorder();
        double t0 = loop.time();
        double deadline = t0 + options.durationSeconds();
        TaskGroup.run(tg -> {
            for (int i = 0; i < options.users(); i++) {
                tg.createTask(() -> new User(options, rec, loop).run(deadline), "loadtest-user-" + i);
            }
            return null;
        });
        return rec.report(options.host() + ":" + options.port(), options.users(), loop.time() - t0);
    }

    /** One virtual user: its rounds, on its own connection. */
    private static final class User {
        private final Options options;
        private final Recorder rec;
        private final EventLoop loop;
        private StreamPair conn;

        User(Options options, Recorder rec, EventLoop loop) {
            this.options = options;
            this.rec = rec;
            this.loop = loop;
        }

        Void run(double deadline) {
            try {
                for (int round = 0; round < options.rounds() && loop.time() < deadline; round++) {
                    if (conn == null) {
                        conn = attempt(Step.CONNECT, () -> Streams.openConnection(options.host(), options.port()));
                        if (conn == null) continue;
                    }
                    List<String> workflows = attempt(Step.QUERY, () -> {
                        List<String> fields = request(WorkflowProtocol.QUERY);
                        if (fields.isEmpty()) throw new ReplyFailure(Outcome.MALFORMED_REPLY, "a query reply with no workflow");
                        return fields;
                    });
                    if (workflows == null) continue;
                    String workflow = workflows.get(round % workflows.size());
                    attempt(Step.RUN_SINGLE_TASK, () -> {
                        List<String> fields = request(WorkflowProtocol.RUN_SINGLE_TASK + " " + workflow);
                        if (fields.size() != 2 || !fields.get(0).equals(workflow)) {
                            throw new ReplyFailure(Outcome.MALFORMED_REPLY, "run_single_task " + workflow
                                    + " answered 'OK " + String.join(" ", fields) + "'; expected 'OK " + workflow + " <task-id>'");
                        }
                        return fields.get(1);
                    });
                }
            } finally {
                disconnect();
            }
            return null;
        }

        /** Runs one step within the step timeout; returns its value, or null after counting its failure. */
        private <T> T attempt(Step step, Coroutine<T> body) {
            double start = loop.time();
            Outcome outcome;
            String message;
            try {
                T value = Asyncio.waitFor(body, options.stepTimeoutSeconds());
                rec.ok(step, loop.time() - start);
                return value;
            } catch (CancelledError e) {
                throw e;
            } catch (TimeoutError e) {
                outcome = Outcome.CLIENT_TIMEOUT;
                message = step.name().toLowerCase(java.util.Locale.ROOT) + " took more than " + options.stepTimeoutSeconds() + " s";
            } catch (ReplyFailure e) {
                outcome = e.outcome;
                message = e.getMessage();
            } catch (Exception e) {
                outcome = classify(e);
                message = e.toString();
            }
            rec.failed(step, outcome, message);
            if (outcome == Outcome.CLIENT_TIMEOUT || outcome == Outcome.CONNECTION_LOST
                    || outcome == Outcome.MALFORMED_REPLY) {
                disconnect(); // a late or garbled reply would be taken for the next one's
            }
            return null;
        }

        /** Sends one request line and returns the fields of its OK reply; an ERR reply is a {@link ReplyFailure}. */
        private List<String> request(String line) throws IOException {
            conn.writer().write(WorkflowProtocol.line(line));
            conn.writer().drain();
            byte[] raw = conn.reader().readline();
            if (raw.length == 0 || raw[raw.length - 1] != '\n') {
                throw new EOFException("the service closed the connection before replying to '" + line + "'");
            }
            String reply = new String(raw, 0, raw.length - 1, StandardCharsets.UTF_8);
            if (reply.startsWith(WorkflowProtocol.ERR + " ")) {
                String error = reply.substring(WorkflowProtocol.ERR.length() + 1);
                throw new ReplyFailure(error.equals(WorkflowService.INPUT_TIMEOUT_ERROR) ? Outcome.INPUT_TIMEOUT
                        : Outcome.SERVICE_ERROR, error);
            }
            if (reply.equals(WorkflowProtocol.OK)) return List.of();
            if (!reply.startsWith(WorkflowProtocol.OK + " ")) {
                String shown = reply.length() > 60 ? reply.substring(0, 60) + "..." : reply;
                throw new ReplyFailure(Outcome.MALFORMED_REPLY, "'" + line + "' got the reply '" + shown
                        + "', neither 'OK ...' nor 'ERR ...'");
            }
            return Arrays.asList(reply.substring(WorkflowProtocol.OK.length() + 1).split(" "));
        }

        private void disconnect() {
            if (conn != null) conn.writer().close();
            conn = null;
        }
    }

    /** The kind of a failure thrown by the network. */
    private static Outcome classify(Exception e) {
        if (e instanceof ConnectException) return Outcome.CONNECTION_REFUSED;
        if (e instanceof IOException || e instanceof IncompleteReadError) return Outcome.CONNECTION_LOST;
        if (e instanceof IllegalArgumentException) return Outcome.MALFORMED_REPLY; // readline: a reply over the limit
        throw new IllegalStateException("the load test met an unexpected error (a bug): " + e, e);
    }

    /** A reply that is a failure of a known kind. */
    private static final class ReplyFailure extends RuntimeException {
        final Outcome outcome;

        ReplyFailure(Outcome outcome, String message) {
            super(message);
            this.outcome = outcome;
        }
    }

    /** Counts and latencies, per step; loop thread only. */
    private static final class Recorder {
        private final Map<Step, EnumMap<Outcome, Long>> counts = new EnumMap<>(Step.class);
        private final Map<Step, List<Double>> latencies = new EnumMap<>(Step.class);
        private final Map<Outcome, String> firstErrors = new EnumMap<>(Outcome.class);

        Recorder() {
            for (Step s : Step.values()) {
                counts.put(s, new EnumMap<>(Outcome.class));
                latencies.put(s, new ArrayList<>());
            }
        }

        void ok(Step step, double seconds) {
            counts.get(step).merge(Outcome.OK, 1L, Long::sum);
            latencies.get(step).add(seconds);
        }

        void failed(Step step, Outcome outcome, String message) {
            counts.get(step).merge(outcome, 1L, Long::sum);
            firstErrors.putIfAbsent(outcome, message);
        }

        Report report(String target, int users, double elapsed) {
            List<Report.StepReport> steps = new ArrayList<>();
            for (Step s : Step.values()) {
                double[] l = latencies.get(s).stream().mapToDouble(Double::doubleValue).sorted().toArray();
                steps.add(new Report.StepReport(s, counts.get(s), percentile(l, 50), percentile(l, 90),
                        percentile(l, 99), l.length == 0 ? Double.NaN : l[l.length - 1]));
            }
            return new Report(target, users, elapsed, steps, firstErrors);
        }

        /** Nearest-rank percentile of sorted values; NaN if there are none. */
        private static double percentile(double[] sorted, int p) {
            if (sorted.length == 0) return Double.NaN;
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, rank - 1)];
        }
    }
}
