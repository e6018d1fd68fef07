package io.jasyncio.loadtest.workflow;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Semaphore;
import io.jasyncio.TimeoutError;
import io.jasyncio.TimerHandle;
import io.jasyncio.http.AppRunner;
import io.jasyncio.http.Application;
import io.jasyncio.http.HttpError;
import io.jasyncio.http.Request;
import io.jasyncio.http.Response;
import io.jasyncio.http.StreamResponse;
import io.jasyncio.http.TcpSite;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seed 000's workflow service, on jasyncio's HTTP server (127.0.0.1), with fault injection. Three steps:
 * <pre>
 * GET  /workflows                  query: {"workflows":["summarize","translate","classify"]}
 * POST /workflows/{name}/run       run_single_task: waits up to the input timeout for one of the worker slots,
 *                                  then {"taskId":"task-N","worker":"http://127.0.0.1:PORT"}; without a slot in
 *                                  time, 200 {"error":"Timeout waiting for input for _run_single_task"} (the seed's
 *                                  app-level error, in a body whose status says all is well)
 * POST /tasks/{id}/start           start_task, sent to the worker address: works, frees the slot,
 *                                  {"taskId":"task-N","state":"done"}
 * </pre>
 * The worker address is a second port of the same server, so {@code start_task} needs the address from
 * {@code run_single_task}'s answer (correlation). A slot taken by {@code run_single_task} is held until its
 * task's {@code start_task} finishes, or for the lease (10 s) if it never comes. {@link Faults} adds injected
 * failures, each counted, so a test can check that a load test puts every one in the right bucket.
 *
 * <p>Threading: {@link #start} and {@link #close} in a task on the serving loop; counters are read there too.
 */
public final class WorkflowService implements AutoCloseable {
    /** The seed's error, answered when no worker slot frees up within the input timeout. */
    public static final String INPUT_TIMEOUT_ERROR = "Timeout waiting for input for _run_single_task";
    /** The workflows {@code query} lists, one of which {@code run_single_task} runs. */
    public static final List<String> WORKFLOWS = List.of("summarize", "translate", "classify");
    /** How long a slot stays taken when its task is never started. */
    public static final double LEASE_SECONDS = 10;

    private final Semaphore slots;
    private final int workers;
    private final double inputTimeout;
    private final double workSeconds;
    private final Faults faults;
    private final SplittableRandom random;
    private final AppRunner runner;
    private final TcpSite site;
    private final TcpSite workerSite;
    private final int deadPort;
    private final Map<String, TimerHandle> leases = new HashMap<>();
    private long nextTask;
    private long completed;
    private long inputTimeouts;
    private final Map<String, Long> injected = new HashMap<>();

    /** An injected reset: the handler fails after starting its answer. */
    static final class InjectedReset extends IOException {
        InjectedReset() {
            super("injected fault: connection cut mid-answer", null);
        }
    }

    private WorkflowService(int port, int workers, double inputTimeout, double workSeconds, Faults faults) throws IOException {
        if (workers < 1 || workers > 100_000) throw new IllegalArgumentException("workers must be 1 to 100000, got " + workers);
        if (!(inputTimeout >= 0 && inputTimeout <= 3600)) {
            throw new IllegalArgumentException("the input timeout must be 0 to 3600 s, got " + inputTimeout);
        }
        if (!(workSeconds >= 0 && workSeconds <= 3600)) throw new IllegalArgumentException("the work time must be 0 to 3600 s, got " + workSeconds);
        this.workers = workers;
        this.slots = new Semaphore(workers);
        this.inputTimeout = inputTimeout;
        this.workSeconds = workSeconds;
        this.faults = faults;
        this.random = new SplittableRandom(faults.seed());
        this.deadPort = faults.deadWorker() > 0 ? freePortNobodyListensOn() : -1;
        Application app = new Application();
        app.router().addGet("/workflows", this::query);
        app.router().addPost("/workflows/{name}/run", this::runSingleTask);
        app.router().addPost("/tasks/{id}/start", this::startTask);
        runner = new AppRunner(app).shutdownTimeout(0);
        runner.setup();
        site = new TcpSite(runner, "127.0.0.1", port);
        site.start();
        workerSite = new TcpSite(runner, "127.0.0.1", 0);
        workerSite.start();
    }

    /**
     * Serves on 127.0.0.1:{@code port} (0: any free port) with {@code workers} slots, without faults.
     *
     * @param port the port (0: any free one)
     * @param workers worker slots, 1 to 100,000
     * @param inputTimeoutSeconds how long {@code run_single_task} waits for a slot, 0 to 3600 s
     * @param workSeconds how long {@code start_task} works, 0 to 3600 s
     * @return the service, serving
     * @throws IOException the port cannot be bound
     */
    public static WorkflowService start(int port, int workers, double inputTimeoutSeconds, double workSeconds) throws IOException {
        return new WorkflowService(port, workers, inputTimeoutSeconds, workSeconds, Faults.NONE);
    }

    /**
     * {@link #start(int, int, double, double)} injecting {@code faults}.
     *
     * @param port the port (0: any free one)
     * @param workers worker slots, 1 to 100,000
     * @param inputTimeoutSeconds how long {@code run_single_task} waits for a slot, 0 to 3600 s
     * @param workSeconds how long {@code start_task} works, 0 to 3600 s
     * @param faults the faults to inject
     * @return the service, serving
     * @throws IOException the port cannot be bound
     */
    public static WorkflowService start(int port, int workers, double inputTimeoutSeconds, double workSeconds, Faults faults) throws IOException {
        return new WorkflowService(port, workers, inputTimeoutSeconds, workSeconds, faults);
    }

    private static int freePortNobodyListensOn() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot find a port for the dead-worker fault", e);
        }
    }

    /**
     * The service's base URL.
     *
     * @return {@code http://127.0.0.1:PORT}
     */
    public String url() {
        return "http://127.0.0.1:" + site.port();
    }

    /**
     * The port of the service's base URL.
     *
     * @return the port
     */
    public int port() {
        return site.port();
    }

    /**
     * The worker slots.
     *
     * @return how many
     */
    public int workers() {
        return workers;
    }

    /**
     * Tasks that got a slot, were started and finished their work.
     *
     * @return the count
     */
    public long completedTasks() {
        return completed;
    }

    /**
     * Requests answered with the seed's error because no slot freed up in time (not the injected ones).
     *
     * @return the count
     */
    public long inputTimeouts() {
        return inputTimeouts;
    }

    /**
     * How many faults of {@code name} were injected: {@code reset}, {@code serverError}, {@code inputTimeout},
     * {@code deadWorker}, {@code slow}.
     *
     * @param name the fault's name
     * @return the count
     */
    public long injected(String name) {
        return injected.getOrDefault(name, 0L);
    }

    /**
     * Every fault injected, by name.
     *
     * @return a copy, fault name to count
     */
    public Map<String, Long> injected() {
        return Map.copyOf(injected);
    }

    private boolean roll(double p, String name) {
        if (p <= 0 || random.nextDouble() >= p) return false;
        injected.merge(name, 1L, Long::sum);
        return true;
    }

    private Response query(Request r) throws IOException {
        String body = "{\"workflows\":[\"" + String.join("\",\"", WORKFLOWS) + "\"]}";
        if (roll(faults.reset(), "reset")) {
            StreamResponse s = new StreamResponse(200).header("Content-Type", "application/json").contentLength(body.length());
            s.prepare(r);
            s.write(body.substring(0, body.length() / 2));
            throw new InjectedReset(); // the server cuts the connection: the body is incomplete
        }
        return Response.json(body);
    }

    private Response runSingleTask(Request r) {
        String name = r.pathParam("name");
        if (!WORKFLOWS.contains(name)) {
            throw new HttpError(404, "{\"error\":\"unknown workflow '" + name + "'; known: " + String.join(", ", WORKFLOWS) + "\"}");
        }
        double dice = faults.serverError() + faults.inputTimeout() + faults.deadWorker() > 0 ? random.nextDouble() : 1;
        if (dice < faults.serverError()) {
            injected.merge("serverError", 1L, Long::sum);
            return new Response(503, "{\"error\":\"injected fault: overloaded\"}".getBytes(), "application/json");
        }
        dice -= faults.serverError();
        if (dice < faults.inputTimeout()) {
            injected.merge("inputTimeout", 1L, Long::sum);
            return Response.json("{\"error\":\"" + INPUT_TIMEOUT_ERROR + "\"}");
        }
        dice -= faults.inputTimeout();
        if (dice < faults.deadWorker()) {
            injected.merge("deadWorker", 1L, Long::sum);
            return Response.json("{\"taskId\":\"task-dead\",\"worker\":\"http://127.0.0.1:" + deadPort + "\"}");
        }
        try {
            Asyncio.timeout(inputTimeout, () -> {
                slots.acquire();
                return null;
            });
        } catch (TimeoutError e) {
            inputTimeouts++;
            return Response.json("{\"error\":\"" + INPUT_TIMEOUT_ERROR + "\"}");
        }
        String id = "task-" + (++nextTask);
        EventLoop loop = Asyncio.getRunningLoop();
        leases.put(id, loop.callLater(LEASE_SECONDS, () -> release(id)));
        return Response.json("{\"taskId\":\"" + id + "\",\"worker\":\"http://127.0.0.1:" + workerSite.port() + "\"}");
    }

    private void release(String id) {
        TimerHandle lease = leases.remove(id);
        if (lease != null) {
            lease.cancel();
            slots.release();
        }
    }

    private Response startTask(Request r) {
        String id = r.pathParam("id");
        if (!leases.containsKey(id)) throw new HttpError(404, "{\"error\":\"no task '" + id + "' waiting to start\"}");
        try {
            Asyncio.sleep(roll(faults.slow(), "slow") ? faults.slowSeconds() : workSeconds);
            completed++;
        } finally {
            release(id);
        }
        return Response.json("{\"taskId\":\"" + id + "\",\"state\":\"done\"}");
    }

    /**
     * Makes {@code loop} keep quiet about the handler failures the reset fault causes on purpose (the server
     * reports a handler that fails mid-answer); every other report goes to the handler there was before.
     *
     * @param loop the serving loop
     */
    public static void quietInjectedFaults(EventLoop loop) {
        EventLoop.ExceptionHandler previous = loop.getExceptionHandler();
        loop.setExceptionHandler((l, ctx) -> {
            if (ctx.exception() instanceof InjectedReset) return;
            if (previous != null) previous.handle(l, ctx);
            else l.defaultExceptionHandler(ctx);
        });
    }

    /** Stops serving: closes the sites and every connection, frees the leases. */
    @Override
    public void close() {
        runner.cleanup();
        for (String id : List.copyOf(leases.keySet())) release(id);
    }
}
