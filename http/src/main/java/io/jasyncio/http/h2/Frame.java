package io.jasyncio.http.h2;

import java.util.Arrays;

/**
 * The HTTP/2 frames (RFC 9113 §6), as {@link FrameReader} parses them and {@link FrameWriter} writes them. Frame
 * bodies are the frame's own arrays (not copied again).
 *
 * <p>Threading: immutable records (the arrays are not to be changed once made).
 */
public sealed interface Frame {
    /** The DATA frame type (§6.1). */
    int TYPE_DATA = 0x0;
    /** The HEADERS frame type (§6.2). */
    int TYPE_HEADERS = 0x1;
    /** The PRIORITY frame type (§6.3). */
    int TYPE_PRIORITY = 0x2;
    /** The RST_STREAM frame type (§6.4). */
    int TYPE_RST_STREAM = 0x3;
    /** The SETTINGS frame type (§6.5). */
    int TYPE_SETTINGS = 0x4;
    /** The PUSH_PROMISE frame type (§6.6). */
    int TYPE_PUSH_PROMISE = 0x5;
    /** The PING frame type (§6.7). */
    int TYPE_PING = 0x6;
    /** The GOAWAY frame type (§6.8). */
    int TYPE_GOAWAY = 0x7;
    /** The WINDOW_UPDATE frame type (§6.9). */
    int TYPE_WINDOW_UPDATE = 0x8;
    /** The CONTINUATION frame type (§6.10). */
    int TYPE_CONTINUATION = 0x9;
    /** DATA and HEADERS flag: the sender's last frame on the stream. */
    int FLAG_END_STREAM = 0x1;
    /** SETTINGS and PING flag: the frame acknowledges the peer's. */
    int FLAG_ACK = 0x1;
    /** HEADERS, PUSH_PROMISE and CONTINUATION flag: the header block ends with this frame. */
    int FLAG_END_HEADERS = 0x4;
    /** DATA, HEADERS and PUSH_PROMISE flag: the payload is padded. */
    int FLAG_PADDED = 0x8;
    /** HEADERS flag: the payload starts with priority fields. */
    int FLAG_PRIORITY = 0x20;

    /**
     * The stream the frame belongs to; 0 for the connection's own frames.
     *
     * @return the stream id, or 0
     */
    int streamId();

    /**
     * DATA. {@code flowLength} is the frame's whole payload, padding included: what it costs of the flow-control
     * windows (§6.9.1).
     *
     * @param streamId the stream
     * @param data the data, padding removed
     * @param endStream whether END_STREAM is set
     * @param flowLength the payload's length, padding included
     */
    record Data(int streamId, byte[] data, boolean endStream, int flowLength) implements Frame {}

    /**
     * HEADERS: the first fragment of a header block; {@code endHeaders} when no CONTINUATION follows.
     *
     * @param streamId the stream
     * @param fragment the header block fragment, padding and priority fields removed
     * @param endStream whether END_STREAM is set
     * @param endHeaders whether END_HEADERS is set
     */
    record Headers(int streamId, byte[] fragment, boolean endStream, boolean endHeaders) implements Frame {}

    /**
     * PRIORITY (deprecated by RFC 9113 §5.3.2, parsed and ignored).
     *
     * @param streamId the stream
     * @param dependency the stream it depends on
     * @param exclusive whether the dependency is exclusive
     * @param weight the weight, 1 to 256
     */
    record Priority(int streamId, int dependency, boolean exclusive, int weight) implements Frame {}

    /**
     * RST_STREAM: the stream is ended at once.
     *
     * @param streamId the stream
     * @param error why
     */
    record RstStream(int streamId, ErrorCode error) implements Frame {}

    /**
     * SETTINGS: parameter {@code ids[i]} set to {@code values[i]}, in order; none when {@code ack}.
     *
     * @param ack whether ACK is set
     * @param ids the parameters' ids
     * @param values their values
     */
    record Settings(boolean ack, int[] ids, long[] values) implements Frame {
        /** SETTINGS_HEADER_TABLE_SIZE: the largest HPACK dynamic table the sender's decoder allows. */
        public static final int HEADER_TABLE_SIZE = 0x1;
        /** SETTINGS_ENABLE_PUSH: whether server push is allowed (0 or 1). */
        public static final int ENABLE_PUSH = 0x2;
        /** SETTINGS_MAX_CONCURRENT_STREAMS: the streams the sender lets its peer open at once. */
        public static final int MAX_CONCURRENT_STREAMS = 0x3;
        /** SETTINGS_INITIAL_WINDOW_SIZE: each new stream's flow-control window. */
        public static final int INITIAL_WINDOW_SIZE = 0x4;
        /** SETTINGS_MAX_FRAME_SIZE: the largest frame payload the sender accepts. */
        public static final int MAX_FRAME_SIZE = 0x5;
        /** SETTINGS_MAX_HEADER_LIST_SIZE: the largest header list the sender accepts. */
        public static final int MAX_HEADER_LIST_SIZE = 0x6;
        /** SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441 §3): the extended CONNECT is allowed. */
        public static final int ENABLE_CONNECT_PROTOCOL = 0x8;

        @Override
        public int streamId() {
            return 0;
        }

        @Override
        public String toString() {
            return "Settings[ack=" + ack + ", ids=" + Arrays.toString(ids) + ", values=" + Arrays.toString(values) + "]";
        }
    }

    /**
     * PUSH_PROMISE: refused by both ends here (a connection error), as push is never enabled.
     *
     * @param streamId the stream the promise is made on
     * @param promisedStreamId the stream the server reserves
     * @param fragment the header block fragment of the promised request
     * @param endHeaders whether END_HEADERS is set
     */
    record PushPromise(int streamId, int promisedStreamId, byte[] fragment, boolean endHeaders) implements Frame {}

    /**
     * PING: {@code data} echoed back in a PING with ACK.
     *
     * @param ack whether ACK is set
     * @param data the 8 bytes of opaque data
     */
    record Ping(boolean ack, long data) implements Frame {
        @Override
        public int streamId() {
            return 0;
        }
    }

    /**
     * GOAWAY: the sender ends the connection; streams above {@code lastStreamId} were not processed.
     *
     * @param lastStreamId the highest stream the sender processed or may process
     * @param error why
     * @param debugData the sender's debug data, possibly empty
     */
    record GoAway(int lastStreamId, ErrorCode error, byte[] debugData) implements Frame {
        @Override
        public int streamId() {
            return 0;
        }
    }

    /**
     * WINDOW_UPDATE: the receiver's window grows.
     *
     * @param streamId the stream, or 0 for the connection's window
     * @param increment the bytes added
     */
    record WindowUpdate(int streamId, int increment) implements Frame {}

    /**
     * CONTINUATION: the next fragment of a header block.
     *
     * @param streamId the stream
     * @param fragment the fragment
     * @param endHeaders whether the header block ends here
     */
    record Continuation(int streamId, byte[] fragment, boolean endHeaders) implements Frame {}
}
