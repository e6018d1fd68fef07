/**
 * Seed 002, "from sockets to asyncio": the same echo server written each way — sequential, a thread per client, a
 * thread pool, a selector loop, a hand-made event loop, and jasyncio's protocols and streams
 * ({@link io.jasyncio.examples.echo.JasyncioEchoServer}) — behind one {@link io.jasyncio.examples.echo.EchoServer}
 * interface.
 *
 * <p>Threading: each server owns the threads (or the loop) it starts, and {@code close} stops them. Start reading
 * at {@link io.jasyncio.examples.echo.EchoServer}.
 */
package io.jasyncio.examples.echo;
