package io.jasyncio.http;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.TimerHandle;
import io.jasyncio.net.BaseTransport;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Transport;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * One client connection of the HTTP server (aiohttp's {@code RequestHandler}): parses what arrives into requests
 * and answers them one after the other, in order, in a task of their own (so a handler may await). Pipelined
 * requests wait in a short queue; past {@link #MAX_QUEUED} the connection stops reading until it catches up.
 * A request the parser refuses is answered with its error status after the requests before it, then the
 * connection closes. While the client does not read, the transport's flow control holds the task until
 * the write buffer drains. A connection with no request under way closes after the runner's keep-alive timeout
 * without receiving a byte (a client sending a request slowly is closed only if it pauses that long between two
 * reads: the timeout does not bound the time a whole request takes).
 *
 * <p>Threading: the loop's thread only.
 */
final class HttpConnection implements Protocol {
    /** Pipelined requests read ahead of the one being answered before reading pauses. */
    static final int MAX_QUEUED = 16;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final String SERVER_ERROR_TEXT = "500 Internal Server Error\n\nServer got itself in trouble";

    private final AppRunner runner;
    private final Application app;
    private final EventLoop loop;
    private Transport transport;
    private RequestParser parser;
    private ArrayDeque<Request> queue;
    /** A request the parser refused: answered after the queued ones, then the connection closes. */
    private HttpError refused;
    private boolean continueOwed;
    /** The task answering requests; null while none is waiting. */
    private Task<Void> worker;
    private TimerHandle idleTimer;
    private double lastActivity;
    private boolean readingPaused;
    private boolean writingPaused;
    private Future<Void> drained;
    /** The request being answered, and the streamed answer it started, if any. */
    private Request current;
    private StreamResponse stream;
    private boolean streamKeepAlive;
    /** No more requests: the runner is shutting down, or the connection is closing. */
    private boolean closing;
    private boolean lost;

    HttpConnection(AppRunner runner) {
        this.runner = runner;
        this.app = runner.app();
        this.loop = runner.loop();
    }

    @Override
    public void connectionMade(BaseTransport t) {
        transport = (Transport) t;
        parser = new RequestParser(app.clientMaxSize(), (SocketAddress) t.getExtraInfo("peername"));
        runner.connectionOpened(this);
        lastActivity = loop.time();
        armIdleTimer();
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        if (closing || refused != null) return; // nothing more is read from a connection that is ending
        lastActivity = loop.time();
        parser.feed(data);
        try {
            Request r;
            while ((r = parser.next()) != null) {
                if (queue == null) queue = new ArrayDeque<>(2);
                queue.add(r);
                continueOwed = false; // its body came without the invitation: none is owed any more
            }
            if (parser.takeContinue()) continueOwed = true;
        } catch (HttpError e) {
            refused = e;
            transport.pauseReading();
        }
        if (continueOwed && worker == null && (queue == null || queue.isEmpty())) sendContinue();
        if (queue != null && queue.size() >= MAX_QUEUED && !readingPaused) {
            readingPaused = true;
            transport.pauseReading();
        }
        if (worker == null && (refused != null || queue != null && !queue.isEmpty())) {
            // Started eagerly (asyncio's eager tasks): a handler that answers without waiting answers within
            // this read, as a protocol would, instead of one loop iteration later.
            Task<Void> w = new Task<>(loop, this::work, null, true);
            worker = w.done() ? null : w; // done already: it answered everything without waiting
        }
    }

    private void sendContinue() {
        continueOwed = false;
        transport.write(ByteBuffer.wrap(CONTINUE));
    }

    /** The worker task: answers queued requests until none is left. */
    @SuppressWarnings("unchecked")
    private Void work() {
        // Set here, not only once the constructor returns: during the eager start, code the handler runs
        // (an eager child task shutting the runner down) must see this connection busy.
        worker = (Task<Void>) Asyncio.currentTask();
        try {
            return answerQueued();
        } catch (CancelledError e) {
            // abort() (the transport is aborted already), or a handler's stray CancelledError: no answer will come
            closing = true;
            transport.close();
            throw e;
        } catch (Throwable e) {
            // A VirtualMachineError from a handler, or a failure of this class: the client must not wait forever.
            loop.callExceptionHandler(ExceptionContext.builder("Unexpected error in an HTTP connection").exception(e)
                    .put("transport", transport).build());
            closing = true;
            transport.close();
            return null;
        } finally {
            worker = null;
            lastActivity = loop.time();
        }
    }

    private Void answerQueued() {
        Request r;
        while (!lost && (r = queue == null ? null : queue.poll()) != null) {
            if (readingPaused && queue.size() <= MAX_QUEUED / 2 && refused == null && !closing) {
                readingPaused = false;
                transport.resumeReading();
            }
            current = r;
            r.setConnection(this);
            Response resp;
            try {
                resp = dispatch(r);
            } finally {
                current = null;
            }
            if (lost) return null;
            boolean keepAlive;
            if (stream != null) { // the handler streamed its answer
                StreamResponse s = stream;
                stream = null;
                if (resp != StreamResponse.SENT) {
                    if (resp != StreamStatus.FAILED) {
                        loop.callExceptionHandler(ExceptionContext.builder("Error handling request").exception(
                                new IllegalStateException("the handler of " + r + " started a StreamResponse, then answered "
                                        + resp + " instead of returning its writeEof()"))
                                .put("request", r).put("transport", transport).build());
                    }
                    if (resp == StreamStatus.FAILED || !s.ended()) {
                        closing = true;
                        transport.abort(); // an incomplete body is the only way left to tell the client
                        return null;
                    }
                }
                keepAlive = streamKeepAlive;
            } else {
                keepAlive = r.keepAlive() && !closing; // a refused request after it is answered below
                write(resp, r.method().equals("HEAD"), r.version(), keepAlive);
            }
            if (writingPaused) waitDrained();
            if (lost) return null;
            if (!keepAlive) {
                closing = true;
                transport.close();
                return null;
            }
            if (continueOwed && queue.isEmpty()) sendContinue();
        }
        if (refused != null && !lost) {
            closing = true;
            write(refused.response(), false, "HTTP/1.1", false);
            transport.close();
        } else if (closing && !lost) {
            transport.close(); // shut down while this task waited for a drain: its response is out
        }
        return null;
    }

    private Response dispatch(Request r) {
        try {
            Response resp = app.chain().handle(r);
            if (resp == null) throw new IllegalStateException("the handler of " + r + " returned no Response");
            return resp;
        } catch (HttpError e) {
            return e.response();
        } catch (CancelledError e) {
            Task<?> self = Asyncio.currentTask();
            if (self == null || self.cancelling() > 0) throw e; // this task is cancelled: abort() or the loop's end
            return serverError(r, e); // the handler awaited something cancelled by someone else
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) { // an AssertionError, a NoClassDefFoundError, ... is the handler's failure too
            return serverError(r, e);
        }
    }

    private Response serverError(Request r, Throwable e) {
        // A handler failing because its client left (a write's IOException) is no error of the server's.
        if (lost && e instanceof java.io.IOException) return stream != null ? StreamStatus.FAILED : Response.text(500, SERVER_ERROR_TEXT);
        loop.callExceptionHandler(ExceptionContext.builder("Error handling request").exception(e)
                .put("request", r).put("transport", transport).build());
        return stream != null ? StreamStatus.FAILED : Response.text(500, SERVER_ERROR_TEXT);
    }

    /** Marks a streamed answer whose handler failed after sending its head. */
    private static final class StreamStatus {
        static final Response FAILED = new Response(500);
    }

    // ---------------------------------------------------------------- streamed answers (StreamResponse)

    void startStream(Request r, StreamResponse s) throws java.io.IOException {
        if (r != current || stream != null) {
            throw new IllegalStateException("prepare() takes the request its handler is answering, once: " + r);
        }
        if (lost) throw new java.io.IOException("the client of " + r + " has gone");
        stream = s;
        // Without a length or chunked coding (an HTTP/1.0 client), the body ends when the connection does.
        streamKeepAlive = r.keepAlive() && !closing && (s.chunked() || s.announcedLength() >= 0);
        StringBuilder sb = head(s.status(), s.sentHeaders(), r.version(), streamKeepAlive);
        if (s.chunked()) sb.insert(sb.length() - 2, "Transfer-Encoding: chunked\r\n");
        else if (s.announcedLength() >= 0) sb.insert(sb.length() - 2, "Content-Length: " + s.announcedLength() + "\r\n");
        transport.write(ByteBuffer.wrap(ascii(sb, sb.length(), 0)));
    }

    void streamWrite(byte[] data) throws java.io.IOException {
        if (lost) throw new java.io.IOException("the client has gone");
        transport.write(ByteBuffer.wrap(data));
        if (writingPaused) waitDrained();
        if (lost) throw new java.io.IOException("the client has gone");
    }

    private void write(Response resp, boolean head, String version, boolean keepAlive) {
        byte[] body = resp.body();
        StringBuilder sb = head(resp.status(), resp.headers(), version, keepAlive);
        if (!HttpStatus.bodyless(resp.status())) sb.insert(sb.length() - 2, "Content-Length: " + body.length + "\r\n");
        int headLen = sb.length();
        boolean withBody = !head && body.length > 0;
        if (withBody && body.length > 64 * 1024) {
            transport.write(ByteBuffer.wrap(ascii(sb, headLen, 0)));
            transport.write(ByteBuffer.wrap(body));
            return;
        }
        byte[] out = ascii(sb, headLen, withBody ? body.length : 0);
        if (withBody) System.arraycopy(body, 0, out, headLen, body.length);
        transport.write(ByteBuffer.wrap(out));
    }

    /** The status line and headers, ending with the empty line; the caller adds the body's framing. */
    private static StringBuilder head(int status, Headers h, String version, boolean keepAlive) {
        StringBuilder sb = new StringBuilder(160);
        sb.append(version).append(' ').append(status).append(' ').append(HttpStatus.reason(status)).append("\r\n");
        for (java.util.Map.Entry<String, java.util.List<String>> e : h.fields().entrySet()) {
            String name = e.getKey();
            // The server frames the body itself: a handler's own framing headers would contradict it.
            if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")
                    || name.equalsIgnoreCase("Connection")) continue;
            for (String v : e.getValue()) sb.append(name).append(": ").append(v).append("\r\n");
        }
        if (!h.contains("Date")) sb.append("Date: ").append(HttpDate.now()).append("\r\n");
        if (!h.contains("Server")) sb.append("Server: jasyncio\r\n");
        if (!keepAlive) sb.append("Connection: close\r\n");
        else if (version.equals("HTTP/1.0")) sb.append("Connection: keep-alive\r\n");
        sb.append("\r\n");
        return sb;
    }

    /** The head's characters as bytes (ISO-8859-1), with {@code extra} bytes of room after them. */
    private static byte[] ascii(StringBuilder sb, int len, int extra) {
        byte[] out = new byte[len + extra];
        for (int i = 0; i < len; i++) out[i] = (byte) sb.charAt(i);
        return out;
    }

    private void waitDrained() {
        if (drained == null || drained.done()) drained = loop.createFuture();
        Asyncio.await(drained);
    }

    @Override
    public void pauseWriting() {
        writingPaused = true;
    }

    @Override
    public void resumeWriting() {
        writingPaused = false;
        if (drained != null && !drained.done()) drained.setResult(null);
    }

    @Override
    public void connectionLost(Throwable exc) {
        lost = true;
        closing = true;
        cancelIdleTimer();
        // The worker sees `lost` and ends: a client going away is no error of the server's.
        if (drained != null && !drained.done()) drained.setResult(null);
        // The runner counts the connection until its handler has ended too (a done callback: a worker cancelled
        // before it started never runs work()'s finally).
        Task<Void> w = worker;
        if (w == null) runner.connectionClosed(this);
        else w.addDoneCallback(f -> runner.connectionClosed(this));
    }

    // ---------------------------------------------------------------- keep-alive timeout
    // One timer per connection, re-armed when it fires rather than on every request: a request costs a clock
    // read, not a timer-heap insertion and cancellation.

    private void armIdleTimer() {
        double timeout = runner.keepaliveTimeout();
        if (timeout > 0 && idleTimer == null) idleTimer = loop.callLater(timeout, this::idleTimeout);
    }

    private void cancelIdleTimer() {
        if (idleTimer != null) {
            idleTimer.cancel();
            idleTimer = null;
        }
    }

    private void idleTimeout() {
        idleTimer = null;
        if (lost || closing) return;
        if (worker != null) { // a request under way: its handler's time is not idleness
            armIdleTimer();
            return;
        }
        double left = lastActivity + runner.keepaliveTimeout() - loop.time();
        if (left > 0) {
            idleTimer = loop.callLater(left, this::idleTimeout); // active meanwhile
            return;
        }
        closing = true;
        transport.close();
    }

    // ---------------------------------------------------------------- shutdown (AppRunner)

    /** Stops taking requests: an idle connection closes now, a busy one after its current response. */
    void shutdown() {
        if (closing) return;
        closing = true;
        if (worker == null) transport.close();
    }

    /**
     * Past the shutdown timeout: cancels the handler still running and drops the connection. Returns the worker
     * task it cancelled (the runner waits for it to end), or null.
     */
    Task<Void> abort() {
        closing = true;
        Task<Void> w = worker;
        if (w != null && !w.done()) w.cancel();
        else w = null;
        transport.abort();
        return w;
    }
}
