package io.jasyncio.pg.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Big-endian reads and writes on byte arrays (the wire's byte order), and UTF-8 text out of them.
 *
 * <p>Threading: stateless.
 */
public final class Bytes {
    private Bytes() {}

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    public static short getShort(byte[] b, int off) {
        return (short) SHORT.get(b, off);
    }

    public static int getInt(byte[] b, int off) {
        return (int) INT.get(b, off);
    }

    public static long getLong(byte[] b, int off) {
        return (long) LONG.get(b, off);
    }

    public static void putShort(byte[] b, int off, short v) {
        SHORT.set(b, off, v);
    }

    public static void putInt(byte[] b, int off, int v) {
        INT.set(b, off, v);
    }

    public static void putLong(byte[] b, int off, long v) {
        LONG.set(b, off, v);
    }

    /** The UTF-8 text of {@code len} bytes at {@code off}. */
    public static String utf8(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.UTF_8);
    }

    /** The NUL-terminated UTF-8 string at {@code off} (the wire's String type); {@code end} bounds the search. */
    public static String cstring(byte[] b, int off, int end) {
        int z = indexOfNul(b, off, end);
        return new String(b, off, z - off, StandardCharsets.UTF_8);
    }

    /** The index of the NUL at or after {@code off}; a message without one is malformed. */
    public static int indexOfNul(byte[] b, int off, int end) {
        for (int i = off; i < end; i++) if (b[i] == 0) return i;
        throw new ProtocolViolation("a string in a server message is not NUL-terminated");
    }
}
