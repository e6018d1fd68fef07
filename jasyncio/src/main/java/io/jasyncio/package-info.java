/**
 * The core of asyncio in Java: the event loop ({@link io.jasyncio.EventLoop}), tasks and futures
 * ({@link io.jasyncio.Task}, {@link io.jasyncio.Future}), the {@code asyncio.*} functions ({@link io.jasyncio.Asyncio}:
 * run, sleep, gather, wait_for, timeouts, to_thread), {@link io.jasyncio.TaskGroup}, the synchronisation primitives
 * and queues, {@link io.jasyncio.Runner} and {@link io.jasyncio.LoopGroup}.
 *
 * <p>Threading: one loop per thread; a loop's tasks, futures, primitives and queues belong to its thread and are
 * used from its tasks and callbacks only. The few thread-safe entry points say so ({@code callSoonThreadsafe},
 * {@code runCoroutineThreadsafe}, {@code LoopGroup.submit}). Start reading at {@link io.jasyncio.Asyncio}.
 */
package io.jasyncio;
