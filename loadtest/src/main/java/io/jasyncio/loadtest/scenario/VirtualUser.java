package io.jasyncio.loadtest.scenario;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.loadtest.engine.Failure;
import io.jasyncio.loadtest.metrics.ErrorKind;
import io.jasyncio.loadtest.metrics.Metrics;
import io.jasyncio.loadtest.metrics.StepMetrics;
import io.jasyncio.loadtest.target.Connector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * One virtual user, as a {@link Scenario} sees it: its steps, checks, think time, HTTP and WebSocket clients and
 * its own state.
 *
 * <p>Threading: the event loop's thread, in the task running the user's iteration; one iteration at a time.
 */
public final class VirtualUser implements AutoCloseable {
    private static final Pattern STEP_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,60}");

    private final int id;
    private final Metrics metrics;
    private final EventLoop loop;
    private final double defaultTimeout;
    private final SplittableRandom random;
    private final HttpClient http;
    private final WebSocketClient ws;
    private final Map<String, Object> vars = new HashMap<>();
    private long iteration;

    /**
     * User {@code id} recording into {@code metrics}; steps without a timeout of their own get
     * {@code defaultTimeoutSeconds}; relative URLs resolve against {@code baseUrl} (null: none); connections are
     * opened by {@code connector}.
     *
     * @param id the user's number, from 0
     * @param metrics where its steps are recorded
     * @param loop the loop it runs on
     * @param defaultTimeoutSeconds a step's timeout unless it gives its own, in seconds
     * @param seed the run's seed (with {@code id}, seeds {@link #random()})
     * @param baseUrl what relative URLs resolve against, or null
     * @param headers header fields ("Name: value") sent with every HTTP request and WebSocket handshake
     * @param maxBody the largest answer body (HTTP) or message (WebSocket) accepted, in bytes
     * @param connector opens its HTTP connections (TLS settings, source address)
     */
    public VirtualUser(int id, Metrics metrics, EventLoop loop, double defaultTimeoutSeconds, long seed, String baseUrl,
            List<String> headers, int maxBody, Connector connector) {
        this.id = id;
        this.metrics = metrics;
        this.loop = loop;
        this.defaultTimeout = defaultTimeoutSeconds;
        this.random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (id + 1)));
        this.http = new HttpClient(baseUrl, headers, maxBody, connector, id);
        this.ws = new WebSocketClient(baseUrl, headers, maxBody, defaultTimeoutSeconds);
    }

    /**
     * The user's number, from 0.
     *
     * @return the id
     */
    public int id() {
        return id;
    }

    /**
     * The user's iterations so far, this one included (from 1).
     *
     * @return the iteration's number
     */
    public long iteration() {
        return iteration;
    }

    /** Starts the next iteration (the driver calls this). */
    public void nextIteration() {
        iteration++;
    }

    /**
     * The user's own random numbers (seeded from the run's seed and the user's id: a run can be repeated).
     *
     * @return the generator, for the user's iterations' use only
     */
    public SplittableRandom random() {
        return random;
    }

    /**
     * The user's state across iterations (a session token, say).
     *
     * @return the user's mutable map
     */
    public Map<String, Object> vars() {
        return vars;
    }

    /**
     * The user's HTTP client.
     *
     * @return the client
     */
    public HttpClient http() {
        return http;
    }

    /**
     * The user's WebSocket client (its messages are at most the run's body limit).
     *
     * @return the client
     */
    public WebSocketClient ws() {
        return ws;
    }

    /**
     * {@link #step(String, double, Coroutine)} with the run's default timeout ({@code --timeout}).
     *
     * @param <T> what the body returns
     * @param name the step's name: 1 to 60 of A-Z a-z 0-9 _ . -
     * @param body the step's work
     * @return what {@code body} returned
     * @throws IterationFailed the step failed (counted)
     */
    public <T> T step(String name, Coroutine<T> body) {
        return step(name, defaultTimeout, body);
    }

    /**
     * Runs {@code body} as step {@code name} within {@code timeoutSeconds} and returns its value. Its latency
     * (from its start) goes to the step's histogram when it succeeds. When it fails — it threw, failed a check,
     * or ran out of time — the failure is counted under its kind (see {@link Failure#of}) and
     * {@link IterationFailed} ends the iteration.
     *
     * @param <T> what the body returns
     * @param name the step's name: 1 to 60 of A-Z a-z 0-9 _ . -
     * @param timeoutSeconds the most it may take, in seconds (above 0)
     * @param body the step's work
     * @return what {@code body} returned
     * @throws IterationFailed the step failed (counted)
     * @throws IllegalArgumentException a bad name or timeout
     */
    public <T> T step(String name, double timeoutSeconds, Coroutine<T> body) {
        if (!STEP_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a step name is 1 to 60 of A-Z a-z 0-9 _ . -, got '" + name + "'");
        }
        if (!(timeoutSeconds > 0)) throw new IllegalArgumentException("a step's timeout must be above 0 s, got " + timeoutSeconds);
        StepMetrics m = metrics.step(name);
        long start = loop.nanoTime();
        T value;
        try {
            value = Asyncio.timeout(timeoutSeconds, body);
        } catch (CancelledError e) { // the run ended under this step (the step's own timeout is a TimeoutError)
            metrics.failed(m, ErrorKind.TIMEOUT, io.jasyncio.loadtest.engine.ScenarioDriver.ENDED);
            throw e;
        } catch (IterationFailed e) {
            throw e;
        } catch (Exception e) {
            Failure f = Failure.of(e, timeoutSeconds);
            metrics.failed(m, f.kind(), f.message());
            throw new IterationFailed(name, f.kind(), f.message());
        }
        long took = loop.nanoTime() - start;
        m.ok(took, took);
        return value;
    }

    /**
     * Fails the step with {@code kind} ({@link ErrorKind#CHECK}) unless {@code ok}.
     *
     * @param ok the condition
     * @param message what was expected, for the report
     * @throws StepFailure {@code ok} is false
     */
    public void check(boolean ok, String message) {
        check(ok, ErrorKind.CHECK, message);
    }

    /**
     * Fails the step with {@code kind} unless {@code ok}.
     *
     * @param ok the condition
     * @param kind the failure's kind (see {@link ErrorKind#require})
     * @param message what was expected, for the report
     * @throws StepFailure {@code ok} is false
     */
    public void check(boolean ok, String kind, String message) {
        if (!ok) throw new StepFailure(kind, message);
    }

    /**
     * Fails the step with {@code kind}; never returns (written {@code throw vu.fail(...)} where Java needs it).
     *
     * @param kind the failure's kind (see {@link ErrorKind#require})
     * @param message what went wrong, for the report
     * @return never
     * @throws StepFailure always
     */
    public StepFailure fail(String kind, String message) {
        throw new StepFailure(kind, message);
    }

    /**
     * {@code r}, if its status is 2xx or 3xx; otherwise the step fails with {@code http_4xx} or {@code http_5xx},
     * naming the status and the start of the body.
     *
     * @param r the answer
     * @return {@code r}
     * @throws StepFailure the status is 4xx or 5xx
     */
    public HttpResponse expectOk(HttpResponse r) {
        String kind = ErrorKind.ofStatus(r.status());
        if (kind != null) throw new StepFailure(kind, "HTTP " + r.status() + ": " + HttpResponse.preview(r.body()));
        return r;
    }

    /**
     * Waits {@code seconds} (think time: between steps, not in any step's latency).
     *
     * @param seconds how long; nothing when not above 0
     */
    public void think(double seconds) {
        if (seconds > 0) Asyncio.sleep(seconds);
    }

    /**
     * Waits a uniformly random time between {@code min} and {@code max} seconds.
     *
     * @param min the shortest, in seconds
     * @param max the longest, in seconds
     */
    public void think(double min, double max) {
        think(min + (max - min) * random.nextDouble());
    }

    /** Closes the user's connections. */
    @Override
    public void close() {
        http.close();
        ws.close();
    }
}
