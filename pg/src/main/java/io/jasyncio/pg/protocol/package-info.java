/**
 * Not API (the package is not exported): PostgreSQL's frontend/backend protocol v3 on a jasyncio transport —
 * {@link io.jasyncio.pg.protocol.PgProtocol} frames the server's messages and completes one
 * {@link io.jasyncio.pg.protocol.Request} after another (queries, prepares, batches, COPY), with the start-up and
 * authentication ({@link io.jasyncio.pg.protocol.Startup}, SCRAM) and the encoding buffer.
 *
 * <p>Threading: the connection's loop thread only. Start reading at {@link io.jasyncio.pg.protocol.PgProtocol}.
 */
package io.jasyncio.pg.protocol;
