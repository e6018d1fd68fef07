/**
 * TLS over any stream transport with the JDK's {@code SSLEngine}: {@link io.jasyncio.tls.TlsOptions} says how a
 * connection speaks TLS and is passed in the options of {@code Net} and {@code Streams} (the one way in);
 * {@link io.jasyncio.tls.Tls} holds the layer they use and {@code startTls}; the engine work is in the
 * package-private {@code SslProtocol}, which shows the application an {@link io.jasyncio.tls.SslTransport}.
 *
 * <p>Threading: a TLS connection belongs to its loop's thread; {@code TlsOptions} is immutable and shareable.
 * Start reading at {@link io.jasyncio.tls.TlsOptions}.
 */
package io.jasyncio.tls;
