package io.jasyncio.examples.loadtest;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Guard;
import io.jasyncio.Semaphore;
import io.jasyncio.Task;
import io.jasyncio.TimeoutError;
import io.jasyncio.net.Server;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.StreamWriter;
import io.jasyncio.net.Streams;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The workflow service that seed 000's load-test script drives, on jasyncio streams, on 127.0.0.1 (protocol:
 * {@link WorkflowProtocol}). {@code query} answers at once with the known workflows. {@code run_single_task}
 * starts a task ({@code start_task}) that first needs one of {@code workers} input slots (an asyncio
 * {@link Semaphore}); a request that gets no slot within the input timeout fails with the seed's error,
 * {@value #INPUT_TIMEOUT_ERROR}. With a slot, the task works for {@code workSeconds} and answers.
 *
 * <p>Threading: {@link #start}, {@link #close} and {@link #waitClosed} are called from a task's code on the
 * loop that serves; the counters are read on that loop too.
 */
public final class WorkflowService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.jasyncio.examples.loadtest");

    /** The seed's error, answered when no worker slot frees up within the input timeout. */
    public static final String INPUT_TIMEOUT_ERROR = "Timeout waiting for input for _run_single_task";

    /** The workflows the service knows. */
    public static final List<String> WORKFLOWS = List.of("summarize", "translate", "classify");

    /** How long a task works once it has a slot, unless told otherwise. */
    public static final double DEFAULT_WORK_SECONDS = 0.05;

    private final Semaphore slots;
    private final int workers;
    private final double inputTimeout;
    private final double workSeconds;
    private final Set<Task<?>> connectionTasks = new HashSet<>();
    private final Server server;
    private final int port;
    private long tasksStarted;
    private long tasksCompleted;
    private long inputTimeouts;

    private WorkflowService(int port, int workers, double inputTimeout, double workSeconds) {
        if (workers < 0) throw new IllegalArgumentException("workers must be 0 or more, got " + workers);
        if (!(inputTimeout >= 0)) throw new IllegalArgumentException("the input timeout must be 0 s or more, got " + inputTimeout);
        if (!(workSeconds >= 0)) throw new IllegalArgumentException("the work time must be 0 s or more, got " + workSeconds);
        this.slots = new Semaphore(workers);
        this.workers = workers;
        this.inputTimeout = inputTimeout;
        this.workSeconds = workSeconds;
        this.server = Streams.startServer(this::serve, "127.0.0.1", port);
        this.port = server.getSockets().get(0).socket().getLocalPort();
    }

    /**
     * Serves on 127.0.0.1:{@code port} (0: a free one, see {@link #port()}) with {@code workers} input slots; a
     * request waits at most {@code inputTimeoutSeconds} for one. Tasks work {@value #DEFAULT_WORK_SECONDS} s.
     */
    public static WorkflowService start(int port, int workers, double inputTimeoutSeconds) {
        return start(port, workers, inputTimeoutSeconds, DEFAULT_WORK_SECONDS);
    }

    /** {@link #start(int, int, double)} with the time each task works once it has a slot. */
    public static WorkflowService start(int port, int workers, double inputTimeoutSeconds, double workSeconds) {
        return new WorkflowService(port, workers, inputTimeoutSeconds, workSeconds);
    }

    /** {@link #start(int, int, double, double)} with durations. */
    public static WorkflowService start(int port, int workers, Duration inputTimeout, Duration work) {
        return start(port, workers, inputTimeout.toNanos() / 1e9, work.toNanos() / 1e9);
    }

    public int port() {
        return port;
    }

    public int workers() {
        return workers;
    }

    /** Tasks that got a slot and finished their work. */
    public long completedTasks() {
        return tasksCompleted;
    }

    /** Requests answered with {@value #INPUT_TIMEOUT_ERROR}. */
    public long inputTimeouts() {
        return inputTimeouts;
    }

    /** Connections still open on the service's side. */
    public int activeConnections() {
        return server.activeConnections();
    }

    /** One connection's task: a reply per request line, until the client hangs up. */
    private void serve(StreamReader in, StreamWriter out) {
        Task<?> me = Asyncio.currentTask();
        connectionTasks.add(me);
        try {
            while (true) {
                String reply;
                try {
                    byte[] raw = in.readline();
                    if (raw.length == 0) break; // the client hung up
                    reply = answer(new String(raw, StandardCharsets.UTF_8).strip());
                } catch (IllegalArgumentException tooLong) { // readline's limit: not a client of this protocol
                    out.write(WorkflowProtocol.line(WorkflowProtocol.ERR + " malformed request: a line longer than "
                            + in.limit() + " bytes"));
                    break;
                }
                out.write(WorkflowProtocol.line(reply));
                out.drain();
            }
        } catch (CancelledError e) {
            throw e;
        } catch (Exception e) { // the client went away mid-request: nobody left to answer
            LOG.log(System.Logger.Level.DEBUG, "workflow service connection dropped: " + e);
        } finally {
            connectionTasks.remove(me);
            out.close();
        }
    }

    private String answer(String request) {
        if (request.equals(WorkflowProtocol.QUERY)) {
            return WorkflowProtocol.OK + " " + String.join(" ", WORKFLOWS);
        }
        if (request.startsWith(WorkflowProtocol.RUN_SINGLE_TASK + " ")) {
            String workflow = request.substring(WorkflowProtocol.RUN_SINGLE_TASK.length() + 1).strip();
            if (!WORKFLOWS.contains(workflow)) {
                return WorkflowProtocol.ERR + " unknown workflow '" + workflow + "'; known: " + String.join(", ", WORKFLOWS);
            }
            return runSingleTask(workflow);
        }
        String shown = request.length() > 40 ? request.substring(0, 40) + "..." : request;
        return WorkflowProtocol.ERR + " malformed request '" + shown + "': expected '" + WorkflowProtocol.QUERY
                + "' or '" + WorkflowProtocol.RUN_SINGLE_TASK + " <workflow>'";
    }

    /** Waits for an input slot (at most the input timeout), then runs the task in it. */
    private String runSingleTask(String workflow) {
        Guard slot;
        try {
            slot = Asyncio.timeout(inputTimeout, slots::acquire);
        } catch (TimeoutError e) {
            inputTimeouts++;
            return WorkflowProtocol.ERR + " " + INPUT_TIMEOUT_ERROR;
        }
        try (slot) {
            return WorkflowProtocol.OK + " " + workflow + " " + startTask();
        }
    }

    private String startTask() {
        long id = ++tasksStarted;
        Asyncio.sleep(workSeconds);
        tasksCompleted++;
        return "task-" + id;
    }

    /** Stops listening, cancels the connections' tasks and aborts their connections. See {@link #waitClosed}. */
    @Override
    public void close() {
        for (Task<?> t : Set.copyOf(connectionTasks)) t.cancel();
        server.close();
        server.abortClients();
    }

    /** After {@link #close}: waits until every connection has closed. */
    public void waitClosed() {
        server.waitClosed();
    }
}
