package io.jasyncio.http.h2;

import java.util.Arrays;

/**
 * The HTTP/2 frames (RFC 9113 §6), as {@link FrameReader} parses them and {@link FrameWriter} writes them. Frame
 * bodies are the frame's own arrays (not copied again).
 *
 * <p>Threading: immutable records (the arrays are not to be changed once made).
 */
public sealed interface Frame {
    int TYPE_DATA = 0x0, TYPE_HEADERS = 0x1, TYPE_PRIORITY = 0x2, TYPE_RST_STREAM = 0x3, TYPE_SETTINGS = 0x4,
            TYPE_PUSH_PROMISE = 0x5, TYPE_PING = 0x6, TYPE_GOAWAY = 0x7, TYPE_WINDOW_UPDATE = 0x8, TYPE_CONTINUATION = 0x9;
    int FLAG_END_STREAM = 0x1, FLAG_ACK = 0x1, FLAG_END_HEADERS = 0x4, FLAG_PADDED = 0x8, FLAG_PRIORITY = 0x20;

    /** The stream the frame belongs to; 0 for the connection's own frames. */
    int streamId();

    /**
     * DATA. {@code flowLength} is the frame's whole payload, padding included: what it costs of the flow-control
     * windows (§6.9.1).
     */
    record Data(int streamId, byte[] data, boolean endStream, int flowLength) implements Frame {}

    /** HEADERS: the first fragment of a header block; {@code endHeaders} when no CONTINUATION follows. */
    record Headers(int streamId, byte[] fragment, boolean endStream, boolean endHeaders) implements Frame {}

    /** PRIORITY (deprecated by RFC 9113 §5.3.2, parsed and ignored). */
    record Priority(int streamId, int dependency, boolean exclusive, int weight) implements Frame {}

    record RstStream(int streamId, ErrorCode error) implements Frame {}

    /** SETTINGS: parameter {@code ids[i]} set to {@code values[i]}, in order; none when {@code ack}. */
    record Settings(boolean ack, int[] ids, long[] values) implements Frame {
        public static final int HEADER_TABLE_SIZE = 0x1, ENABLE_PUSH = 0x2, MAX_CONCURRENT_STREAMS = 0x3,
                INITIAL_WINDOW_SIZE = 0x4, MAX_FRAME_SIZE = 0x5, MAX_HEADER_LIST_SIZE = 0x6,
                ENABLE_CONNECT_PROTOCOL = 0x8; // RFC 8441 §3

        @Override
        public int streamId() {
            return 0;
        }

        @Override
        public String toString() {
            return "Settings[ack=" + ack + ", ids=" + Arrays.toString(ids) + ", values=" + Arrays.toString(values) + "]";
        }
    }

    record PushPromise(int streamId, int promisedStreamId, byte[] fragment, boolean endHeaders) implements Frame {}

    record Ping(boolean ack, long data) implements Frame {
        @Override
        public int streamId() {
            return 0;
        }
    }

    record GoAway(int lastStreamId, ErrorCode error, byte[] debugData) implements Frame {
        @Override
        public int streamId() {
            return 0;
        }
    }

    record WindowUpdate(int streamId, int increment) implements Frame {}

    record Continuation(int streamId, byte[] fragment, boolean endHeaders) implements Frame {}
}
