package io.jasyncio.pg.types;

import io.jasyncio.pg.protocol.MessageBuffer;

/**
 * Converts one PostgreSQL type's values between the wire and Java, in binary or text format. The built-in ones are
 * in {@link Codecs}; {@link io.jasyncio.pg.Connection#setTypeCodec} adds a user's.
 *
 * <p>Threading: codecs are stateless and shared between connections and loops.
 */
public interface Codec {
    /** Whether values travel in binary format (else text: UTF-8 as the server prints them). */
    boolean binary();

    /** The value of {@code len} bytes at {@code off} ({@code len >= 0}: NULL never reaches a codec). */
    Object decode(byte[] b, int off, int len, Types types);

    /**
     * Writes {@code value}'s bytes (not its length) into {@code out}; a value of a type this codec does not take
     * is a {@link io.jasyncio.pg.DataError} naming what it takes (the caller adds which argument it was).
     */
    void encode(Object value, MessageBuffer out, Types types);
}
