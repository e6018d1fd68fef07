package io.jasyncio.http;

import io.jasyncio.EventLoop;
import io.jasyncio.TimerHandle;

/**
 * The timeouts of one {@link HttpConnection} while its server waits for the client (the runner's options):
 * between requests, the keep-alive timeout; a request's head must arrive whole within the head timeout of its
 * first byte; its body must keep an average rate of the minimum body rate after an allowance of the body timeout;
 * a pause of the keep-alive timeout also ends a request half sent. The clock does not run while the server
 * answers (the connection says when it runs: {@link HttpConnection#clientClockRuns}); when a deadline passes it
 * calls {@link HttpConnection#clientTimedOut}.
 *
 * <p>One timer per connection, armed for the earliest deadline and re-armed when it fires early: a request costs
 * a clock read and a comparison, not a timer-heap insertion and cancellation.
 *
 * <p>Threading: the loop's thread only.
 */
final class ClientClock {
    private final HttpConnection connection;
    private final RequestParser parser;
    private final AppRunner runner;
    private final EventLoop loop;
    private TimerHandle timer;
    private double timerWhen;
    /** When the last byte arrived or the last answer was sent. */
    private double lastActivity;
    /** The request being received, as its clock sees it: how far it is, which one, since when, bytes since. */
    private RequestParser.Stage stage = RequestParser.Stage.NONE;
    private long stageRequest;
    private double stageStart;
    private long stageBytes;

    ClientClock(HttpConnection connection, RequestParser parser, AppRunner runner) {
        this.connection = connection;
        this.parser = parser;
        this.runner = runner;
        this.loop = runner.loop();
        lastActivity = stageStart = loop.time();
    }

    /** How far the request being received is, as the clock last saw it. */
    RequestParser.Stage stage() {
        return stage;
    }

    /** Bytes have arrived (the keep-alive clock starts again). */
    void activity() {
        lastActivity = loop.time();
    }

    /** Notes {@code n} bytes received for the request still incomplete, while the server waits for the client. */
    void received(int n) {
        RequestParser.Stage st = parser.stage();
        long req = parser.completed();
        if (st != stage || req != stageRequest) { // a new head, or its body begins: a new clock
            stage = st;
            stageRequest = req;
            stageStart = lastActivity;
            stageBytes = 0;
        } else {
            stageBytes += n;
        }
        arm();
    }

    /** The server has answered: it waits for the client again, and the request being received gets a new clock. */
    void answered() {
        lastActivity = loop.time();
        stage = parser.stage();
        stageRequest = parser.completed();
        stageStart = lastActivity;
        stageBytes = 0;
    }

    /** Reading resumed after the server held a streamed body up while its handler caught up: its clock restarts. */
    void bodyResumed() {
        if (stage != RequestParser.Stage.BODY) return;
        stageStart = loop.time();
        stageBytes = 0;
        arm();
    }

    /** The connection is lost: no more deadlines. */
    void stop() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    /**
     * When the client must have sent more: the keep-alive timeout after its last byte, and for a request under
     * way its head's deadline or its body's minimum rate. Infinite while the server is answering.
     */
    private double deadline() {
        if (!connection.clientClockRuns()) return Double.POSITIVE_INFINITY;
        double keepalive = runner.keepaliveTimeout();
        double d = keepalive > 0 ? lastActivity + keepalive : Double.POSITIVE_INFINITY;
        if (stage == RequestParser.Stage.HEAD && runner.requestHeadTimeout() > 0) {
            d = Math.min(d, stageStart + runner.requestHeadTimeout());
        } else if (stage == RequestParser.Stage.BODY && runner.requestBodyMinRate() > 0) {
            d = Math.min(d, stageStart + runner.requestBodyTimeout() + stageBytes / runner.requestBodyMinRate());
        }
        return d;
    }

    /** Makes the timer fire no later than the deadline (it fires early rather than being moved later). */
    void arm() {
        double d = deadline();
        if (d == Double.POSITIVE_INFINITY) return; // armed again when the server waits for the client
        if (timer != null) {
            if (timerWhen <= d) return;
            timer.cancel();
        }
        timerWhen = d;
        timer = loop.callAt(d, this::fired);
    }

    private void fired() {
        timer = null;
        double d = deadline();
        if (d == Double.POSITIVE_INFINITY) return;
        if (loop.time() < d) {
            arm(); // active meanwhile
            return;
        }
        connection.clientTimedOut(stage, reason());
    }

    private String reason() {
        double keepalive = runner.keepaliveTimeout();
        if (keepalive > 0 && loop.time() >= lastActivity + keepalive) {
            return "408 Request Timeout: nothing received for " + keepalive + " s in the middle of a request";
        }
        if (stage == RequestParser.Stage.HEAD) {
            return "408 Request Timeout: the request's head did not arrive within " + runner.requestHeadTimeout() + " s";
        }
        return "408 Request Timeout: the request's body arrived slower than " + runner.requestBodyMinRate()
                + " bytes/s (after " + runner.requestBodyTimeout() + " s)";
    }
}
