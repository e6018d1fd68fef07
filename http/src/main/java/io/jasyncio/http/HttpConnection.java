package io.jasyncio.http;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Task;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.Transport;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * One client connection of the HTTP server (aiohttp's {@code RequestHandler}): parses what arrives into requests
 * and answers them one after the other, in order, in a task of their own (so a handler may await). A request the
 * parser refuses is answered with its error status after the requests before it, then the connection closes.
 *
 * <p>What a connection holds is bounded whatever its client does. While a request is being answered, at most
 * {@link PipelinedRequests#MAX_PIPELINED} requests and {@link PipelinedRequests#READ_AHEAD} bytes (plus the read
 * that crossed it, up to 256 KiB) are held for the requests after it; reading then pauses until they are
 * answered. Reading also pauses while what was sent and not yet taken by the client is over the transport's
 * high-water mark (its {@code pauseWriting}), and a large body is written in slices of
 * {@link ResponseWriter#WRITE_SLICE} bytes, each once the client has taken the one before. So a client that
 * pipelines and never reads costs the request being answered and its response, plus about 0.6 MiB.
 *
 * <p>So is the time it holds them (the runner's options, kept by its {@link ClientClock}). Between requests, the
 * keep-alive timeout. A request's head must arrive whole within the head timeout of its first byte; its body must
 * keep an average rate of the minimum body rate after an allowance of the body timeout; a pause of the keep-alive
 * timeout also ends a request half sent. Such a request is answered 408 and the connection closed. An answer the
 * client takes no byte of for the send timeout is dropped with the connection. These clocks run only while the
 * server waits for the client, not while it answers (the handler's time is its own) — but a body streamed to its
 * handler is the client's to send, so its clock runs while it comes in, except while reading is paused because
 * the handler has not taken it.
 *
 * <p>A large or chunked request body is streamed to its handler ({@link RequestContent}): reading pauses while more
 * than {@link RequestContent#HIGH_WATER} bytes of it wait unread, and a handler that answers without reading it to its
 * end has the connection closed after the answer. A {@link FileResponse} goes out through the core's sendfile.
 *
 * <p>How it ends: after an answer the client may still be sending to (a body left unread, a refused request), it
 * lingers ({@link LingeringClose}) so that the client reads the answer rather than a reset; a client that ends its
 * side after whole requests still gets their answers ({@link #eofReceived}); a handler whose client goes away runs
 * to its end unless the runner's {@code handlerCancellation} is on.
 *
 * <p>Which protocol a new connection speaks is decided in one place, {@link #protocolOf} (and, for a request
 * asking to switch, {@link #upgradeOf}): HTTP/1.1 unless it says otherwise.
 *
 * <p>Where things are: this class reads and answers (the worker task); {@link PipelinedRequests} holds the requests
 * parsed ahead; {@link ResponseWriter} writes the answers and closes; {@link ClientClock} times the client.
 *
 * <p>Threading: the loop's thread only.
 */
final class HttpConnection implements Protocol, RequestContent.Listener {
    private static final String SERVER_ERROR_TEXT = "500 Internal Server Error\n\nServer got itself in trouble";

    private final AppRunner runner;
    private final Application app;
    private final EventLoop loop;
    private Transport transport;
    private RequestParser parser;
    private ResponseWriter out;
    private ClientClock clock;
    private final PipelinedRequests queue = new PipelinedRequests();
    /** A request the parser refused: answered after the queued ones, then the connection closes. */
    private HttpError refused;
    /** The task answering requests; null while none is waiting. */
    private Task<Void> worker;
    private boolean readingPaused;
    /** The request being answered, and the streamed answer it started, if any. */
    private Request current;
    private StreamResponse stream;
    private boolean streamKeepAlive;
    /** The file the current request is answered with (a {@link FileResponse}), opened, not yet sent. */
    private FileResponse.Prepared file;
    /** No more requests: the runner is shutting down, or the connection is closing. */
    private boolean closing;
    /** The client has gone, or was dropped for not taking its answer: nothing more is sent. */
    private boolean lost;
    /** Nothing has been received yet: the first bytes decide the protocol ({@link #protocolOf}). */
    private boolean fresh = true;
    /** After a 101 ({@link Request#upgrade}): the protocol the connection speaks now, given every callback. */
    private UpgradedProtocol upgraded;
    /** The client has ended its side (a half-close, or gone): the requests received are answered, then it closes. */
    private boolean eof;
    /** Closing after an answer while the client may still send: what arrives is read and dropped for a while. */
    private LingeringClose lingering;

    HttpConnection(AppRunner runner) {
        this.runner = runner;
        this.app = runner.app();
        this.loop = runner.loop();
    }

    @Override
    public void connectionMade(BaseTransport t) {
        transport = (Transport) t;
        parser = new RequestParser(app.clientMaxSize(), (SocketAddress) t.getExtraInfo("peername"), loop, this);
        out = new ResponseWriter(this, transport, runner);
        clock = new ClientClock(this, parser, runner);
        runner.connectionOpened(this);
        if (Http2Streams.negotiated(t)) { // TLS chose h2 by ALPN
            fresh = false;
            switchTo(http2(), ByteBuffer.allocate(0));
            return;
        }
        clock.arm();
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        if (fresh) {
            fresh = false;
            UpgradedProtocol p = protocolOf(data);
            if (p != null) {
                switchTo(p, data);
                return;
            }
        }
        if (upgraded != null) {
            upgraded.dataReceived(data);
            return;
        }
        if (lingering != null) {
            lingering.discard(data.remaining());
            data.position(data.limit());
            return;
        }
        if (refused != null || closing && !receivingBody()) return; // nothing more is read from a connection that is ending
        int n = data.remaining();
        clock.activity();
        parser.feed(data);
        if (closing) { // shutting down: only the body a handler is reading still comes in
            pumpBodyOnly();
            clock.received(n);
            updateReading();
            return;
        }
        parseAhead();
        boolean answering = worker != null || !queue.isEmpty() || refused != null;
        if (!answering || parser.streamingBody() != null) {
            // all of it went to a request still incomplete, or to a body streamed to its handler: the server
            // waits for the client
            clock.received(n);
        }
        if (!answering) {
            if (queue.continueOwed()) sendContinue();
        } else if (worker == null) {
            // Started eagerly (asyncio's eager tasks): a handler that answers without waiting answers within
            // this read, as a protocol would, instead of one loop iteration later.
            Task<Void> w = new Task<>(loop, this::work, null, true);
            worker = w.done() ? null : w; // done already: it answered everything without waiting
        }
        updateReading();
    }

    // ---------------------------------------------------------------- which protocol the connection speaks

    /**
     * Decides the protocol of a new connection, once, on the first bytes it receives, before any of them is
     * parsed as HTTP/1.1: returns the protocol to hand the connection to, or null to speak HTTP/1.1. HTTP/2 with
     * prior knowledge is recognised here by its preface ({@code PRI * HTTP/2.0}; its first three bytes must come in
     * the first read); the protocol ALPN chose on a TLS connection is seen earlier, in {@link #connectionMade}. The protocol gets {@code first} and every callback after
     * it, as after a 101.
     */
    private UpgradedProtocol protocolOf(ByteBuffer first) {
        return Http2Streams.startsWithPreface(first) ? http2() : null; // h2c with prior knowledge
    }

    /** HTTP/2 for this connection: its own clock (idle and stall timeouts) replaces HTTP/1.1's. */
    private UpgradedProtocol http2() {
        clock.stop();
        return Http2Streams.connection(runner, this, transport);
    }

    /**
     * For a request asking to switch protocols ({@code Upgrade} with {@code Connection: upgrade}): the server's
     * own answer to it, or null to let the application answer (a WebSocket's handler). A valid {@code Upgrade: h2c}
     * on cleartext (see {@link Http2Streams#h2cSettings}) is answered {@code 101} and the connection goes on in
     * HTTP/2, the request being its stream 1; any other is the application's, as HTTP/1.1 (RFC 7540 §3.2).
     */
    private Handler upgradeOf(Request r) {
        if (secure()) return null; // over TLS, ALPN chooses the protocol
        io.jasyncio.http.h2.Frame.Settings settings = Http2Streams.h2cSettings(r);
        if (settings == null) return null;
        return req -> {
            var h2 = (io.jasyncio.http.h2.Http2ServerConnection) http2();
            h2.upgradedFrom(settings, Http2Streams.upgradedRequest(req));
            upgrade(req, Http2Streams.SWITCHING_TO_H2C, h2);
            return StreamResponse.SENT; // answered on stream 1, by the HTTP/2 connection
        };
    }

    /** Hands the connection, with what it has received so far, to another protocol. */
    private void switchTo(UpgradedProtocol protocol, ByteBuffer received) {
        upgraded = protocol;
        if (readingPaused) {
            readingPaused = false;
            transport.resumeReading();
        }
        protocol.connectionMade(transport);
        if (received.hasRemaining()) protocol.dataReceived(received);
        if (out.paused()) protocol.pauseWriting();
    }

    // ---------------------------------------------------------------- reading

    /** Parses what is buffered into requests, up to the pipelining bounds; the rest stays raw. */
    private void parseAhead() {
        if (refused != null || closing) return;
        try {
            queue.parseAhead(parser);
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

    @Override
    public void firstRead(RequestContent b) {
        // 100 Continue on the handler's first read: a handler that refuses the body never invites it
        if (b.expectContinue && b.received() == 0 && !b.complete() && !lost && !transport.isClosing()) {
            out.writeContinue();
        }
    }

    @Override
    public void consumed(RequestContent b) {
        if (readingPaused && b.buffered() < RequestContent.HIGH_WATER) updateReading();
    }

    /**
     * Reads while the client is owed nothing it has not taken and little is held ahead of the request being
     * answered; pauses otherwise (asyncio's pause_writing → pause_reading pattern, and the pipelining bounds).
     */
    private void updateReading() {
        // the new protocol reads as it pleases; a lingering close reads to the end; after the client's end, no reads
        if (upgraded != null || lingering != null || eof) return;
        boolean answering = worker != null || !queue.isEmpty();
        RequestContent body = parser.streamingBody();
        boolean pause = closing && !receivingBody() || refused != null || out.paused()
                || body != null && body.buffered() >= RequestContent.HIGH_WATER
                || answering && queue.full(parser.pendingBytes());
        if (pause == readingPaused) return;
        readingPaused = pause;
        // The server held the body up while its handler caught up: the client's clock starts again.
        if (!pause) clock.bodyResumed();
        if (pause) transport.pauseReading();
        else transport.resumeReading();
    }

    private void sendContinue() {
        queue.continueSent();
        out.writeContinue();
    }

    // ---------------------------------------------------------------- answering (the worker task)

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
            out.close();
            throw e;
        } catch (VirtualMachineError e) {
            // Fatal (an OutOfMemoryError, ...): the run ends with it, as for any task's; this connection closes first.
            closing = true;
            out.close();
            throw e;
        } catch (Throwable e) {
            // A failure of this class: the client must not wait forever.
            loop.callExceptionHandler(ExceptionContext.builder("Unexpected error in an HTTP connection").exception(e)
                    .put("transport", transport).build());
            closing = true;
            out.close();
            return null;
        } finally {
            worker = null;
            if (!closing && !lost) {
                // The server waits for the client again: the clock of the request being received starts now.
                clock.answered();
                if (clock.stage() == RequestParser.Stage.NONE) parser.trim();
                updateReading();
                clock.arm();
            } else {
                clock.activity();
            }
        }
    }

    private Void answerQueued() {
        Request r;
        while (!lost && (r = queue.poll()) != null) {
            current = r;
            r.setClientMaxSize(app.clientMaxSize());
            r.setConnection(this);
            AccessLog accessLog = runner.accessLog();
            long started = accessLog == null ? 0 : System.nanoTime();
            out.startAnswer();
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
            queue.upgradeAnswered();
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
                boolean sent = out.sendFile(f, r.method().equals("HEAD"), r.version(), keepAlive);
                if (accessLog != null) accessLog.log(r, f.status(), out.answerBytes(), f.headers(), System.nanoTime() - started);
                if (!sent) return null;
            } else if (stream != null) { // the handler streamed its answer
                StreamResponse s = stream;
                stream = null;
                if (accessLog != null) accessLog.log(r, s.status(), out.answerBytes(), s.sentHeaders(), System.nanoTime() - started);
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
                boolean sent = out.send(resp, r.method().equals("HEAD"), r.version(), keepAlive);
                if (accessLog != null) accessLog.log(r, resp.status(), out.answerBytes(), resp.headers(), System.nanoTime() - started);
                if (!sent) return null;
            }
            if (out.paused() && !out.waitDrained()) return null;
            if (lost) return null;
            if (!keepAlive) {
                closing = true;
                closeAfterAnswer(!bodyDone(r)); // a body not read to its end may still be coming
                return null;
            }
            parseAhead(); // the next requests may be waiting, unparsed, in the parser's buffer
            updateReading();
            if (queue.continueOwed() && queue.isEmpty()) sendContinue();
            if (eof && queue.isEmpty() && refused == null) { // the client ended its side: every request is answered
                closing = true;
                out.close();
                return null;
            }
        }
        if (refused != null && !lost) {
            closing = true;
            out.send(refused.response(), false, "HTTP/1.1", false);
            closeAfterAnswer(true); // the rest of what the parser refused may still be coming
        } else if (closing && !lost) {
            out.close(); // shut down while this task waited for a drain: its response is out
        }
        return null;
    }

    /**
     * Closes the connection once its last answer is out; lingers first ({@link LingeringClose}) if the client may
     * still be sending, so that it reads the answer instead of a reset.
     */
    private void closeAfterAnswer(boolean clientMaySend) {
        if (clientMaySend && !eof && !lost && runner.lingeringTime() > 0) {
            readingPaused = false;
            lingering = new LingeringClose(transport, out, loop, runner.lingeringTime());
        } else {
            out.close();
        }
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
            Handler own = r.asksUpgrade() ? upgradeOf(r) : null;
            Response resp = own != null ? own.handle(r) : app.chain().handle(r);
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
        if (!(lost && (e instanceof IOException || e instanceof UncheckedIOException))) {
            loop.callExceptionHandler(ExceptionContext.builder("Error handling request").exception(e)
                    .put("request", r).put("transport", transport).build());
        }
        return stream != null ? StreamStatus.FAILED : Response.text(500, SERVER_ERROR_TEXT);
    }

    /** Marks a streamed answer whose handler failed after sending its head. */
    private static final class StreamStatus {
        static final Response FAILED = new Response(500);
    }

    private void closeFile() {
        if (file == null) return;
        try {
            file.channel().close();
        } catch (IOException e) {
            // nothing was written through it; a close error of a read-only channel loses nothing
        }
        file = null;
    }

    // ---------------------------------------------------------------- for the request being answered

    void startStream(Request r, StreamResponse s) throws IOException {
        if (r != current || stream != null) {
            throw new IllegalStateException("prepare() takes the request its handler is answering, once: " + r);
        }
        if (lost) throw new IOException("the client of " + r + " has gone");
        stream = s;
        // Without a length or chunked coding (an HTTP/1.0 client), the body ends when the connection does.
        streamKeepAlive = r.keepAlive() && !closing && (s.chunked() || s.announcedLength() >= 0);
        out.streamHead(s, r.version(), streamKeepAlive);
    }

    void streamWrite(byte[] data) throws IOException {
        out.streamWrite(data);
    }

    /** The runner's automatic compression threshold (-1: off), for {@link StreamResponse#prepare}. */
    int autoCompressMin() {
        return runner.autoCompress();
    }

    /**
     * Sends {@code head} (a 101 response) and hands the connection to {@code protocol}: it gets the bytes
     * received after the request's head, then every callback, and closes the connection once the handler returns.
     */
    Transport upgrade(Request r, byte[] head, UpgradedProtocol protocol) throws IOException {
        if (r != current || stream != null || upgraded != null) {
            throw new IllegalStateException("only the request its handler is answering can switch protocols, once: " + r);
        }
        if (lost) throw new IOException("the client of " + r + " has gone");
        transport.write(ByteBuffer.wrap(head));
        switchTo(protocol, parser.takeRemaining());
        return transport;
    }

    /** The client's transport (tests look at its socket). */
    Transport transport() {
        return transport;
    }

    /** Whether this connection speaks TLS (an HTTPS site). */
    boolean secure() {
        return transport.getExtraInfo("sslcontext") != null;
    }

    // ---------------------------------------------------------------- for the writer and the clock

    boolean lost() {
        return lost;
    }

    boolean closing() {
        return closing;
    }

    /**
     * The writer gives up on the client: it took no byte for the send timeout ({@code clientGone}: no more
     * answers), or the answer cannot be completed (a file shrank or failed to read). The connection is aborted.
     */
    void dropClient(boolean clientGone) {
        closing = true;
        if (clientGone) lost = true; // as far as answers go: connectionLost follows the abort
        transport.abort();
    }

    /** Whether the server waits for the client now, so that the client's clock runs. */
    boolean clientClockRuns() {
        if (lost || refused != null) return false;
        // A body streamed to its handler: the client's clock runs, but not while the server holds it up.
        if (receivingBody()) return !readingPaused;
        return !closing && worker == null && queue.isEmpty();
    }

    /** A deadline of the {@link ClientClock} passed at {@code stage} of the request being received. */
    void clientTimedOut(RequestParser.Stage stage, String reason) {
        closing = true;
        if (receivingBody() && (worker != null || !queue.isEmpty())) {
            // The handler's read throws the 408, which it answers (or not); then the connection closes.
            parser.streamingBody().fail(new HttpError(408, reason));
            updateReading();
            return;
        }
        updateReading();
        if (stage == RequestParser.Stage.NONE) {
            out.close(); // idle between requests: closed quietly, as aiohttp and nginx do
            return;
        }
        // A request cut half way: say why (RFC 9110 section 15.5.9), then close.
        out.send(new HttpError(408, reason).response(), false, "HTTP/1.1", false);
        out.close();
    }

    // ---------------------------------------------------------------- the transport's callbacks

    @Override
    public void pauseWriting() {
        out.setPaused(true);
        if (upgraded != null) {
            upgraded.pauseWriting();
            return;
        }
        updateReading(); // no more requests while the answers already made wait for the client
    }

    @Override
    public void resumeWriting() {
        out.setPaused(false);
        if (upgraded != null) upgraded.resumeWriting();
        updateReading();
    }

    /**
     * The client has ended its side. A client that shuts its sending side after whole requests (a half-close)
     * still gets their answers, then the connection closes; so does one that went away, whose answers the kernel
     * then drops. The transport closes at once, as before, when nothing is owed, when a request is cut half-way,
     * over TLS (no half-close there), and with {@link AppRunner#handlerCancellation} (the client is taken as gone).
     */
    @Override
    public boolean eofReceived() {
        if (upgraded != null) return upgraded.eofReceived();
        eof = true;
        if (lingering != null) {
            lingering.finish(); // it has sent everything: close now
            return true;
        }
        boolean answering = worker != null || !queue.isEmpty();
        return answering && parser.stage() == RequestParser.Stage.NONE && !secure() && !runner.handlerCancellation();
    }

    @Override
    public void connectionLost(Throwable exc) {
        if (upgraded != null) upgraded.connectionLost(exc);
        lost = true;
        closing = true;
        if (lingering != null) lingering.stop();
        RequestContent b = parser == null ? null : parser.streamingBody();
        if (b != null) b.fail(new EOFException("the client closed the connection in the middle of the request body"));
        if (clock != null) clock.stop();
        // The worker sees `lost` and ends: a client going away is no error of the server's.
        if (out != null) out.connectionLost();
        // The runner counts the connection until its handler has ended too (a done callback: a worker cancelled
        // before it started never runs work()'s finally).
        Task<Void> w = worker;
        if (w == null) {
            runner.connectionClosed(this);
            return;
        }
        w.addDoneCallback(f -> runner.connectionClosed(this));
        // aiohttp's handler_cancellation: nobody waits for the answer any more (a WebSocket's protocol tells its handler)
        if (runner.handlerCancellation() && upgraded == null && !w.done()) w.cancel();
    }

    // ---------------------------------------------------------------- for tests

    /**
     * The heap this connection holds for its client beyond the request being answered and its response: the
     * parser's buffers, the requests queued, and what the transport holds unsent.
     */
    long bufferedBytes() {
        RequestContent b = parser.streamingBody();
        return parser.heldBytes() + queue.heldBytes() + transport.getWriteBufferSize() + (b == null ? 0 : b.buffered());
    }

    boolean readingPaused() {
        return readingPaused;
    }

    /** What the transport holds that the client has not taken. */
    long unsentBytes() {
        return out.unsentBytes();
    }

    // ---------------------------------------------------------------- shutdown (AppRunner)

    /** Stops taking requests: an idle connection closes now, a busy one after its current response. */
    void shutdown() {
        if (upgraded instanceof io.jasyncio.http.h2.Http2ServerConnection h2) { // h2c by Upgrade marks this closing
            h2.serverShutdown();
            return;
        }
        if (closing) return;
        if (upgraded != null) { // the handler still runs: the new protocol says goodbye its own way
            upgraded.serverShutdown();
            return;
        }
        closing = true;
        if (worker == null) out.close();
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
