package io.jasyncio.http.h2;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Parses the bytes of a connection into {@link Frame}s (RFC 9113 §4.1), with the checks §4-§6 ask of each type:
 * frame length within SETTINGS_MAX_FRAME_SIZE, the stream id each type requires (zero or not), fixed lengths,
 * padding shorter than the payload, SETTINGS values in range, a non-zero WINDOW_UPDATE increment, and a header
 * block's CONTINUATION frames following its HEADERS (or PUSH_PROMISE) with nothing between (§6.10). A breach
 * throws {@link Http2Exception}: a connection error, or a stream error where the RFC allows one. Frames of unknown
 * types are skipped (§4.1). The reader holds the bytes of at most one incomplete frame beyond what it was fed.
 *
 * <p>Threading: one connection's, on its thread.
 */
public final class FrameReader {
    /** The protocol's default and minimum SETTINGS_MAX_FRAME_SIZE. */
    public static final int DEFAULT_MAX_FRAME_SIZE = 16_384;
    /** The protocol's largest SETTINGS_MAX_FRAME_SIZE: 2^24-1. */
    public static final int MAX_MAX_FRAME_SIZE = (1 << 24) - 1;

    private byte[] buf = new byte[1024];
    private int start;
    private int end;
    private int maxFrameSize;
    /** The stream whose header block awaits CONTINUATION frames, or 0. */
    private int continuing;

    /**
     * A reader accepting frame payloads of up to {@code maxFrameSize} bytes.
     *
     * @param maxFrameSize the largest payload, {@link #DEFAULT_MAX_FRAME_SIZE} to {@link #MAX_MAX_FRAME_SIZE}
     * @throws IllegalArgumentException if {@code maxFrameSize} is out of range
     */
    public FrameReader(int maxFrameSize) {
        setMaxFrameSize(maxFrameSize);
    }

    /**
     * The largest frame payload accepted (what we advertised as SETTINGS_MAX_FRAME_SIZE).
     *
     * @param size the largest payload, {@link #DEFAULT_MAX_FRAME_SIZE} to {@link #MAX_MAX_FRAME_SIZE}
     * @throws IllegalArgumentException if {@code size} is out of range
     */
    public void setMaxFrameSize(int size) {
        if (size < DEFAULT_MAX_FRAME_SIZE || size > MAX_MAX_FRAME_SIZE) throw new IllegalArgumentException("max frame size out of range: " + size);
        maxFrameSize = size;
    }

    /**
     * Adds received bytes (all of {@code data} is taken).
     *
     * @param data the bytes; its position moves to its limit
     */
    public void feed(ByteBuffer data) {
        int n = data.remaining();
        if (end + n > buf.length) {
            int held = end - start;
            if (held + n > buf.length) buf = moved(Math.max(buf.length * 2, held + n));
            else System.arraycopy(buf, start, buf, 0, held);
            start = 0;
            end = held;
        }
        data.get(buf, end, n);
        end += n;
    }

    /**
     * Bytes fed and not yet returned as frames.
     *
     * @return the number of bytes buffered
     */
    public int buffered() {
        return end - start;
    }

    /**
     * Whether a header block is open (a HEADERS without END_HEADERS, awaiting CONTINUATION).
     *
     * @return true while CONTINUATION frames are expected
     */
    public boolean inHeaderBlock() {
        return continuing != 0;
    }

