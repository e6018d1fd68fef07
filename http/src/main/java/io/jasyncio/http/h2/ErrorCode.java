package io.jasyncio.http.h2;

/**
 * The error codes of RFC 9113 §7, carried by RST_STREAM and GOAWAY.
 *
 * <p>Threading: immutable.
 */
public enum ErrorCode {
    NO_ERROR(0x0), PROTOCOL_ERROR(0x1), INTERNAL_ERROR(0x2), FLOW_CONTROL_ERROR(0x3), SETTINGS_TIMEOUT(0x4),
    STREAM_CLOSED(0x5), FRAME_SIZE_ERROR(0x6), REFUSED_STREAM(0x7), CANCEL(0x8), COMPRESSION_ERROR(0x9),
    CONNECT_ERROR(0xa), ENHANCE_YOUR_CALM(0xb), INADEQUATE_SECURITY(0xc), HTTP_1_1_REQUIRED(0xd);

    /** The code on the wire. */
    public final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    /** The code named {@code code}; an unknown code is treated as INTERNAL_ERROR (RFC 9113 §7). */
    public static ErrorCode of(long code) {
        for (ErrorCode e : values()) if (e.code == code) return e;
        return INTERNAL_ERROR;
    }
}
