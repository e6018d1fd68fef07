package io.jasyncio.examples.loadtest;

import java.nio.charset.StandardCharsets;

/**
 * The workflow service's line protocol (UTF-8, one request line, one reply line, in order):
 * <pre>
 * query                      → OK workflow (SP workflow)*
 * run_single_task WORKFLOW   → OK WORKFLOW task-N
 *                            | ERR Timeout waiting for input for _run_single_task   (no worker slot in time)
 *                            | ERR unknown workflow ...
 * anything else              → ERR malformed request ...
 * </pre>
 * Stateless; any thread.
 */
final class WorkflowProtocol {
    private WorkflowProtocol() {}

    static final String QUERY = "query";
    static final String RUN_SINGLE_TASK = "run_single_task";
    static final String OK = "OK";
    static final String ERR = "ERR";

    /** The line for {@code text}, newline included. */
    static byte[] line(String text) {
        return (text + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
