package io.jasyncio.examples;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Runner;
import io.jasyncio.Task;
import io.jasyncio.TimeoutError;
import io.jasyncio.examples.vectordb.Hit;
import io.jasyncio.examples.vectordb.Metric;
import io.jasyncio.examples.vectordb.VectorClient;
import io.jasyncio.examples.vectordb.VectorDbDemo;
import io.jasyncio.examples.vectordb.VectorStore;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Seed 004's ten-part practice program for {@code asyncio.run}, plus the error of a nested run. Each part is one
 * {@code asyncio.run} (here: a {@link Runner} from the given loop factory, so tests can use a virtual clock) and
 * returns what it observed, for a test to check.
 *
 * <p>Threading: call from an ordinary thread (each part runs its own loop on it), never from inside a loop.
 */
public final class RunDemo {
    private final PrintStream out;
    private final double scale;
    private final Supplier<EventLoop> loops;

    /** @param loops where each part's loop comes from ({@code EventLoop::new}, or a virtual clock in tests) */
    public RunDemo(PrintStream out, double scale, Supplier<EventLoop> loops) {
        if (!(scale > 0)) throw new IllegalArgumentException("scale must be a positive number, got " + scale);
        this.out = out;
        this.scale = scale;
        this.loops = loops;
    }

    private <T> T run(io.jasyncio.Coroutine<T> main) {
        try (Runner runner = Runner.builder().loopFactory(loops).build()) {
            return runner.run(main);
        }
    }

    private void sleep(double seconds) {
        Asyncio.sleep(seconds * scale);
    }

    private double now() {
        return Asyncio.getRunningLoop().time();
    }

    /** Runs the ten parts and the nested-run error, with headings; returns each part's result. */
    public List<Object> runAll() {
        List<Object> results = new ArrayList<>();
        String[] titles = {"1. basics", "2. a structured program", "3. concurrent tasks", "4. exceptions",
                "5. a timeout", "6. cancelling a task", "7. debug mode", "8. the vector-database CLI",
                "9. a web server answering 5 concurrent requests (simulated)", "10. a complete application",
                "11. asyncio.run inside a running loop"};
        List<Supplier<Object>> parts = List.of(this::basics, this::structured, this::concurrent, this::exceptions,
                this::timeout, this::cancellation, this::debugMode, this::vectorDbCli, this::webServer,
                this::application, this::nestedRun);
        for (int i = 0; i < parts.size(); i++) {
            out.println();
            out.println("=== " + titles[i] + " ===");
            Object r = parts.get(i).get();
            out.println("-> " + r);
            results.add(r);
        }
        return results;
    }

    /** 1: main prints, sleeps, prints, and run() returns its value. */
    public String basics() {
        return run(() -> {
            out.println("Hello");
            sleep(0.5);
            out.println("World");
            return "done";
        });
    }

    /** 2: one coroutine awaiting others in turn. */
    public List<String> structured() {
        return run(() -> {
            out.println("fetching the user...");
            Map<String, Object> user = fetchUser(1);
            out.println("user: " + user.get("name"));
            out.println("fetching the posts...");
            List<String> posts = fetchPosts(1);
            out.println("posts: " + posts.size());
            return List.of("user", "posts");
        });
    }

    private Map<String, Object> fetchUser(int id) {
        sleep(0.1);
        return Map.of("id", id, "name", "User_" + id);
    }

    private List<String> fetchPosts(int userId) {
        sleep(0.1);
        return List.of("Post_0", "Post_1", "Post_2");
    }

    /** 3: gather of A 0.3 s, B 0.2 s, C 0.1 s takes 0.3 s, not 0.6. Returns [results, elapsed/scale]. */
    public List<Object> concurrent() {
        return run(() -> {
            double t0 = now();
            List<Object> results = Asyncio.await(Asyncio.gather(
                    () -> job("A", 0.3), () -> job("B", 0.2), () -> job("C", 0.1)));
            double elapsed = (now() - t0) / scale;
            out.printf("total: %.2f s%n", elapsed);
            return List.of(results, Math.round(elapsed * 100) / 100.0);
        });
    }

