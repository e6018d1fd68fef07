package io.jasyncio.loadtest.metrics;

import java.util.regex.Pattern;

/**
 * The kinds of failure the load tester tells apart. A kind is a lower-case word ({@code [a-z0-9_]+}); these are
 * the built-in ones, and a scenario may name its own (say {@code input_timeout}) with
 * {@link io.jasyncio.loadtest.scenario.VirtualUser#fail}.
 *
 * <p>Threading: constants.
 */
public final class ErrorKind {
    private ErrorKind() {}

    /** Nothing listens at the address (the connection was refused). */
    public static final String CONNECT_REFUSED = "connect_refused";
    /** Connecting failed otherwise (unknown host, no route, ...). */
    public static final String CONNECT_ERROR = "connect_error";
    /** The TLS handshake failed (an untrusted certificate, a host name that does not match it: see --insecure). */
    public static final String TLS = "tls";
    /** The connection was reset or closed before the answer was complete. */
    public static final String RESET = "reset";
    /** No complete answer within the request's or step's timeout (the client gave up). */
    public static final String TIMEOUT = "timeout";
    /** An HTTP answer with a 4xx status. */
    public static final String HTTP_4XX = "http_4xx";
    /** An HTTP answer with a 5xx status. */
    public static final String HTTP_5XX = "http_5xx";
    /** An answer that is not in the protocol (bad status line, bad framing, over a limit). */
    public static final String MALFORMED = "malformed";
    /** A WebSocket handshake the server refused or answered wrongly (a 4xx or 5xx refusal counts as {@code http_4xx}/{@code http_5xx}). */
    public static final String WS_HANDSHAKE = "ws_handshake";
    /** The server closed the WebSocket (its close code and reason in the message) where an answer was awaited. */
    public static final String WS_CLOSE = "ws_close";
    /** A scenario's check that failed without naming a kind of its own. */
    public static final String CHECK = "check";
    /** A scenario step threw something the load tester does not know (a bug in the scenario, usually). */
    public static final String SCENARIO_ERROR = "scenario_error";

    private static final Pattern WORD = Pattern.compile("[a-z0-9_]{1,40}");

    /**
     * {@code kind}, if it is a valid kind name; otherwise an {@link IllegalArgumentException} saying why.
     *
     * @param kind the name to check
     * @return {@code kind}
     * @throws IllegalArgumentException it is not 1 to 40 of a-z, 0-9 and _
     */
    public static String require(String kind) {
        if (kind == null || !WORD.matcher(kind).matches()) {
            throw new IllegalArgumentException("an error kind is 1 to 40 of a-z, 0-9 and _, got '" + kind + "'");
        }
        return kind;
    }

    /**
     * The kind of an HTTP status that is a failure (4xx or 5xx), or null for any other status.
     *
     * @param status the HTTP status code
     * @return {@link #HTTP_5XX}, {@link #HTTP_4XX} or null
     */
    public static String ofStatus(int status) {
        if (status >= 500) return HTTP_5XX;
        if (status >= 400) return HTTP_4XX;
        return null;
    }
}
