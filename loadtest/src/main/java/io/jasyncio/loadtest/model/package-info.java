/**
 * How load is offered: {@link io.jasyncio.loadtest.model.LoadModel} (closed: users; open: an arrival rate), its
 * {@link io.jasyncio.loadtest.model.Stage}s and rate curves, the open model's arrival schedule, and the command
 * line's durations.
 *
 * <p>Threading: immutable values and pure functions. Start reading at {@link io.jasyncio.loadtest.model.LoadModel}.
 */
package io.jasyncio.loadtest.model;
