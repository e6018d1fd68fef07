package io.jasyncio.transport;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * asyncio's {@code WriteTransport}: the writing side of a connection, with flow control. Writes never block:
 * what the socket cannot take at once is buffered and sent as the socket becomes writable. When the buffer
 * goes over the high-water mark the protocol's {@code pauseWriting()} is called, and {@code resumeWriting()}
 * when it drains to the low-water mark.
 *
 * <p>Threading: the event loop's thread only.
 */
public interface WriteTransport extends BaseTransport {
    /** Default high-water mark of the write buffer: 64 KiB. */
    int DEFAULT_HIGH_WATER = 64 * 1024;

    /**
     * Sets the write buffer limits (asyncio's {@code set_write_buffer_limits(high, low)}). A null {@code high}
     * becomes 64 KiB, or 4 × {@code low} if {@code low} is given; a null {@code low} becomes {@code high / 4}.
     * Requires {@code high >= low >= 0}.
     */
    void setWriteBufferLimits(Integer high, Integer low);

    /** {@link #setWriteBufferLimits(Integer, Integer)} with the low-water mark at {@code high / 4}. */
    default void setWriteBufferLimits(int high) {
        setWriteBufferLimits(high, null);
    }

    /** The current water marks (asyncio's {@code get_write_buffer_limits()}, which returns {@code (low, high)}). */
    WriteBufferLimits getWriteBufferLimits();

    /** How many bytes are buffered, waiting to be sent. */
    long getWriteBufferSize();

    /**
     * Sends the remaining bytes of {@code data}, consuming them (the buffer's position reaches its limit).
     * Bytes the socket does not take at once are copied, so the caller may reuse the buffer.
     */
    void write(ByteBuffer data);

    /** Sends {@code data}; the array is copied if it cannot be sent at once, so the caller may reuse it. */
    default void write(byte[] data) {
        write(ByteBuffer.wrap(data));
    }

    /**
     * Sends the buffers one after the other. The default joins them and calls {@link #write(ByteBuffer)} once;
     * socket transports gather them into one system call instead.
     */
    default void writelines(List<ByteBuffer> data) {
        int n = 0;
        for (ByteBuffer b : data) n += b.remaining();
        ByteBuffer all = ByteBuffer.allocate(n);
        for (ByteBuffer b : data) all.put(b);
        write(all.flip());
    }

    /** Closes the sending side once the buffered data is sent (TCP half-close); writing after it fails. */
    void writeEof();

    /** Whether {@link #writeEof()} is supported. */
    boolean canWriteEof();

    /** Closes at once, dropping buffered data; the protocol's {@code connectionLost(null)} is called. */
    void abort();
}
