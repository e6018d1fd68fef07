package io.jasyncio.pg.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte array that frontend messages are encoded into, big-endian, then handed to the transport in one
 * write. One per connection, reused: encoding a query allocates nothing once the array is large enough.
 *
 * <p>Threading: the connection's loop thread only.
 */
public final class MessageBuffer {
    private byte[] buf;
    private int pos;
    /** What {@link #shrink()} returns to: a large COPY or batch does not keep a large array for ever. */
    private final int initial;

    public MessageBuffer(int initialCapacity) {
        buf = new byte[initialCapacity];
        initial = initialCapacity;
    }

    public int size() {
        return pos;
    }

    /** Drops everything after {@code size} (undoes a message that failed to encode). */
    public void truncate(int size) {
        pos = size;
    }

    public void clear() {
        pos = 0;
    }

    /** Returns to the initial capacity if grown and empty. */
    public void shrink() {
        if (pos == 0 && buf.length > initial) buf = new byte[initial];
    }

    /** A view of the encoded bytes, valid until the next change (the transport copies what it cannot send). */
    public ByteBuffer view() {
        return ByteBuffer.wrap(buf, 0, pos);
    }

    /** The backing array (its first {@link #size()} bytes are the encoded ones), valid until the next change. */
    public byte[] array() {
        return buf;
    }

    public void ensure(int n) {
        if (pos + n > buf.length) grow(n);
    }

    private void grow(int n) {
        long want = Math.max((long) buf.length * 2, (long) pos + n);
        if (want > Integer.MAX_VALUE - 16) {
            if ((long) pos + n > Integer.MAX_VALUE - 16) throw new OutOfMemoryError("message buffer over 2 GiB");
            want = Integer.MAX_VALUE - 16;
        }
        buf = Arrays.copyOf(buf, (int) want);
    }

    /** Starts a message of {@code type}; returns the offset to give {@link #end}. */
    public int begin(char type) {
        ensure(5);
        buf[pos] = (byte) type;
        int at = pos + 1;
        pos += 5;
        return at;
    }

    /** Ends the message begun at {@code at}: writes its length. */
    public void end(int at) {
        Bytes.putInt(buf, at, pos - at);
    }

    /** Reserves a 4-byte length word for a value that follows; returns its offset for {@link #endValue}. */
    public int beginValue() {
        ensure(4);
        int at = pos;
        pos += 4;
        return at;
    }

    /** Writes the length of the value begun at {@code at}. */
    public void endValue(int at) {
        Bytes.putInt(buf, at, pos - at - 4);
    }

    public void putByte(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
    }

    public void putShort(int v) {
        ensure(2);
        Bytes.putShort(buf, pos, (short) v);
        pos += 2;
    }

    public void putInt(int v) {
        ensure(4);
        Bytes.putInt(buf, pos, v);
        pos += 4;
    }

    /** Writes an int at an earlier offset (a count known only at the end). */
    public void putIntAt(int at, int v) {
        Bytes.putInt(buf, at, v);
    }

    public void putLong(long v) {
        ensure(8);
        Bytes.putLong(buf, pos, v);
        pos += 8;
    }

    public void putBytes(byte[] b) {
        putBytes(b, 0, b.length);
    }

    public void putBytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    public void putBytes(ByteBuffer b) {
        int n = b.remaining();
        ensure(n);
        b.get(buf, pos, n);
        pos += n;
    }

    /** Writes {@code s} as UTF-8 (no terminator). */
    public void putUtf8(CharSequence s) {
        int n = s.length();
        ensure(n);
        int p = pos;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                pos = p;
                putUtf8Slow(s, i);
                return;
            }
            buf[p++] = (byte) c;
        }
        pos = p;
    }

    private void putUtf8Slow(CharSequence s, int from) {
        byte[] rest = s.subSequence(from, s.length()).toString().getBytes(StandardCharsets.UTF_8);
        putBytes(rest);
    }

    /** Writes {@code s} as a NUL-terminated UTF-8 string (the wire's String type); {@code s} must hold no NUL. */
    public void putCString(String s) {
        if (s.indexOf('\0') >= 0) throw new IllegalArgumentException("a string sent to the server cannot hold a NUL character");
        putUtf8(s);
        putByte(0);
    }
}
