/**
 * asyncio's transports and protocols: the interfaces ({@link io.jasyncio.transport.BaseTransport},
 * {@link io.jasyncio.transport.Transport}, {@link io.jasyncio.transport.Protocol}, ...), the entry points that open
 * connections, servers and pipes ({@link io.jasyncio.transport.Net}, with {@link io.jasyncio.transport.ConnectOptions}
 * and {@link io.jasyncio.transport.ServerOptions}), the low-level socket calls ({@link io.jasyncio.transport.Sockets}),
 * {@link io.jasyncio.transport.Server} and {@link io.jasyncio.transport.ShardedServer}. The implementations are in
 * the unexported {@code io.jasyncio.internal.io}.
 *
 * <p>Threading: transports, protocols and servers belong to their loop's thread; the entry points suspend the
 * calling task. Start reading at {@link io.jasyncio.transport.Net}.
 */
package io.jasyncio.transport;
