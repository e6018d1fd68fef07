/**
 * TLS over any stream transport with the JDK's {@code SSLEngine}: {@link io.jasyncio.tls.TlsOptions} says how a
 * connection speaks TLS and is passed in the options of {@code Net} and {@code Streams} (the one way in);
 * {@link io.jasyncio.tls.Tls} holds asyncio's {@code start_tls}; a TLS connection's protocol gets an
 * {@link io.jasyncio.tls.SslTransport}. The TLS layer itself is in the unexported {@code io.jasyncio.internal.tls}.
 *
 * <p>Threading: a TLS connection belongs to its loop's thread; {@code TlsOptions} is immutable and shareable.
 * Start reading at {@link io.jasyncio.tls.TlsOptions}.
 */
package io.jasyncio.tls;
