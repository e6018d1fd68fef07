/**
 * Not API (the package is not exported): the codecs between PostgreSQL's wire formats and Java values — the
 * built-in binary ones ({@link io.jasyncio.pg.types.Codecs}), arrays, records, numeric — and each connection's
 * registry of them by type OID ({@link io.jasyncio.pg.types.Types}).
 *
 * <p>Threading: codecs are stateless; a registry belongs to its connection's loop thread. Start reading at
 * {@link io.jasyncio.pg.types.Codec}.
 */
package io.jasyncio.pg.types;
