/**
 * Not API (the package is not exported): the selector-based implementations behind {@code io.jasyncio.transport},
 * {@code datagram}, {@code subprocess} and {@code tls} — the socket, datagram and pipe transports, their read and
 * write buffers, happy eyeballs, sendfile, and the helpers over NIO channels.
 *
 * <p>Threading: a transport belongs to its loop's thread; the stream pipe transports also run one virtual thread
 * each for the JDK's blocking streams (see {@link io.jasyncio.internal.io.PipeTransport}). Start reading at
 * {@link io.jasyncio.internal.io.SelectorTransport} and {@link io.jasyncio.internal.io.SocketTransport}.
 */
package io.jasyncio.internal.io;
