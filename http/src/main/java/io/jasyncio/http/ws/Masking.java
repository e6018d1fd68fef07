package io.jasyncio.http.ws;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * XORs a payload with a 4-byte masking key (RFC 6455 section 5.3), eight bytes at a time.
 *
 * <p>Threading: stateless.
 */
final class Masking {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Masking() {}

    /** Masks (or unmasks) {@code b[off, off+n)} with {@code key}, starting at key byte {@code phase}. */
    static void apply(byte[] b, int off, int n, byte[] key, int phase) {
        int i = 0;
        if (n >= 16) {
            long k = 0;
            for (int j = 0; j < 8; j++) k |= (long) (key[(phase + j) & 3] & 0xFF) << (8 * j);
            for (; i + 8 <= n; i += 8) LONGS.set(b, off + i, (long) LONGS.get(b, off + i) ^ k);
        }
        for (; i < n; i++) b[off + i] ^= key[(phase + i) & 3]; // i is a multiple of 8: the key's phase holds
    }
}
