package io.jasyncio.pg;

import io.jasyncio.pg.protocol.MessageBuffer;
import io.jasyncio.pg.types.Codec;
import io.jasyncio.pg.types.Types;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Function;

/**
 * A user's codec for one type, given to {@link Connection#setTypeCodec} (asyncpg's {@code set_type_codec}):
 * functions between the Java value and the type's text form ({@link #text}) or binary form ({@link #binary}).
 * Arguments of the type go through the encoder, results through the decoder (elements of arrays of the type too,
 * in binary).
 *
 * <p>Threading: immutable. The encoder is called on the connection's loop thread; the decoder wherever a
 * {@link Record}'s value is read (records decode when asked, on any thread), so it must be thread-safe when records
 * are read off the loop. Neither may block.
 *
 * @param <T> the Java type
 */
public final class TypeCodec<T> {
    private final Codec codec;

    private TypeCodec(Codec codec) {
        this.codec = codec;
    }

    /**
     * The type travels as text: {@code encoder} gives the text form the server parses, {@code decoder} reads it.
     *
     * @param <T> the Java type
     * @param encoder the value's text form
     * @param decoder the value of a text form
     * @return the codec
     */
    public static <T> TypeCodec<T> text(Function<? super T, String> encoder, Function<String, ? extends T> decoder) {
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(decoder, "decoder");
        return new TypeCodec<>(new Codec() {
            public boolean binary() {
                return false;
            }

            public Object decode(byte[] b, int off, int len, Types t) {
                return decoder.apply(new String(b, off, len, StandardCharsets.UTF_8));
            }

            @SuppressWarnings("unchecked")
            public void encode(Object v, MessageBuffer out, Types t) {
                out.putUtf8(encoder.apply((T) v));
            }
        });
    }

    /**
     * The type travels in the server's binary format (its {@code typsend}/{@code typreceive} form).
     *
     * @param <T> the Java type
     * @param encoder the value's binary form
     * @param decoder the value of a binary form (a copy of the bytes)
     * @return the codec
     */
    public static <T> TypeCodec<T> binary(Function<? super T, byte[]> encoder, Function<byte[], ? extends T> decoder) {
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(decoder, "decoder");
        return new TypeCodec<>(new Codec() {
            public boolean binary() {
                return true;
            }

            public Object decode(byte[] b, int off, int len, Types t) {
                byte[] v = new byte[len];
                System.arraycopy(b, off, v, 0, len);
                return decoder.apply(v);
            }

            @SuppressWarnings("unchecked")
            public void encode(Object v, MessageBuffer out, Types t) {
                out.putBytes(encoder.apply((T) v));
            }
        });
    }

    Codec codec() {
        return codec;
    }
}
