package io.jasyncio.loadtest.target;

import io.jasyncio.loadtest.scenario.IterationFailed;
import io.jasyncio.loadtest.scenario.Scenario;
import io.jasyncio.loadtest.scenario.VirtualUser;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The command line's WebSocket target ({@code loadtest ws://host:port/path --body MESSAGE}): each virtual user
 * keeps one WebSocket open; each iteration sends the message and awaits the server's next message (an echo
 * server's copy, or any answer). Two steps: {@code connect} (the handshake, only when the user has no open
 * connection: at its first iteration and after a failure dropped it) and {@code message} (send to answer:
 * the per-message latency). In the open model the iteration's latency is measured from its intended start, as
 * for every scenario. Failures are counted as {@link io.jasyncio.loadtest.scenario.WebSocketClient} says; after
 * a failed connect the user waits (10 ms, doubling to 1 s while connecting keeps failing) before its next try.
 *
 * <p>Threading: immutable; {@link #run} as {@link Scenario}.
 */
public final class WebSocketTarget implements Scenario {
    /** The message sent when none is given. */
    public static final String DEFAULT_MESSAGE = "hello";

    private final String url;
    private final String message;

    /**
     * {@code url} (ws:// or wss://), checked; {@code message} (text) sent each iteration.
     *
     * @param url a {@code ws://} or {@code wss://} URL
     * @param message the text message
     * @throws IllegalArgumentException not a WebSocket URL
     */
    public WebSocketTarget(String url, String message) {
        this.url = check(url);
        this.message = message;
    }

    /**
     * Whether {@code url} is a WebSocket URL (ws:// or wss://, any case).
     *
     * @param url the URL
     * @return true for ws:// and wss://
     */
    public static boolean isWebSocket(String url) {
        return url.regionMatches(true, 0, "ws://", 0, 5) || url.regionMatches(true, 0, "wss://", 0, 6);
    }

    private static String check(String url) {
        if (!isWebSocket(url)) throw new IllegalArgumentException("a WebSocket target is ws://HOST[:PORT]/PATH or wss://..., got " + url);
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + url + " (" + e.getReason() + ")");
        }
        if (u.getHost() == null || u.getHost().isEmpty()) throw new IllegalArgumentException("the URL has no host: " + url);
        if (u.getRawFragment() != null) throw new IllegalArgumentException("a WebSocket URL has no #fragment: " + url);
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        return scheme + url.substring(scheme.length());
    }

    @Override
    public void run(VirtualUser vu) {
        if (!vu.ws().isOpen(url)) {
            try {
                vu.step("connect", () -> {
                    vu.ws().connect(url);
                    return null;
                });
                vu.vars().remove(FAILED_CONNECTS);
            } catch (IterationFailed e) {
                // back off before the next try (10 ms doubling to 1 s), as the HTTP form does: a refusing server is
                // not hammered, and the failures stay countable
                int n = (Integer) vu.vars().merge(FAILED_CONNECTS, 1, (a, b) -> (Integer) a + 1);
                vu.think(Math.min(MAX_BACKOFF, FIRST_BACKOFF * (1L << Math.min(20, n - 1))));
                throw e;
            }
        }
        vu.step("message", () -> vu.ws().ask(url, message));
    }

    private static final String FAILED_CONNECTS = "websocket.failedConnects";
    private static final double FIRST_BACKOFF = 0.01;
    private static final double MAX_BACKOFF = 1;

    @Override
    public String name() {
        return "websocket " + url;
    }
}
