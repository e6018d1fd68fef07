package io.jasyncio.http.h2;

import io.jasyncio.http.ServerTesting;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.ExceptionContext;
import io.jasyncio.http.Application;
import io.jasyncio.http.Response;
import io.jasyncio.http.StreamResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link StreamResponse} over HTTP/2: HEADERS, DATA within the windows, END_STREAM; hostile clients. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http2StreamResponseTest {
    /** {@code /stream?n=N&size=S}: N writes of S bytes ('x'), then writeEof; counts what it wrote. */
    static Application app(AtomicLong written, AtomicReference<Throwable> failure) {
        Application app = new Application();
        app.router().addGet("/stream", r -> {
            int n = Integer.parseInt(r.queryParam("n")), size = Integer.parseInt(r.queryParam("size"));
            StreamResponse s = new StreamResponse(200).header("Content-Type", "text/plain");
            if (r.queryParam("length") != null) s.contentLength((long) n * size);
            s.prepare(r);
            byte[] chunk = new byte[size];
            Arrays.fill(chunk, (byte) 'x');
            try {
                for (int i = 0; i < n; i++) {
                    s.write(chunk);
                    written.addAndGet(size);
                }
            } catch (IOException | CancelledError e) {
                failure.set(e);
                throw e;
            }
            return s.writeEof();
        });
        app.router().addGet("/gzip", r -> {
            StreamResponse s = new StreamResponse(200).header("Content-Type", "text/plain").enableCompression();
            s.prepare(r);
            for (int i = 0; i < 100; i++) s.write("line " + i + "\n");
            return s.writeEof();
        });
        app.router().addGet("/fail", r -> {
            new StreamResponse(200).prepare(r).write("partial");
            throw new IllegalStateException("the handler failed after prepare");
        });
        app.router().addGet("/noeof", r -> {
            new StreamResponse(200).prepare(r).write("partial");
            return Response.text("a second answer");
        });
        return app;
    }

    @Test
    void aStreamedAnswerIsHeadersThenDataThenEndStreamNeverChunked() {
        AtomicLong written = new AtomicLong();
        ServerTesting.serve(app(written, new AtomicReference<>()), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                p.sendHeaders(1, H2Peer.get("/stream?n=3&size=5"), true);
                H2Peer.Response r = p.response(1);
                assertEquals(200, r.status());
                assertNull(r.reset());
                assertEquals("x".repeat(15), r.text());
                assertNull(r.header("transfer-encoding"));
                assertNull(r.header("content-length")); // unknown: END_STREAM ends it
                assertEquals("text/plain", r.header("content-type"));
                p.sendHeaders(3, H2Peer.get("/stream?n=4&size=3&length=1"), true);
                H2Peer.Response known = p.response(3);
                assertEquals("12", known.header("content-length"));
                assertEquals(12, known.body().length);
                p.sendHeaders(5, H2Peer.request("HEAD", "/stream?n=2&size=3&length=1"), true);
                H2Peer.Response head = p.response(5);
                assertEquals(200, head.status());
                assertEquals("6", head.header("content-length"));
                assertEquals(0, head.body().length);
            }
            return null;
        });
    }

    @Test
    void aCompressedStreamedAnswerIsGzipOverDataFrames() {
        ServerTesting.serve(app(new AtomicLong(), new AtomicReference<>()), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                p.sendHeaders(1, H2Peer.get("/gzip", "accept-encoding", "gzip"), true);
                H2Peer.Response r = p.response(1);
                assertEquals("gzip", r.header("content-encoding"));
                assertNull(r.header("transfer-encoding"));
                String text = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(r.body())).readAllBytes(),
                        StandardCharsets.UTF_8);
                assertTrue(text.startsWith("line 0\nline 1\n") && text.endsWith("line 99\n"), text);
            }
            return null;
        });
    }

    @Test
    void aLargeStreamedBodyGoesOutAsTheClientOpensTheWindows() {
        AtomicLong written = new AtomicLong();
        ServerTesting.serve(app(written, new AtomicReference<>()), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                p.sendHeaders(1, H2Peer.get("/stream?n=64&size=16384"), true);
                H2Peer.Response r = p.response(1);
                assertEquals(1 << 20, r.body().length);
                assertNull(r.reset());
            }
            return null;
        });
    }

    @Test
    void aClientThatOpensNoWindowStopsTheHandlerAtTheStreamsWindowThenTheWriteFails() {
        AtomicLong written = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ServerTesting.serve(app(written, failure), r -> r.sendTimeout(5), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                p.autoWindow = false;
                p.send(FrameWriter.windowUpdate(0, 1 << 20)); // the connection's window is open: the stream's is the bound
                p.sendHeaders(1, H2Peer.get("/stream?n=1000&size=4096"), true);
                long data = 0;
                while (data < 65_535) {
                    Frame f = next(p);
                    if (f instanceof Frame.Data d) data += d.data().length;
                }
                Asyncio.sleep(2); // the handler waits for a window that does not open
                assertEquals(65_535, data);
                assertTrue(written.get() <= 65_535, "the handler wrote " + written.get() + " bytes into a window of 65,535");
                assertNull(failure.get());
                Frame f; // past the send timeout the stream is ended and the handler's write fails
                do f = next(p); while (f != null && !(f instanceof Frame.RstStream));
                assertEquals(new Frame.RstStream(1, ErrorCode.CANCEL), f);
                Asyncio.sleep(0.1);
                assertInstanceOf(IOException.class, failure.get());
            }
            return null;
        });
    }

    @Test
    void aClientResetMidStreamCancelsTheHandlerAndItsWritesFail() {
        AtomicLong written = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ServerTesting.serve(app(written, failure), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                p.autoWindow = false;
                p.sendHeaders(1, H2Peer.get("/stream?n=1000&size=4096"), true);
                Frame f;
                do f = next(p); while (!(f instanceof Frame.Data));
                p.send(FrameWriter.rstStream(1, ErrorCode.CANCEL));
                Asyncio.sleep(0.1);
                assertInstanceOf(CancelledError.class, failure.get()); // it was waiting for the window
                p.sendHeaders(3, H2Peer.get("/stream?n=2&size=2"), true); // the connection serves on
                p.autoWindow = true;
                assertEquals("xxxx", p.response(3).text());
                assertFalse(p.resets().containsKey(1)); // a reset is not answered with a reset
            }
            return null;
        });
    }

    @Test
    void aHandlerFailingAfterPrepareGetsItsStreamResetNotASecondAnswer() {
        List<ExceptionContext> errors = new ArrayList<>();
        ServerTesting.serve(app(new AtomicLong(), new AtomicReference<>()), (port, runner) -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> errors.add(ctx));
            try (H2Peer p = H2Peer.open(port)) {
                p.sendHeaders(1, H2Peer.get("/fail"), true);
                H2Peer.Response r = p.response(1);
                assertEquals(200, r.status());
                assertEquals("partial", new String(r.body(), StandardCharsets.UTF_8));
                assertEquals(ErrorCode.INTERNAL_ERROR, r.reset());
                p.sendHeaders(3, H2Peer.get("/noeof"), true);
                H2Peer.Response r3 = p.response(3);
                assertEquals(ErrorCode.INTERNAL_ERROR, r3.reset());
                assertEquals("partial", r3.text());
            }
            return null;
        });
        assertEquals(2, errors.size(), errors.toString());
        assertEquals("the handler failed after prepare", errors.get(0).exception().getMessage());
        assertTrue(errors.get(1).exception().getMessage().contains("instead of returning its writeEof()"), errors.get(1).toString());
    }

    /** The peer's next frame, a header block decoded on the way (the peer's HPACK table stays in step). */
    static Frame next(H2Peer p) {
        Frame f = p.next();
        if (f instanceof Frame.Headers h) p.decoder.decode(h.fragment());
        return f;
    }
}