    private String job(String name, double delay) {
        out.println("[" + name + "] start");
        sleep(delay);
        out.println("[" + name + "] done");
        return name + "_result";
    }

    /** 4: try/catch around an await, then gather with returnExceptions. */
    public List<String> exceptions() {
        return run(() -> {
            List<String> seen = new ArrayList<>();
            try {
                mightFail(true);
            } catch (IllegalArgumentException e) {
                out.println("caught: " + e.getMessage());
                seen.add("caught " + e.getMessage());
            }
            List<Object> results = Asyncio.await(Asyncio.gather(true,
                    () -> mightFail(false), () -> mightFail(true), () -> mightFail(false)));
            for (int i = 0; i < results.size(); i++) {
                Object r = results.get(i);
                String line = "task " + i + ": " + (r instanceof Throwable t ? "exception - " + t.getMessage() : r);
                out.println(line);
                seen.add(line);
            }
            return seen;
        });
    }

    private String mightFail(boolean fail) {
        sleep(0.1);
        if (fail) throw new IllegalArgumentException("task failed");
        return "ok";
    }

    /** 5: waitFor gives up on a 5 s operation after 1 s. */
    public String timeout() {
        return run(() -> {
            double t0 = now();
            try {
                Asyncio.waitFor(() -> {
                    sleep(5);
                    return "finished";
                }, 1.0 * scale);
                return "not timed out";
            } catch (TimeoutError e) {
                String r = String.format("timed out after %.1f s", (now() - t0) / scale);
                out.println(r);
                return r;
            }
        });
    }

    /** 6: a task cancelled after 0.5 s sees CancelledError, cleans up, and ends cancelled. */
    public List<String> cancellation() {
        return run(() -> {
            List<String> seen = new ArrayList<>();
            Task<Void> task = Asyncio.createTask(() -> {
                try {
                    out.println("task started, will run for 10 s...");
                    sleep(10);
                    seen.add("finished");
                } catch (CancelledError e) {
                    out.println("task cancelled");
                    seen.add("task saw CancelledError");
                    throw e;
                }
                return null;
            });
            sleep(0.5);
            out.println("cancelling the task...");
            task.cancel();
            try {
                Asyncio.await(task);
            } catch (CancelledError e) {
                out.println("confirmed: the task is cancelled");
                seen.add("cancelled=" + task.cancelled());
            }
            return seen;
        });
    }

    /**
     * 7: debug mode. Python's example forgets an {@code await}; Java cannot (a coroutine call always runs), so
     * this shows the other thing debug mode is for: a step that blocks the loop is reported by name. The
     * report is the loop's own warning, caught here and shown once, in short, as the demo's output (and kept
     * out of the log, where it would land in the middle of the output); other log records pass through.
     */
    public String debugMode() {
        List<String> warnings = new ArrayList<>();
        Logger log = Logger.getLogger("io.jasyncio");
        boolean toParents = log.getUseParentHandlers();
        Handler capture = new Handler() {
            @Override public void publish(LogRecord r) {
                if (r.getMessage() != null && r.getMessage().startsWith("Executing")) {
                    warnings.add(r.getMessage());
                } else if (toParents) {
                    for (Logger l = log.getParent(); l != null; l = l.getUseParentHandlers() ? l.getParent() : null) {
                        for (Handler h : l.getHandlers()) h.publish(r);
                    }
                }
            }
            @Override public void flush() {}
            @Override public void close() {}
        };
        log.addHandler(capture);
        log.setUseParentHandlers(false);
        try (Runner runner = Runner.builder().debug(true).build()) { // real time: the point is a real block
            runner.run(() -> {
                Asyncio.createTask(() -> {
                    // CPU work inside a task holds the loop (with the vthread engine a blocking JDK call such as
                    // Thread.sleep would only park this task); debug mode names the culprit.
                    long end = System.nanoTime() + 150_000_000L;
                    while (System.nanoTime() < end) Thread.onSpinWait();
                    return null;
                }, "blocking-task");
                Asyncio.sleep(0.01);
                return null;
            });
        } finally {
            log.setUseParentHandlers(toParents);
            log.removeHandler(capture);
        }
        if (warnings.isEmpty()) {
            out.println("debug mode said nothing");
            return "no warning";
        }
        String w = warnings.getFirst();
        out.println("debug mode said: " + shortSlowStep(w));
        return w.contains("name='blocking-task'") ? "slow step of 'blocking-task' reported" : w;
    }

