package io.jasyncio.http;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.TimeoutError;
import io.jasyncio.TimerHandle;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.Transport;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * One client connection of the HTTP server (aiohttp's {@code RequestHandler}): parses what arrives into requests
 * and answers them one after the other, in order, in a task of their own (so a handler may await). A request the
 * parser refuses is answered with its error status after the requests before it, then the connection closes.
 *
 * <p>What a connection holds is bounded whatever its client does. While a request is being answered, at most
 * {@link #MAX_PIPELINED} requests and {@link #READ_AHEAD} bytes (plus the read that crossed it, up to 256 KiB)
 * are held for the requests after it; reading then pauses until they are answered. Reading also pauses while
 * what was sent and not yet taken by the client is over the transport's high-water mark (its
 * {@code pauseWriting}), and a large body is written in slices of {@link #WRITE_SLICE} bytes, each once the
 * client has taken the one before. So a client that pipelines and never reads costs the request being answered
 * and its response, plus about 0.6 MiB.
 *
 * <p>So is the time it holds them (the runner's options). Between requests, the keep-alive timeout. A request's
 * head must arrive whole within the head timeout of its first byte; its body must keep an average rate of the
 * minimum body rate after an allowance of the body timeout; a pause of the keep-alive timeout also ends a request
 * half sent. Such a request is answered 408 and the connection closed. An answer the client takes no byte of for
 * the send timeout is dropped with the connection. These clocks run only while the server waits for the client,
 * not while it answers (the handler's time is its own) — but a body streamed to its handler is the client's to
 * send, so its clock runs while it comes in, except while reading is paused because the handler has not taken it.
 *
 * <p>A large or chunked request body is streamed to its handler ({@link RequestContent}): reading pauses while more
 * than {@link RequestContent#HIGH_WATER} bytes of it wait unread, and a handler that answers without reading it to its
 * end has the connection closed after the answer. A {@link FileResponse} goes out through the core's sendfile.
 *
 * <p>Threading: the loop's thread only.
 */
final class HttpConnection implements Protocol, RequestContent.Listener {
    /** Requests parsed ahead of the one being answered (pipelining depth) before reading pauses. */
    static final int MAX_PIPELINED = 16;
    /** Bytes held for the requests after the one being answered (parsed or not) before reading pauses. */
    static final int READ_AHEAD = 64 * 1024;
    /** A body larger than this is sent in slices of this size, each once the client has taken the last. */
    static final int WRITE_SLICE = 64 * 1024;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final String SERVER_ERROR_TEXT = "500 Internal Server Error\n\nServer got itself in trouble";

    private final AppRunner runner;
    private final Application app;
    private final EventLoop loop;
    private Transport transport;
    private RequestParser parser;
    private ArrayDeque<Request> queue;
    /** What the queued requests hold ({@link Request#heldBytes()}). */
    private long queuedBytes;
    /** A request the parser refused: answered after the queued ones, then the connection closes. */
    private HttpError refused;
    private boolean continueOwed;
    /** The task answering requests; null while none is waiting. */
    private Task<Void> worker;
    private boolean readingPaused;
    private boolean writingPaused;
    private Future<Void> drained;
    /** The request being answered, and the streamed answer it started, if any. */
    private Request current;
    private StreamResponse stream;
    private boolean streamKeepAlive;
    /** The bytes of the current answer handed to the transport (head, framing and body): the access log's %b. */
    private long answerBytes;
    /** The file the current request is answered with (a {@link FileResponse}), opened, not yet sent. */
    private FileResponse.Prepared file;
    /** No more requests: the runner is shutting down, or the connection is closing. */
    private boolean closing;
    private boolean lost;
    /** A queued request asks to switch protocols: nothing after it is parsed as HTTP until it is answered. */
    private boolean upgradePending;
    /** After a 101 ({@link Request#upgrade}): the protocol the connection speaks now, given every callback. */
    private UpgradedProtocol upgraded;

    // Timeouts: one timer per connection, armed for the earliest deadline, re-armed when it fires early. A request
    // costs a clock read and a comparison, not a timer-heap insertion and cancellation.
    private TimerHandle timer;
    private double timerWhen;
    /** While a close waits for the client to take what is still buffered: the send timeout's clock. */
    private TimerHandle closeTimer;
    /** When the last byte arrived or the last answer was sent. */
    private double lastActivity;
    /** The request being received, as its clock sees it: how far it is, which one, since when, bytes since. */
    private RequestParser.Stage stage = RequestParser.Stage.NONE;
    private long stageRequest;
    private double stageStart;
    private long stageBytes;

    HttpConnection(AppRunner runner) {
        this.runner = runner;
        this.app = runner.app();
        this.loop = runner.loop();
    }

    @Override
    public void connectionMade(BaseTransport t) {
        transport = (Transport) t;
        parser = new RequestParser(app.clientMaxSize(), (SocketAddress) t.getExtraInfo("peername"), loop, this);
        runner.connectionOpened(this);
        lastActivity = stageStart = loop.time();
        if (Http2Streams.negotiated(t)) { // TLS chose h2 by ALPN
            switchToHttp2();
            return;
        }
        armTimer();
    }

    /** From now on the connection speaks HTTP/2 ({@link Http2Streams}): it gets the transport and every callback. */
    private void switchToHttp2() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        upgraded = Http2Streams.connection(runner, this, transport);
        upgraded.connectionMade(transport);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        if (upgraded != null) {
            upgraded.dataReceived(data);
            return;
        }
        if (parser.completed() == 0 && stage == RequestParser.Stage.NONE && parser.pendingBytes() == 0
                && Http2Streams.startsWithPreface(data)) { // h2c with prior knowledge
            switchToHttp2();
            upgraded.dataReceived(data);
            return;
        }
        if (refused != null || closing && !receivingBody()) return; // nothing more is read from a connection that is ending
        int n = data.remaining();
        lastActivity = loop.time();
        parser.feed(data);
        if (closing) { // shutting down: only the body a handler is reading still comes in
            pumpBodyOnly();
            clientClock(n);
            updateReading();
            return;
        }
        parseAhead();
        boolean answering = worker != null || !queueEmpty() || refused != null;
        if (!answering || parser.streamingBody() != null) {
            // all of it went to a request still incomplete, or to a body streamed to its handler: the server
            // waits for the client
            clientClock(n);
        }
        if (!answering) {
            if (continueOwed) sendContinue();
        } else if (worker == null) {
            // Started eagerly (asyncio's eager tasks): a handler that answers without waiting answers within
            // this read, as a protocol would, instead of one loop iteration later.
            Task<Void> w = new Task<>(loop, this::work, null, true);
            worker = w.done() ? null : w; // done already: it answered everything without waiting
        }
        updateReading();
    }

    /** Parses what is buffered into requests, up to {@link #MAX_PIPELINED} waiting; the rest stays raw. */
    private void parseAhead() {
        if (refused != null || closing || upgradePending) return;
        try {
            Request r;
            while ((queue == null || queue.size() < MAX_PIPELINED) && (r = parser.next()) != null) {
                if (queue == null) queue = new ArrayDeque<>(2);
                queue.add(r);
                queuedBytes += r.heldBytes();
                continueOwed = false; // its body came without the invitation: none is owed any more
                if (r.asksUpgrade()) { // what follows may be another protocol's bytes (a WebSocket's frames)
                    upgradePending = true;
                    break;
                }
            }
            if (parser.takeContinue()) continueOwed = true;
        } catch (HttpError e) {
            refuse(e);
        }
    }

    /**
     * A request the parser refused. In the middle of a body streamed to a handler, the handler gets the error
     * from its reads (and answers it, or not), then the connection closes; otherwise it is answered after the
     * requests before it.
     */
    private void refuse(HttpError e) {
        RequestContent b = parser.streamingBody();
        if (b != null) {
            b.fail(e);
            closing = true;
        } else {
            refused = e;
        }
    }

    /** Whether a body is being streamed to a handler that may still read it. */
    private boolean receivingBody() {
        RequestContent b = parser.streamingBody();
        return b != null && !b.failed() && !lost;
    }

    /** While closing: feeds the streamed body what has arrived, parsing nothing after it. */
    private void pumpBodyOnly() {
        try {
            parser.pumpBody();
        } catch (HttpError e) {
            refuse(e);
        }
    }

    // ---------------------------------------------------------------- RequestContent.Listener

    @Override
    public void firstRead(RequestContent b) {
        // 100 Continue on the handler's first read: a handler that refuses the body never invites it
        if (b.expectContinue && b.received() == 0 && !b.complete() && !lost && !transport.isClosing()) {
            transport.write(ByteBuffer.wrap(CONTINUE));
        }
    }

    @Override
    public void consumed(RequestContent b) {
        if (readingPaused && b.buffered() < RequestContent.HIGH_WATER) updateReading();
    }

    private boolean queueEmpty() {
        return queue == null || queue.isEmpty();
    }

    /**
     * Reads while the client is owed nothing it has not taken and little is held ahead of the request being
     * answered; pauses otherwise (asyncio's pause_writing → pause_reading pattern, and the pipelining bounds).
     */
    private void updateReading() {
        if (upgraded != null) return; // the new protocol reads as it pleases
        boolean answering = worker != null || !queueEmpty();
        RequestContent body = parser.streamingBody();
        boolean pause = closing && !receivingBody() || refused != null || writingPaused
                || body != null && body.buffered() >= RequestContent.HIGH_WATER
                || answering && (queue != null && queue.size() >= MAX_PIPELINED
                        || queuedBytes + parser.pendingBytes() >= READ_AHEAD);
        if (pause == readingPaused) return;
        readingPaused = pause;
        if (!pause && stage == RequestParser.Stage.BODY) {
            // The server held the body up while its handler caught up: the client's clock starts again.
            stageStart = loop.time();
            stageBytes = 0;
            armTimer();
        }
        if (pause) transport.pauseReading();
        else transport.resumeReading();
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
            closeTransport();
            throw e;
        } catch (VirtualMachineError e) {
            // Fatal (an OutOfMemoryError, ...): the run ends with it, as for any task's; this connection closes first.
            closing = true;
            closeTransport();
            throw e;
        } catch (Throwable e) {
            // A failure of this class: the client must not wait forever.
            loop.callExceptionHandler(ExceptionContext.builder("Unexpected error in an HTTP connection").exception(e)
                    .put("transport", transport).build());
            closing = true;
            closeTransport();
            return null;
        } finally {
            worker = null;
            lastActivity = loop.time();
            if (!closing && !lost) {
                // The server waits for the client again: the clock of the request being received starts now.
                stage = parser.stage();
                stageRequest = parser.completed();
                stageStart = lastActivity;
                stageBytes = 0;
                if (stage == RequestParser.Stage.NONE) parser.trim();
                updateReading();
                armTimer();
            }
        }
    }

    private Void answerQueued() {
        Request r;
        while (!lost && (r = queue == null ? null : queue.poll()) != null) {
            queuedBytes -= r.heldBytes();
            current = r;
            r.setClientMaxSize(app.clientMaxSize());
            r.setConnection(this);
            AccessLog accessLog = runner.accessLog();
            long started = accessLog == null ? 0 : System.nanoTime();
            answerBytes = 0;
            Response resp;
            try {
                resp = dispatch(r);
            } finally {
                current = null;
            }
            if (lost) {
                closeFile();
                return null;
            }
            upgradePending = false;
            if (upgraded != null) { // its handler has ended: so does the connection, as the protocol closes it
                closing = true;
                upgraded.handlerEnded(transport);
                return null;
            }
            boolean keepAlive;
            if (file != null) {
                FileResponse.Prepared f = file;
                file = null;
                keepAlive = r.keepAlive() && !closing && bodyDone(r);
                boolean sent = sendFile(f, r.method().equals("HEAD"), r.version(), keepAlive);
                if (accessLog != null) accessLog.log(r, f.status(), answerBytes, f.headers(), System.nanoTime() - started);
                if (!sent) return null;
            } else if (stream != null) { // the handler streamed its answer
                StreamResponse s = stream;
                stream = null;
                if (accessLog != null) accessLog.log(r, s.status(), answerBytes, s.sentHeaders(), System.nanoTime() - started);
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
                keepAlive = streamKeepAlive && bodyDone(r);
            } else {
                keepAlive = r.keepAlive() && !closing && bodyDone(r); // a refused request after it is answered below
                boolean sent = send(resp, r.method().equals("HEAD"), r.version(), keepAlive);
                if (accessLog != null) accessLog.log(r, resp.status(), answerBytes, resp.headers(), System.nanoTime() - started);
                if (!sent) return null;
            }
            if (writingPaused && !waitDrained()) return null;
            if (lost) return null;
            if (!keepAlive) {
                closing = true;
                closeTransport();
                return null;
            }
            parseAhead(); // the next requests may be waiting, unparsed, in the parser's buffer
            updateReading();
            if (continueOwed && queue.isEmpty()) sendContinue();
        }
        if (refused != null && !lost) {
            closing = true;
            send(refused.response(), false, "HTTP/1.1", false);
            closeTransport();
        } else if (closing && !lost) {
            closeTransport(); // shut down while this task waited for a drain: its response is out
        }
        return null;
    }

    /**
     * Whether the connection may go on to the next request after {@code r}: its body was not refused as too large,
     * and a streamed body has been received whole (what a handler left unread is not waited for: the connection
     * closes after the answer, as the client may still be sending it).
     */
    private static boolean bodyDone(Request r) {
        RequestContent b = r.streamedBody();
        return !r.bodyRefused() && (b == null || b.complete() && !b.failed());
    }

    private Response dispatch(Request r) {
        try {
            Response resp = app.chain().handle(r);
            if (resp == null) throw new IllegalStateException("the handler of " + r + " returned no Response");
            if (resp == StreamResponse.SENT) return resp;
            if (resp instanceof FileResponse f && stream == null) {
                FileResponse.Prepared p = f.prepare(r);
                if (p.answer() != null) return p.answer(); // 304, 412, 416: no file to send
                file = p;
                return resp; // sent as it is: zero-copy, never compressed
            }
            return Compression.apply(r, resp, runner.autoCompress());
        } catch (HttpError e) {
            return Compression.apply(r, e.response(), runner.autoCompress());
        } catch (CancelledError e) {
            Task<?> self = Asyncio.currentTask();
            if (self == null || self.cancelling() > 0) throw e; // this task is cancelled: abort() or the loop's end
            return serverError(r, e); // the handler awaited something cancelled by someone else
        } catch (VirtualMachineError e) {
            if (!(e instanceof StackOverflowError)) throw e; // fatal; a stack overflow is this handler's own failure
            return serverError(r, e);
        } catch (Throwable e) { // an AssertionError, a NoClassDefFoundError, ... is the handler's failure too
            return serverError(r, e);
        }
    }

    private Response serverError(Request r, Throwable e) {
        // A handler failing because its client left (a write's IOException) is no error of the server's.
        if (lost && (e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException)) return stream != null ? StreamStatus.FAILED : Response.text(500, SERVER_ERROR_TEXT);
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
        answerBytes += sb.length();
        transport.write(ByteBuffer.wrap(ascii(sb, sb.length(), 0)));
    }

    /** The runner's automatic compression threshold (-1: off), for {@link StreamResponse#prepare}. */
    int autoCompressMin() {
        return runner.autoCompress();
    }

    /**
     * Sends {@code head} (a 101 response) and hands the connection to {@code protocol}: it gets the bytes
     * received after the request's head, then every callback, and closes the connection once the handler returns.
     */
    Transport upgrade(Request r, byte[] head, UpgradedProtocol protocol) throws java.io.IOException {
        if (r != current || stream != null || upgraded != null) {
            throw new IllegalStateException("only the request its handler is answering can switch protocols, once: " + r);
        }
        if (lost) throw new java.io.IOException("the client of " + r + " has gone");
        transport.write(ByteBuffer.wrap(head));
        upgraded = protocol;
        if (readingPaused) {
            readingPaused = false;
            transport.resumeReading();
        }
        protocol.connectionMade(transport);
        ByteBuffer rest = parser.takeRemaining();
        if (rest.hasRemaining()) protocol.dataReceived(rest);
        if (writingPaused) protocol.pauseWriting();
        return transport;
    }

    void streamWrite(byte[] data) throws java.io.IOException {
        if (lost) throw new java.io.IOException("the client has gone");
        answerBytes += data.length;
        if (!sendBody(data) || writingPaused && !waitDrained()) {
            throw new java.io.IOException(lost && !closing ? "the client has gone" : "the client has gone or stopped reading");
        }
    }

    /**
     * Sends a response: head and a small body in one write, a larger body in slices. False if the client went
     * away or stopped taking bytes meanwhile (the connection is then being closed).
     */
    private boolean send(Response resp, boolean head, String version, boolean keepAlive) {
        byte[] body = resp.body();
        StringBuilder sb = head(resp.status(), resp.headers(), version, keepAlive);
        if (!HttpStatus.bodyless(resp.status())) sb.insert(sb.length() - 2, "Content-Length: " + body.length + "\r\n");
        int headLen = sb.length();
        boolean withBody = !head && body.length > 0;
        answerBytes += headLen + (withBody ? body.length : 0);
        if (withBody && body.length > WRITE_SLICE) {
            transport.write(ByteBuffer.wrap(ascii(sb, headLen, 0)));
            return sendBody(body);
        }
        byte[] out = ascii(sb, headLen, withBody ? body.length : 0);
        if (withBody) System.arraycopy(body, 0, out, headLen, body.length);
        transport.write(ByteBuffer.wrap(out));
        return true;
    }

    /**
     * Writes {@code data} in slices of {@link #WRITE_SLICE}, each once the client has taken enough of what came
     * before (the transport copies only what the socket does not take at once, so a large body held by the
     * handler is not copied whole into the write buffer). False if the client went away or stopped taking bytes.
     */
    private boolean sendBody(byte[] data) {
        for (int off = 0; off < data.length; off += WRITE_SLICE) {
            if (writingPaused && !waitDrained() || lost) return false;
            transport.write(ByteBuffer.wrap(data, off, Math.min(WRITE_SLICE, data.length - off)));
        }
        return true;
    }

    // ---------------------------------------------------------------- files (FileResponse)

    /** A file is sent in slices of this many bytes, each of which the client must take within the send timeout. */
    static final long FILE_SLICE = 256 * 1024;
    /**
     * A file up to this size is read and sent with its head in one write: for a small file, setting up a
     * sendfile costs more than copying it (measured: a 4 KiB file 5x slower through sendfile than a hello).
     */
    static final int SMALL_FILE = 16 * 1024;

    private void closeFile() {
        if (file == null) return;
        try {
            file.channel().close();
        } catch (java.io.IOException e) {
            // nothing was written through it; a close error of a read-only channel loses nothing
        }
        file = null;
    }

    /**
     * Sends the head, then the file's bytes: through the core's sendfile (zero-copy on a plain socket, chunks
     * read and encrypted on TLS), a slice at a time, each bounded by the send timeout. False if the client went
     * away or stopped taking bytes (the connection is aborted then), or if the file shrank while being sent
     * (the announced length cannot be kept: the connection is aborted, which is how the client learns of it).
     */
    private boolean sendFile(FileResponse.Prepared f, boolean head, String version, boolean keepAlive) {
        try (java.nio.channels.FileChannel ch = f.channel()) {
            StringBuilder sb = head(f.status(), f.headers(), version, keepAlive);
            sb.insert(sb.length() - 2, "Content-Length: " + f.length() + "\r\n");
            if (!head && f.length() <= SMALL_FILE) {
                int headLen = sb.length(), n = (int) f.length();
                byte[] out = ascii(sb, headLen, n);
                ByteBuffer b = ByteBuffer.wrap(out, headLen, n);
                while (b.hasRemaining()) {
                    if (ch.read(b, f.offset() + (b.position() - headLen)) < 0) break; // shrank: caught below
                }
                if (b.hasRemaining()) throw new java.io.EOFException("the file " + ch + " shrank while it was read");
                transport.write(ByteBuffer.wrap(out));
                answerBytes += out.length;
                return true;
            }
            transport.write(ByteBuffer.wrap(ascii(sb, sb.length(), 0)));
            answerBytes += sb.length();
            if (head) return true;
            long offset = f.offset(), left = f.length();
            double timeout = runner.sendTimeout();
            while (left > 0) {
                if (writingPaused && !waitDrained() || lost || transport.isClosing()) return false;
                long n = Math.min(left, FILE_SLICE), from = offset;
                io.jasyncio.Coroutine<Long> slice = () -> io.jasyncio.transport.Net.sendfile(transport, ch, from, n);
                long sent = timeout > 0 ? Asyncio.waitFor(slice, timeout) : slice.call();
                if (sent <= 0) {
                    loop.callExceptionHandler(ExceptionContext.builder("A file shrank while it was being sent")
                            .put("transport", transport).build());
                    closing = true;
                    transport.abort();
                    return false;
                }
                offset += sent;
                left -= sent;
                answerBytes += sent;
            }
            return true;
        } catch (TimeoutError e) {
            closing = true;
            lost = true; // as far as answers go: connectionLost follows the abort
            transport.abort();
            return false;
        } catch (CancelledError e) {
            throw e;
        } catch (Exception e) {
            if (!lost) { // a read error of the file (a client going away is no error of the server's)
                loop.callExceptionHandler(ExceptionContext.builder("Error sending a file").exception(e)
                        .put("transport", transport).build());
                closing = true;
                transport.abort();
            }
            return false;
        }
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

    /**
     * Waits, in the worker's task, until the client has taken what is buffered down to the low-water mark. False
     * if the client went away, or took no byte for the runner's send timeout: then the connection is aborted
     * (nginx's {@code send_timeout}: a client that stops reading must not hold its answer for ever).
     */
    private boolean waitDrained() {
        double timeout = runner.sendTimeout();
        while (writingPaused && !lost) {
            if (drained == null || drained.done()) drained = loop.createFuture();
            if (timeout <= 0) {
                Asyncio.await(drained);
                continue;
            }
            long before = transport.getWriteBufferSize();
            try {
                Asyncio.waitFor(drained, timeout);
            } catch (TimeoutError e) {
                if (transport.getWriteBufferSize() < before) continue; // it reads, slowly: wait on
                closing = true;
                lost = true; // as far as answers go: connectionLost follows the abort
                transport.abort();
                return false;
            }
        }
        return !lost;
    }

    @Override
    public void pauseWriting() {
        writingPaused = true;
        if (upgraded != null) {
            upgraded.pauseWriting();
            return;
        }
        updateReading(); // no more requests while the answers already made wait for the client
    }

    @Override
    public void resumeWriting() {
        writingPaused = false;
        if (upgraded != null) upgraded.resumeWriting();
        if (drained != null && !drained.done()) drained.setResult(null);
        updateReading();
    }

    @Override
    public void connectionLost(Throwable exc) {
        if (upgraded != null) upgraded.connectionLost(exc);
        lost = true;
        closing = true;
        RequestContent b = parser == null ? null : parser.streamingBody();
        if (b != null) b.fail(new java.io.EOFException("the client closed the connection in the middle of the request body"));
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        if (closeTimer != null) {
            closeTimer.cancel();
            closeTimer = null;
        }
        // The worker sees `lost` and ends: a client going away is no error of the server's.
        if (drained != null && !drained.done()) drained.setResult(null);
        // The runner counts the connection until its handler has ended too (a done callback: a worker cancelled
        // before it started never runs work()'s finally).
        Task<Void> w = worker;
        if (w == null) runner.connectionClosed(this);
        else w.addDoneCallback(f -> runner.connectionClosed(this));
    }

    /**
     * Closes the transport once the client has taken what it holds. A transport's close waits for its buffer to
     * drain for as long as that takes, so a client that stops reading would keep a closing connection (and its
     * place under maxConnections) for ever: the send timeout applies here too, and the connection is aborted when
     * the client takes no byte for that long (nginx's {@code send_timeout} covers the lingering close as well).
     */
    private void closeTransport() {
        transport.close();
        if (!lost && closeTimer == null) watchClose(transport.getWriteBufferSize());
    }

    private void watchClose(long before) {
        double timeout = runner.sendTimeout();
        if (before == 0 || timeout <= 0) return;
        closeTimer = loop.callLater(timeout, () -> {
            closeTimer = null;
            if (lost) return;
            long now = transport.getWriteBufferSize();
            if (now > 0 && now < before) watchClose(now); // it reads, slowly: wait on
            else if (now > 0) transport.abort();
        });
    }

    // ---------------------------------------------------------------- timeouts while waiting for the client

    /** Notes {@code n} bytes received for the request still incomplete, while the server waits for the client. */
    private void clientClock(int n) {
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
        armTimer();
    }

    /**
     * When the client must have sent more: the keep-alive timeout after its last byte, and for a request under
     * way its head's deadline or its body's minimum rate. Infinite while the server is answering.
     */
    private double deadline() {
        if (lost || refused != null) return Double.POSITIVE_INFINITY;
        if (receivingBody()) {
            // A body streamed to its handler: the client's clock runs, but not while the server holds it up.
            if (readingPaused) return Double.POSITIVE_INFINITY;
        } else if (closing || worker != null || !queueEmpty()) {
            return Double.POSITIVE_INFINITY;
        }
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
    private void armTimer() {
        double d = deadline();
        if (d == Double.POSITIVE_INFINITY) return; // armed again when the server waits for the client
        if (timer != null) {
            if (timerWhen <= d) return;
            timer.cancel();
        }
        timerWhen = d;
        timer = loop.callAt(d, this::timerFired);
    }

    private void timerFired() {
        timer = null;
        double d = deadline();
        if (d == Double.POSITIVE_INFINITY) return;
        if (loop.time() < d) {
            armTimer(); // active meanwhile
            return;
        }
        closing = true;
        if (receivingBody() && (worker != null || !queueEmpty())) {
            // The handler's read throws the 408, which it answers (or not); then the connection closes.
            parser.streamingBody().fail(new HttpError(408, timeoutReason()));
            updateReading();
            return;
        }
        updateReading();
        if (stage == RequestParser.Stage.NONE) {
            closeTransport(); // idle between requests: closed quietly, as aiohttp and nginx do
            return;
        }
        // A request cut half way: say why (RFC 9110 section 15.5.9), then close.
        send(new HttpError(408, timeoutReason()).response(), false, "HTTP/1.1", false);
        closeTransport();
    }

    private String timeoutReason() {
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

    /** Whether this connection speaks TLS (an HTTPS site). */
    boolean secure() {
        return transport.getExtraInfo("sslcontext") != null;
    }

    // ---------------------------------------------------------------- for tests

    /**
     * The heap this connection holds for its client beyond the request being answered and its response: the
     * parser's buffers, the requests queued, and what the transport holds unsent.
     */
    long bufferedBytes() {
        RequestContent b = parser.streamingBody();
        return parser.heldBytes() + queuedBytes + transport.getWriteBufferSize() + (b == null ? 0 : b.buffered());
    }

    boolean readingPaused() {
        return readingPaused;
    }

    /** What the transport holds that the client has not taken. */
    long unsentBytes() {
        return transport.getWriteBufferSize();
    }

    // ---------------------------------------------------------------- shutdown (AppRunner)

    /** Stops taking requests: an idle connection closes now, a busy one after its current response. */
    void shutdown() {
        if (closing) return;
        if (upgraded != null) { // the handler still runs: the new protocol says goodbye its own way
            upgraded.serverShutdown();
            return;
        }
        closing = true;
        if (worker == null) closeTransport();
    }

    /**
     * Past the shutdown timeout: cancels the handler still running and drops the connection. Returns the worker
     * task it cancelled (the runner waits for it to end), or null.
     */
    Task<Void> abort() {
        closing = true;
        if (upgraded instanceof io.jasyncio.http.h2.Http2ServerConnection h2) return h2.abort(); // its streams' handlers
        Task<Void> w = worker;
        if (w != null && !w.done()) w.cancel();
        else w = null;
        transport.abort();
        return w;
    }
}