    /**
     * The next whole frame, or null until more bytes are fed.
     *
     * @return the frame, or null
     * @throws Http2Exception when the bytes break the protocol
     */
    public Frame next() {
        while (true) {
            if (end - start < 9) return compact();
            int len = (buf[start] & 0xff) << 16 | (buf[start + 1] & 0xff) << 8 | buf[start + 2] & 0xff;
            int type = buf[start + 3] & 0xff;
            int flags = buf[start + 4] & 0xff;
            int stream = ((buf[start + 5] & 0x7f) << 24) | (buf[start + 6] & 0xff) << 16 | (buf[start + 7] & 0xff) << 8 | buf[start + 8] & 0xff;
            if (len > maxFrameSize) {
                throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "a frame of " + len + " bytes over SETTINGS_MAX_FRAME_SIZE " + maxFrameSize);
            }
            if (end - start < 9 + len) {
                if (buf.length < 9 + len) { // make room for the whole frame now, once
                    buf = moved(9 + len);
                    end -= start;
                    start = 0;
                }
                return compact();
            }
            int p = start + 9;
            start += 9 + len;
            if (continuing != 0 && (type != Frame.TYPE_CONTINUATION || stream != continuing)) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "a frame of type " + type + " on stream " + stream
                        + " in the middle of stream " + continuing + "'s header block (CONTINUATION expected)");
            }
            Frame f = parse(type, flags, stream, p, len);
            if (f != null) return f;
        }
    }

    /**
     * A new buffer of {@code size} bytes holding the unread bytes at its start ({@code copyOfRange(buf, start, size)}
     * would be {@code start} bytes short: it ends at index {@code size} of the old buffer).
     */
    private byte[] moved(int size) {
        byte[] b = new byte[size];
        System.arraycopy(buf, start, b, 0, end - start);
        return b;
    }

    private Frame compact() {
        if (start == end) start = end = 0;
        return null;
    }

    private Frame parse(int type, int flags, int stream, int p, int len) {
        switch (type) {
            case Frame.TYPE_DATA -> {
                requireStream(stream, "DATA");
                int[] body = unpad(flags, p, len, 0, "DATA");
                return new Frame.Data(stream, Arrays.copyOfRange(buf, body[0], body[0] + body[1]), (flags & Frame.FLAG_END_STREAM) != 0, len);
            }
            case Frame.TYPE_HEADERS -> {
                requireStream(stream, "HEADERS");
                boolean prio = (flags & Frame.FLAG_PRIORITY) != 0;
                int[] body = unpad(flags, p, len, prio ? 5 : 0, "HEADERS");
                if (prio && (int32(body[0]) & 0x7fffffff) == stream) {
                    // a stream error by §5.3.1, made a connection error (§5.4.1 allows it): the header block it
                    // carries would go undecoded, and the HPACK tables out of step
                    throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "stream " + stream + " depends on itself");
                }
                int off = body[0] + (prio ? 5 : 0);
                boolean endHeaders = (flags & Frame.FLAG_END_HEADERS) != 0;
                if (!endHeaders) continuing = stream;
                return new Frame.Headers(stream, Arrays.copyOfRange(buf, off, body[0] + body[1]), (flags & Frame.FLAG_END_STREAM) != 0, endHeaders);
            }
            case Frame.TYPE_PRIORITY -> {
                requireStream(stream, "PRIORITY");
                if (len != 5) throw Http2Exception.stream(stream, ErrorCode.FRAME_SIZE_ERROR, "a PRIORITY frame of " + len + " bytes (5 expected)");
                int dep = int32(p);
                if ((dep & 0x7fffffff) == stream) throw Http2Exception.stream(stream, ErrorCode.PROTOCOL_ERROR, "stream " + stream + " depends on itself");
                return new Frame.Priority(stream, dep & 0x7fffffff, dep < 0, (buf[p + 4] & 0xff) + 1);
            }
            case Frame.TYPE_RST_STREAM -> {
                requireStream(stream, "RST_STREAM");
                if (len != 4) throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "a RST_STREAM frame of " + len + " bytes (4 expected)");
                return new Frame.RstStream(stream, ErrorCode.of(int32(p) & 0xffffffffL));
            }
            case Frame.TYPE_SETTINGS -> {
                requireConnection(stream, "SETTINGS");
                boolean ack = (flags & Frame.FLAG_ACK) != 0;
                if (ack && len != 0) throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "a SETTINGS ACK with a payload of " + len + " bytes");
                if (len % 6 != 0) throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "a SETTINGS frame of " + len + " bytes (not a multiple of 6)");
                int n = len / 6;
                int[] ids = new int[n];
                long[] values = new long[n];
                for (int i = 0; i < n; i++) {
                    int q = p + 6 * i;
                    ids[i] = (buf[q] & 0xff) << 8 | buf[q + 1] & 0xff;
                    values[i] = int32(q + 2) & 0xffffffffL;
                    checkSetting(ids[i], values[i]);
                }
                return new Frame.Settings(ack, ids, values);
            }
            case Frame.TYPE_PUSH_PROMISE -> {
                requireStream(stream, "PUSH_PROMISE");
                int[] body = unpad(flags, p, len, 4, "PUSH_PROMISE");
                boolean endHeaders = (flags & Frame.FLAG_END_HEADERS) != 0;
                if (!endHeaders) continuing = stream;
                return new Frame.PushPromise(stream, int32(body[0]) & 0x7fffffff,
                        Arrays.copyOfRange(buf, body[0] + 4, body[0] + body[1]), endHeaders);
            }
            case Frame.TYPE_PING -> {
                requireConnection(stream, "PING");
                if (len != 8) throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "a PING frame of " + len + " bytes (8 expected)");
                return new Frame.Ping((flags & Frame.FLAG_ACK) != 0, ((long) int32(p) << 32) | (int32(p + 4) & 0xffffffffL));
            }
            case Frame.TYPE_GOAWAY -> {
                requireConnection(stream, "GOAWAY");
                if (len < 8) throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "a GOAWAY frame of " + len + " bytes (8 at least)");
                return new Frame.GoAway(int32(p) & 0x7fffffff, ErrorCode.of(int32(p + 4) & 0xffffffffL), Arrays.copyOfRange(buf, p + 8, p + len));
            }
            case Frame.TYPE_WINDOW_UPDATE -> {
                if (len != 4) throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "a WINDOW_UPDATE frame of " + len + " bytes (4 expected)");
                int inc = int32(p) & 0x7fffffff;
                if (inc == 0) {
                    String m = "a WINDOW_UPDATE of 0";
                    throw stream == 0 ? Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, m) : Http2Exception.stream(stream, ErrorCode.PROTOCOL_ERROR, m);
                }
                return new Frame.WindowUpdate(stream, inc);
            }
            case Frame.TYPE_CONTINUATION -> {
                if (continuing == 0) throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "a CONTINUATION frame without a header block open");
                boolean endHeaders = (flags & Frame.FLAG_END_HEADERS) != 0;
                if (endHeaders) continuing = 0;
                return new Frame.Continuation(stream, Arrays.copyOfRange(buf, p, p + len), endHeaders);
            }
            default -> {
                return null; // unknown types are ignored (§4.1, §5.5)
            }
        }
    }

    /** The payload without its padding: {offset, length}; {@code fixed} bytes must precede the data. */
    private int[] unpad(int flags, int p, int len, int fixed, String what) {
        if ((flags & Frame.FLAG_PADDED) == 0) {
            if (len < fixed) throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "a " + what + " frame of " + len + " bytes");
            return new int[] {p, len};
        }
        if (len < 1 + fixed) throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, "a padded " + what + " frame of " + len + " bytes");
        int pad = buf[p] & 0xff;
        if (pad >= len - fixed) { // §6.1: padding as long as the payload or longer
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "a " + what + " frame padded with " + pad + " of its " + len + " bytes");
        }
        return new int[] {p + 1, len - 1 - pad};
    }

    private static void requireStream(int stream, String what) {
        if (stream == 0) throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "a " + what + " frame on stream 0");
    }

    private static void requireConnection(int stream, String what) {
        if (stream != 0) throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "a " + what + " frame on stream " + stream + " (0 expected)");
    }

    /** §6.5.2's ranges. */
    static void checkSetting(int id, long v) {
        switch (id) {
            case Frame.Settings.ENABLE_PUSH -> {
                if (v > 1) throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "SETTINGS_ENABLE_PUSH of " + v);
            }
            case Frame.Settings.INITIAL_WINDOW_SIZE -> {
                if (v > Integer.MAX_VALUE) throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE of " + v);
            }
            case Frame.Settings.MAX_FRAME_SIZE -> {
                if (v < DEFAULT_MAX_FRAME_SIZE || v > MAX_MAX_FRAME_SIZE) {
                    throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "SETTINGS_MAX_FRAME_SIZE of " + v);
                }
            }
            default -> { } // others take any value; unknown ones are ignored
        }
    }

    private int int32(int p) {
        return (buf[p] & 0xff) << 24 | (buf[p + 1] & 0xff) << 16 | (buf[p + 2] & 0xff) << 8 | buf[p + 3] & 0xff;
    }
}