    /**
     * "Executing &lt;Task finished result=null name='x' coro=... created at F.java:12&gt; took 0.150 seconds" in
     * a line that fits: "task 'x' (created at F.java:12) took 0.15 s of real time" (the loop's threshold for a
     * slow step is real time: no scale applies).
     */
    static String shortSlowStep(String warning) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("name='([^']*)'.*? created at ([^ >]+)>.* took ([0-9.]+) seconds").matcher(warning);
        if (!m.find()) return warning;
        return String.format(java.util.Locale.ROOT, "task '%s' (created at %s) took %.2f s of real time", m.group(1),
                m.group(2), Double.parseDouble(m.group(3)));
    }

    /** 8: the seed's vector-database CLI, on the real embedded store: 100 vectors of 4 dimensions. */
    public List<String> vectorDbCli() {
        Random rnd = new Random(4);
        Map<String, float[]> vectors = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) vectors.put("vec_" + i, randomVector(rnd, 4));
        return run(() -> {
            out.println("connecting to the database...");
            try (VectorClient db = VectorClient.connect(new VectorStore())) {
                VectorDbDemo.Result r = VectorDbDemo.cliMain(db, "documents", vectors, new float[] {0.5f, 0.5f, 0.5f, 0.5f},
                        List.of(), out::println);
                return r.hits().stream().map(Hit::id).toList();
            } finally {
                out.println("connection closed");
            }
        });
    }

    /** 9: five requests of 0.1 s each, handled concurrently: about 0.1 s in all. */
    public List<Object> webServer() {
        return run(() -> {
            out.println("server starting...");
            double t0 = now();
            List<Object> responses = Asyncio.await(Asyncio.gather(List.<io.jasyncio.Coroutine<String>>of(
                    () -> handle(0), () -> handle(1), () -> handle(2), () -> handle(3), () -> handle(4)), false));
            double elapsed = (now() - t0) / scale;
            out.printf("handled %d requests in %.2f s%n", responses.size(), elapsed);
            return List.of(responses.size(), Math.round(elapsed * 100) / 100.0);
        });
    }

    private String handle(int requestId) {
        sleep(0.1);
        return "Response_" + requestId;
    }

    /** 10: config, connect, batch insert 50 vectors of 128 dimensions, 5 concurrent queries, cleanup. */
    public Map<String, Object> application() {
        Map<String, Object> config = Map.of("db_host", "embedded", "batch_size", 50);
        out.println("config: " + config);
        return run(() -> {
            Random rnd = new Random(10);
            try (VectorClient db = VectorClient.connect(new VectorStore())) {
                db.createCollection("app_vectors", 128, Metric.COSINE);
                Map<String, float[]> vectors = new LinkedHashMap<>();
                for (int i = 0; i < 50; i++) vectors.put("item_" + i, randomVector(rnd, 128));
                int inserted = db.batchInsert("app_vectors", vectors);
                List<io.jasyncio.Coroutine<List<Hit>>> queries = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    float[] q = randomVector(rnd, 128);
                    queries.add(() -> db.search("app_vectors", q, 3));
                }
                List<Object> all = Asyncio.await(Asyncio.gather(queries, false));
                out.println("finished " + all.size() + " queries");
                return Map.of("inserted", inserted, "queries", all.size(), "status", "success");
            } finally {
                out.println("cleanup done");
            }
        });
    }

    /** 11: asyncio.run refuses to run inside a running loop, with asyncio's message. */
    public String nestedRun() {
        return run(() -> {
            try {
                Asyncio.run(() -> "inner");
                return "no error";
            } catch (IllegalStateException e) {
                out.println("error: " + e.getMessage());
                return e.getMessage();
            }
        });
    }

    private static float[] randomVector(Random rnd, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) v[i] = rnd.nextFloat();
        return v;
    }
}
