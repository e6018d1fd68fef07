package io.jasyncio.http.ws;

/**
 * Close codes (RFC 6455 section 7.4; aiohttp's {@code WSCloseCode}), and which of them may travel in a close
 * frame.
 *
 * <p>Threading: constants only.
 */
public final class WSCloseCode {
    private WSCloseCode() {}

    public static final int OK = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int PROTOCOL_ERROR = 1002;
    public static final int UNSUPPORTED_DATA = 1003;
    /** Never sent: a close frame without a code is received as this. */
    public static final int NO_STATUS_RECEIVED = 1005;
    /** Never sent: the connection ended without a close frame. */
    public static final int ABNORMAL_CLOSURE = 1006;
    public static final int INVALID_TEXT = 1007;
    public static final int POLICY_VIOLATION = 1008;
    public static final int MESSAGE_TOO_BIG = 1009;
    public static final int MANDATORY_EXTENSION = 1010;
    public static final int INTERNAL_ERROR = 1011;
    public static final int SERVICE_RESTART = 1012;
    public static final int TRY_AGAIN_LATER = 1013;
    public static final int BAD_GATEWAY = 1014;

    /**
     * Whether {@code code} may appear in a close frame: 1000-1003, 1007-1014 (IANA's registry), and 3000-4999
     * (libraries and applications). 1004-1006, 1015, the rest of 1000-2999, and anything outside are refused.
     */
    public static boolean sendable(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    }
}
