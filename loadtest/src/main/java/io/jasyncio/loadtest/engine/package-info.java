/**
 * Running a plan: {@link io.jasyncio.loadtest.engine.LoadRun} drives one event loop (or several, one per thread)
 * with a {@link io.jasyncio.loadtest.engine.Driver} — the one-request form's
 * {@link io.jasyncio.loadtest.engine.RequestDriver} or the {@link io.jasyncio.loadtest.engine.ScenarioDriver} —
 * paced by the load model, while a monitor watches the generator itself.
 *
 * <p>Threading: each driver belongs to its loop's thread; results are merged once the loops are done. Start
 * reading at {@link io.jasyncio.loadtest.engine.LoadRun}.
 */
package io.jasyncio.loadtest.engine;
