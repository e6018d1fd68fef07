package io.jasyncio.http.ws;

/**
 * Close codes (RFC 6455 section 7.4; aiohttp's {@code WSCloseCode}), and which of them may travel in a close
 * frame.
 *
 * <p>Threading: constants only.
 */
public final class WSCloseCode {
    private WSCloseCode() {}

    /** 1000: a normal closure. */
    public static final int OK = 1000;
    /** 1001: the endpoint goes away (a server shutting down, a page left). */
    public static final int GOING_AWAY = 1001;
    /** 1002: the peer broke the protocol. */
    public static final int PROTOCOL_ERROR = 1002;
    /** 1003: a message of a type the endpoint cannot take. */
    public static final int UNSUPPORTED_DATA = 1003;
    /** Never sent: a close frame without a code is received as this. */
    public static final int NO_STATUS_RECEIVED = 1005;
    /** Never sent: the connection ended without a close frame. */
    public static final int ABNORMAL_CLOSURE = 1006;
    /** 1007: a text message that is not valid UTF-8. */
    public static final int INVALID_TEXT = 1007;
    /** 1008: a message that breaks the endpoint's policy. */
    public static final int POLICY_VIOLATION = 1008;
    /** 1009: a message too large to take. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** 1010: the client needs an extension the server did not agree on. */
    public static final int MANDATORY_EXTENSION = 1010;
    /** 1011: the server met an unexpected condition. */
    public static final int INTERNAL_ERROR = 1011;
    /** 1012: the service is restarting. */
    public static final int SERVICE_RESTART = 1012;
    /** 1013: the service is overloaded; try again later. */
    public static final int TRY_AGAIN_LATER = 1013;
    /** 1014: a gateway got a bad answer from upstream. */
    public static final int BAD_GATEWAY = 1014;

    /**
     * Whether {@code code} may appear in a close frame: 1000-1003, 1007-1014 (IANA's registry), and 3000-4999
     * (libraries and applications). 1004-1006, 1015, the rest of 1000-2999, and anything outside are refused.
     *
     * @param code a close code
     * @return true if it may be sent
     */
    public static boolean sendable(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    }
}
