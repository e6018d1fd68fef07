package io.jasyncio.loadtest.workflow;

import io.jasyncio.loadtest.scenario.HttpResponse;
import io.jasyncio.loadtest.scenario.Scenario;
import io.jasyncio.loadtest.scenario.VirtualUser;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seed 000's load-test script as a scenario, against a {@link WorkflowService} (the run's base URL):
 * {@code query} (GET /workflows) → {@code run_single_task} (POST /workflows/{name}/run, a random workflow of
 * those listed) → {@code start_task} (POST {worker}/tasks/{id}/start, with the worker address and task id from
 * the previous answer). Each step has its own timeout. Failures, by step:
 * <ul>
 * <li>an HTTP 4xx/5xx status: {@code http_4xx} / {@code http_5xx};
 * <li>{@code run_single_task} answering the seed's "Timeout waiting for input for _run_single_task" in its body
 *     (status 200): {@code input_timeout}; any other error in a body: {@code app_error};
 * <li>an answer without what the next step needs: {@code check};
 * <li>from the network: {@code connect_refused}, {@code reset}, {@code timeout} (see
 *     {@link io.jasyncio.loadtest.engine.Failure}).
 * </ul>
 *
 * <p>Threading: as {@link Scenario}; stateless, shared by every user.
 */
public final class WorkflowScenario implements Scenario {
    /** The kind of the seed's app-level error. */
    public static final String INPUT_TIMEOUT = "input_timeout";
    /** The kind of any other error an answer's body reports. */
    public static final String APP_ERROR = "app_error";

    private static final Pattern NAME = Pattern.compile("\"([a-z_]+)\"");

    private final double queryTimeout;
    private final double runTimeout;
    private final double startTimeout;
    private final double thinkSeconds;

    /** Timeouts: query 2 s, run_single_task 5 s, start_task 5 s; no think time. */
    public WorkflowScenario() {
        this(2, 5, 5, 0);
    }

    /**
     * With these timeouts (seconds) and a think time between the steps.
     *
     * @param queryTimeout the {@code query} step's timeout, in seconds
     * @param runTimeout the {@code run_single_task} step's timeout, in seconds
     * @param startTimeout the {@code start_task} step's timeout, in seconds
     * @param thinkSeconds the pause between steps, in seconds
     */
    public WorkflowScenario(double queryTimeout, double runTimeout, double startTimeout, double thinkSeconds) {
        this.queryTimeout = queryTimeout;
        this.runTimeout = runTimeout;
        this.startTimeout = startTimeout;
        this.thinkSeconds = thinkSeconds;
    }

    @Override
    public String name() {
        return "workflow";
    }

    @Override
    public void run(VirtualUser vu) {
        List<String> workflows = vu.step("query", queryTimeout, () -> {
            HttpResponse r = vu.expectOk(vu.http().get("/workflows"));
            List<String> names = new ArrayList<>();
            String body = r.text();
            int list = body.indexOf('[');
            Matcher m = NAME.matcher(list < 0 ? "" : body.substring(list));
            while (m.find()) names.add(m.group(1));
            vu.check(!names.isEmpty(), "query listed no workflow: " + body);
            return names;
        });
        vu.think(thinkSeconds);
        String workflow = workflows.get(vu.random().nextInt(workflows.size()));
        String[] task = vu.step("run_single_task", runTimeout, () -> {
            HttpResponse r = vu.expectOk(vu.http().post("/workflows/" + workflow + "/run", "", "application/json"));
            String error = r.jsonString("error");
            if (error != null) {
                throw vu.fail(error.equals(WorkflowService.INPUT_TIMEOUT_ERROR) ? INPUT_TIMEOUT : APP_ERROR, error);
            }
            String id = r.jsonString("taskId");
            String worker = r.jsonString("worker");
            vu.check(id != null && worker != null, "run_single_task answered no taskId or worker: " + r.text());
            return new String[] {id, worker};
        });
        vu.think(thinkSeconds);
        vu.step("start_task", startTimeout, () -> {
            HttpResponse r = vu.expectOk(vu.http().post(task[1] + "/tasks/" + task[0] + "/start", "", "application/json"));
            vu.check("done".equals(r.jsonString("state")), "start_task did not end 'done': " + r.text());
            return null;
        });
    }
}
