/**
 * Seed 000's system: a workflow {@link io.jasyncio.loadtest.workflow.WorkflowService} on jasyncio's HTTP server
 * with injectable {@link io.jasyncio.loadtest.workflow.Faults}, the scenario that drives it, and the demo that
 * runs both.
 *
 * <p>Threading: the service and the scenario run on the loop that started them. Start reading at
 * {@link io.jasyncio.loadtest.workflow.WorkflowDemo}.
 */
package io.jasyncio.loadtest.workflow;
