/**
 * The seeds' programs as library code the CLI runs and the tests check: the execution models
 * ({@link io.jasyncio.examples.ModelsDemo}), asyncio basics ({@link io.jasyncio.examples.Basics}), what
 * {@code asyncio.run} does ({@link io.jasyncio.examples.RunLifecycle}, {@link io.jasyncio.examples.RunDemo}) and
 * seed 002's echo clients ({@link io.jasyncio.examples.EchoClients}). Each demo returns what it observed.
 *
 * <p>Threading: each demo runs its own loop on the calling thread. Start reading at
 * {@link io.jasyncio.examples.RunLifecycle}.
 */
package io.jasyncio.examples;
