/**
 * What the one-request form sends and how it reads the answers: an {@link io.jasyncio.loadtest.target.HttpTarget}
 * or a raw {@link io.jasyncio.loadtest.target.TcpTarget}, the minimal response framing, and the
 * {@link io.jasyncio.loadtest.target.Connector} that opens connections (TLS, source addresses).
 *
 * <p>Threading: targets are immutable; readers and connections belong to the run's loop thread. Start reading at
 * {@link io.jasyncio.loadtest.target.Wire}.
 */
package io.jasyncio.loadtest.target;
