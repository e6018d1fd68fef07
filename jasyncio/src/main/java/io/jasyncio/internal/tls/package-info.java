/**
 * Not API (the package is not exported): the TLS layer behind {@code io.jasyncio.tls} — {@code SslProtocol}, which
 * runs the JDK's {@code SSLEngine} over a plain stream transport and shows the application protocol an
 * {@link io.jasyncio.internal.tls.SslAppTransport} (the exported {@link io.jasyncio.tls.SslTransport}); its record
 * pump; and {@link io.jasyncio.internal.tls.TlsLayer}, where {@code Net}, {@code ShardedServer} and
 * {@code Tls.startTls} put the layer under a protocol.
 *
 * <p>Threading: a TLS connection belongs to its loop's thread. Start reading at
 * {@link io.jasyncio.internal.tls.TlsLayer}, then {@code SslProtocol}.
 */
package io.jasyncio.internal.tls;
