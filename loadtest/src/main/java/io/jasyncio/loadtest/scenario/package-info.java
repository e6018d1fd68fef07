/**
 * Load tests written as code: a {@link io.jasyncio.loadtest.scenario.Scenario} is one iteration of a
 * {@link io.jasyncio.loadtest.scenario.VirtualUser}, with timed steps, checks, think time and its own keep-alive
 * {@link io.jasyncio.loadtest.scenario.HttpClient}.
 *
 * <p>Threading: a virtual user and its client belong to the run's loop; each iteration runs in a task. Start
 * reading at {@link io.jasyncio.loadtest.scenario.Scenario}.
 */
package io.jasyncio.loadtest.scenario;
