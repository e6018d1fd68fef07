/**
 * UDP (asyncio's datagram endpoints): {@link io.jasyncio.datagram.DatagramProtocol} receives what a
 * {@link io.jasyncio.datagram.DatagramTransport} reads; {@code Net.createDatagramEndpoint} makes the pair
 * ({@link io.jasyncio.datagram.DatagramEndpoint}) with {@link io.jasyncio.datagram.DatagramOptions}.
 *
 * <p>Threading: transports and protocols belong to their loop's thread. Start reading at
 * {@link io.jasyncio.datagram.DatagramTransport}.
 */
package io.jasyncio.datagram;
