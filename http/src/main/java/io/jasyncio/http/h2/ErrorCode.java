package io.jasyncio.http.h2;

/**
 * The error codes of RFC 9113 §7, carried by RST_STREAM and GOAWAY.
 *
 * <p>Threading: immutable.
 */
public enum ErrorCode {
    /** 0x0: A graceful end: no error. */
    NO_ERROR(0x0),
    /** 0x1: The peer broke the protocol. */
    PROTOCOL_ERROR(0x1),
    /** 0x2: An unexpected internal error. */
    INTERNAL_ERROR(0x2),
    /** 0x3: The peer broke flow control. */
    FLOW_CONTROL_ERROR(0x3),
    /** 0x4: SETTINGS were not acknowledged in time. */
    SETTINGS_TIMEOUT(0x4),
    /** 0x5: A frame came on a half-closed stream. */
    STREAM_CLOSED(0x5),
    /** 0x6: A frame of an invalid size. */
    FRAME_SIZE_ERROR(0x6),
    /** 0x7: The stream was refused before any processing: it may be retried. */
    REFUSED_STREAM(0x7),
    /** 0x8: The stream is no longer needed. */
    CANCEL(0x8),
    /** 0x9: The HPACK context cannot be kept. */
    COMPRESSION_ERROR(0x9),
    /** 0xa: The connection of a CONNECT request was reset or closed. */
    CONNECT_ERROR(0xa),
    /** 0xb: The peer is generating excessive load. */
    ENHANCE_YOUR_CALM(0xb),
    /** 0xc: The transport's security is not adequate. */
    INADEQUATE_SECURITY(0xc),
    /** 0xd: The request must be made over HTTP/1.1. */
    HTTP_1_1_REQUIRED(0xd);

    /** The code on the wire. */
    public final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    /**
     * The code named {@code code}; an unknown code is treated as INTERNAL_ERROR (RFC 9113 §7).
     *
     * @param code the code on the wire
     * @return its constant, or {@link #INTERNAL_ERROR}
     */
    public static ErrorCode of(long code) {
        for (ErrorCode e : values()) if (e.code == code) return e;
        return INTERNAL_ERROR;
    }
}
