/**
 * Not API (the package is not exported): the coroutine engines that run a task's code as a
 * {@link io.jasyncio.internal.Fiber} — the default {@code vthread} engine (virtual threads scheduled by the loop
 * itself) and the {@code portable} one (docs/ENGINES.md) — and small shared helpers (the live-loop registry for
 * inspection, which throwables are fatal, stdin for tasks).
 *
 * <p>Threading: a fiber is resumed only by its loop's thread and suspends only itself; the rest says per class.
 * Start reading at {@link io.jasyncio.internal.Engine}.
 */
package io.jasyncio.internal;
