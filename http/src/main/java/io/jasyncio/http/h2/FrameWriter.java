package io.jasyncio.http.h2;

import java.nio.ByteBuffer;

/**
 * Writes HTTP/2 frames (RFC 9113 §4.1, §6) into buffers ready for a transport.
 *
 * <p>Threading: stateless; any thread.
 */
public final class FrameWriter {
    private FrameWriter() {}

    /** The 24-byte client connection preface (§3.4). */
    public static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    static ByteBuffer header(int len, int type, int flags, int stream, int extra) {
        return header(ByteBuffer.allocate(9 + extra), len, type, flags, stream);
    }

    /** Puts a frame header (§4.1) in {@code out}. */
    static ByteBuffer header(ByteBuffer out, int len, int type, int flags, int stream) {
        return out.put((byte) (len >>> 16)).put((byte) (len >>> 8)).put((byte) len).put((byte) type).put((byte) flags).putInt(stream & 0x7fffffff);
    }

    /**
     * A DATA frame.
     *
     * @param stream the stream id
     * @param b the array holding the data
     * @param off where the data starts in {@code b}
     * @param len how many bytes, at most the peer's SETTINGS_MAX_FRAME_SIZE
     * @param endStream whether END_STREAM is set
     * @return the frame, ready to write
     */
    public static ByteBuffer data(int stream, byte[] b, int off, int len, boolean endStream) {
        return data(ByteBuffer.allocate(9 + len), stream, b, off, len, endStream).flip();
    }

    /** Puts a DATA frame in {@code out}, which has room for {@code 9 + len} bytes. */
    static ByteBuffer data(ByteBuffer out, int stream, byte[] b, int off, int len, boolean endStream) {
        return header(out, len, Frame.TYPE_DATA, endStream ? Frame.FLAG_END_STREAM : 0, stream).put(b, off, len);
    }

    /**
     * HEADERS then CONTINUATION frames carrying {@code block}, each at most {@code maxFrameSize} bytes.
     *
     * @param stream the stream id
     * @param block the HPACK-encoded header block
     * @param endStream whether END_STREAM is set on the HEADERS frame
     * @param maxFrameSize the peer's SETTINGS_MAX_FRAME_SIZE
     * @return the frames, ready to write
     */
    public static ByteBuffer headers(int stream, byte[] block, boolean endStream, int maxFrameSize) {
        return headers(ByteBuffer.allocate(headersSize(block.length, maxFrameSize)), stream, block, block.length, endStream, maxFrameSize).flip();
    }

    /** The bytes {@link #headers} takes for a block of {@code blockLength} bytes. */
    static int headersSize(int blockLength, int maxFrameSize) {
        return blockLength + 9 * Math.max(1, (blockLength + maxFrameSize - 1) / maxFrameSize);
    }

    /** Puts HEADERS and CONTINUATION frames carrying {@code block[0, blockLength)} in {@code out}, which has room. */
    static ByteBuffer headers(ByteBuffer out, int stream, byte[] block, int blockLength, boolean endStream, int maxFrameSize) {
        int frames = Math.max(1, (blockLength + maxFrameSize - 1) / maxFrameSize);
        int off = 0;
        for (int i = 0; i < frames; i++) {
            int n = Math.min(maxFrameSize, blockLength - off);
            int flags = (i == frames - 1 ? Frame.FLAG_END_HEADERS : 0) | (i == 0 && endStream ? Frame.FLAG_END_STREAM : 0);
            header(out, n, i == 0 ? Frame.TYPE_HEADERS : Frame.TYPE_CONTINUATION, flags, stream).put(block, off, n);
            off += n;
        }
        return out;
    }

    /**
     * An RST_STREAM frame.
     *
     * @param stream the stream reset
     * @param error why
     * @return the frame, ready to write
     */
    public static ByteBuffer rstStream(int stream, ErrorCode error) {
        return header(4, Frame.TYPE_RST_STREAM, 0, stream, 4).putInt(error.code).flip();
    }

    /**
     * SETTINGS with parameter {@code idsAndValues[2i]} set to {@code idsAndValues[2i+1]}.
     *
     * @param idsAndValues setting ids and their values, alternately
     * @return the frame, ready to write
     */
    public static ByteBuffer settings(long... idsAndValues) {
        int n = idsAndValues.length / 2;
        ByteBuffer b = header(6 * n, Frame.TYPE_SETTINGS, 0, 0, 6 * n);
        for (int i = 0; i < n; i++) b.putShort((short) idsAndValues[2 * i]).putInt((int) idsAndValues[2 * i + 1]);
        return b.flip();
    }

    /** {@return an empty SETTINGS frame with ACK set, ready to write} */
    public static ByteBuffer settingsAck() {
        return header(0, Frame.TYPE_SETTINGS, Frame.FLAG_ACK, 0, 0).flip();
    }

    /**
     * A PING frame.
     *
     * @param ack whether ACK is set (an answer to the peer's ping)
     * @param data the 8 bytes of opaque data
     * @return the frame, ready to write
     */
    public static ByteBuffer ping(boolean ack, long data) {
        return header(8, Frame.TYPE_PING, ack ? Frame.FLAG_ACK : 0, 0, 8).putLong(data).flip();
    }

    /**
     * A GOAWAY frame.
     *
     * @param lastStream the highest stream id the sender processed or may process
     * @param error why the connection ends
     * @param debug debug text, sent in UTF-8, or null
     * @return the frame, ready to write
     */
    public static ByteBuffer goAway(int lastStream, ErrorCode error, String debug) {
        byte[] d = debug == null ? new byte[0] : debug.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return header(8 + d.length, Frame.TYPE_GOAWAY, 0, 0, 8 + d.length).putInt(lastStream).putInt(error.code).put(d).flip();
    }

    /**
     * A WINDOW_UPDATE frame.
     *
     * @param stream the stream id, or 0 for the connection's window
     * @param increment the bytes added to the window, 1 to 2^31-1
     * @return the frame, ready to write
     */
    public static ByteBuffer windowUpdate(int stream, int increment) {
        return header(4, Frame.TYPE_WINDOW_UPDATE, 0, stream, 4).putInt(increment).flip();
    }

    /**
     * Any frame, as given (for tests and hostile peers: no check is made).
     *
     * @param type the frame type
     * @param flags the flags
     * @param stream the stream id
     * @param payload the payload
     * @return the frame, ready to write
     */
    public static ByteBuffer raw(int type, int flags, int stream, byte[] payload) {
        return header(payload.length, type, flags, stream, payload.length).put(payload).flip();
    }
}
