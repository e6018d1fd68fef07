package io.jasyncio.http.h2;

/**
 * A breach of HTTP/2 or HPACK by the peer (RFC 9113 §5.4): a connection error (answered with GOAWAY and the
 * connection closed) when {@link #streamId()} is 0, else a stream error (answered with RST_STREAM on that stream).
 *
 * <p>Threading: immutable.
 */
public final class Http2Exception extends RuntimeException {
    /** The error code sent to the peer. */
    private final ErrorCode code;
    /** The stream in error, or 0 for a connection error. */
    private final int streamId;

    private Http2Exception(ErrorCode code, int streamId, String message) {
        super(code + ": " + message, null, false, false);
        this.code = code;
        this.streamId = streamId;
    }

    /**
     * A connection error: the whole connection ends with GOAWAY {@code code}.
     *
     * @param code the GOAWAY's code
     * @param message what the peer did wrong
     * @return the exception, to throw
     */
    public static Http2Exception connection(ErrorCode code, String message) {
        return new Http2Exception(code, 0, message);
    }

    /**
     * A stream error: stream {@code streamId} is reset with {@code code}, the connection goes on.
     *
     * @param streamId the stream, 1 or more
     * @param code the RST_STREAM's code
     * @param message what the peer did wrong
     * @return the exception, to throw
     * @throws IllegalArgumentException if {@code streamId} is not positive
     */
    public static Http2Exception stream(int streamId, ErrorCode code, String message) {
        if (streamId <= 0) throw new IllegalArgumentException("a stream error needs a stream id: " + streamId);
        return new Http2Exception(code, streamId, message);
    }

    /** {@return the error code sent to the peer} */
    public ErrorCode code() {
        return code;
    }

    /**
     * The stream in error, or 0 for a connection error.
     *
     * @return the stream id, or 0
     */
    public int streamId() {
        return streamId;
    }

    /** {@return whether the whole connection ends (the stream id is 0)} */
    public boolean isConnectionError() {
        return streamId == 0;
    }
}
