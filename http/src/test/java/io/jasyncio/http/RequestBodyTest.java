package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Event;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Streamed request bodies (issue 17): {@code request.content()} read as the body arrives, in bounded memory with
 * flow control; the whole-body forms and their limits (per application, per route); forms, URL-encoded and
 * multipart; and what hostile clients get.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RequestBodyTest {
    /** The most a streamed body may hold unread: the high-water mark plus one read of the transport's. */
    static final long HELD_BOUND = RequestContent.HIGH_WATER + 256 * 1024;

    /** Counts the body's bytes with readAny(), noting the most the reader held unread at any time. */
    static Application counting(AtomicLong maxHeld) {
        Application app = new Application();
        app.router().addPost("/count", r -> {
            RequestContent in = r.content();
            long n = 0;
            for (byte[] b; (b = in.readAny()).length > 0; ) {
                n += b.length;
                maxHeld.accumulateAndGet(in.buffered() + b.length, Math::max);
            }
            assertTrue(in.atEof());
            return Response.text("got " + n + " streamed=" + r.streamed());
        });
        return app;
    }

    static long rssKiB() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", ""));
        }
        return -1;
    }

    static long heapUsed() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void aOneGibUploadIsCountedInBoundedMemory() throws Exception {
        AtomicLong maxHeld = new AtomicLong();
        long total = 1L << 30;
        try (Served s = Served.start(counting(maxHeld)); RawClient c = new RawClient(s.port)) {
            long heapBefore = heapUsed(), rssBefore = rssKiB();
            long t0 = System.nanoTime();
            c.send("POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: " + total + "\r\n\r\n");
            OutputStream out = c.socket.getOutputStream();
            byte[] block = new byte[1 << 20];
            long maxServerBuffered = 0;
            for (long sent = 0; sent < total; sent += block.length) {
                out.write(block);
                if ((sent & ((64 << 20) - 1)) == 0) maxServerBuffered = Math.max(maxServerBuffered, s.stats().maxBufferedBytes());
            }
            out.flush();
            RawClient.Reply r = c.read();
            double secs = (System.nanoTime() - t0) / 1e9;
            long heapAfter = heapUsed(), rssAfter = rssKiB();
            assertEquals("got " + total + " streamed=true", r.text());
            assertTrue(maxHeld.get() <= HELD_BOUND, "the reader held " + maxHeld.get() + " bytes unread at most");
            assertTrue(maxServerBuffered < 1 << 20, "the connection held " + maxServerBuffered);
            System.out.printf("1 GiB upload: %.1f s (%.0f MiB/s), reader held at most %d KiB unread, connection held at most"
                    + " %d KiB; heap after GC %d -> %d MiB, RSS %d -> %d MiB%n", secs, 1024 / secs, maxHeld.get() / 1024,
                    maxServerBuffered / 1024, heapBefore >> 20, heapAfter >> 20, rssBefore >> 10, rssAfter >> 10);
            assertEquals(List.of(), s.errors);
        }
    }

    @Test
    void aChunkedUploadStreamsWithItsChunkBoundaries() throws Exception {
        Application app = new Application();
        app.router().addPost("/chunks", r -> {
            StringBuilder b = new StringBuilder();
            for (RequestContent.Chunk ch; (ch = r.content().readChunk()).data().length > 0; ) {
                b.append(new String(ch.data(), StandardCharsets.US_ASCII)).append(ch.endOfHttpChunk() ? "|" : "");
            }
            return Response.text(b.toString());
        });
        app.router().addPost("/lines", r -> {
            StringBuilder b = new StringBuilder();
            for (byte[] l; (l = r.content().readLine()).length > 0; ) b.append('[').append(new String(l, StandardCharsets.US_ASCII).strip()).append(']');
            return Response.text(b.toString());
        });
        app.router().addPost("/exact", r -> {
            byte[] four = r.content().readExactly(4);
            try {
                r.content().readExactly(100);
                return Response.text("no");
            } catch (java.io.EOFException e) {
                return Response.text(new String(four, StandardCharsets.US_ASCII) + " then " + e.getMessage());
            }
        });
        try (Served s = Served.start(app); RawClient c = new RawClient(s.port)) {
            String chunked = "POST %s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
            c.send(chunked.formatted("/chunks") + "3\r\nabc\r\n");
            c.send("2\r\nde\r\n0\r\n\r\n");
            assertEquals("abc|de|", c.read().text());
            c.send(chunked.formatted("/lines") + "5\r\nab\ncd\r\n5\r\n\n\nef\n\r\n0\r\n\r\n");
            assertEquals("[ab][cd][][ef]", c.read().text());
            c.send(chunked.formatted("/exact") + "6\r\n123456\r\n0\r\n\r\n");
            assertEquals("1234 then the body ended after 2 of the 100 bytes expected", c.read().text());
        }
    }

    /** While the handler does not read, the server stops reading the socket: memory stays bounded. */
    @Test
    void theServerStopsReadingWhileTheHandlerDoesNot() throws Exception {
        Event go = new Event();
        Application app = new Application();
        app.router().addPost("/later", r -> {
            go.await();
            return Response.text("len " + r.clientMaxSize(64 << 20).body().length);
        });
        try (Served s = Served.start(app); RawClient c = new RawClient(s.port)) {
            int size = 32 << 20;
            c.send("POST /later HTTP/1.1\r\nHost: x\r\nContent-Length: " + size + "\r\n\r\n");
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    c.socket.getOutputStream().write(new byte[size]);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (s.stats().readingPaused() == 0 && System.nanoTime() < deadline) Thread.sleep(10);
            AppRunner.Stats st = s.stats();
            assertEquals(1, st.readingPaused(), "reading paused while the handler waits");
            assertTrue(st.maxBufferedBytes() < HELD_BOUND + 64 * 1024, "held " + st.maxBufferedBytes());
            assertTrue(writer.isAlive(), "the client is held up by TCP backpressure");
            s.onLoop(() -> {
                go.set();
                return null;
            });
            assertEquals("len " + size, c.read().text());
            writer.join(30_000);
        }
    }

    @Test
    void wholeBodyLimitsPerApplicationAndPerRoute() throws Exception {
        Application app = new Application(1000);
        app.router().addPost("/small", r -> Response.text("len " + r.body().length));
        app.router().addPost("/big", r -> Response.text("len " + r.clientMaxSize(100_000).body().length));
        app.router().addPost("/ignore", r -> Response.text("ignored"));
        try (Served s = Served.start(app)) {
            try (RawClient c = new RawClient(s.port)) {
                assertEquals("len 1000", c.send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + "a".repeat(1000)).read().text());
                // too large, announced: refused at once, no 100 Continue, the connection closes
                RawClient.Reply r = c.send("POST /small HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n").read();
                assertEquals(413, r.status());
                assertTrue(r.text().contains("(1000 bytes)"), r.text());
                assertEquals("close", r.header("Connection"));
                assertTrue(c.closedByServer());
            }
            try (RawClient c = new RawClient(s.port)) {
                RawClient.Reply r = c.send("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n" + "b".repeat(1000) + "\r\n1\r\n").read();
                assertEquals(413, r.status(), "chunks announcing more than the limit");
            }
            try (RawClient c = new RawClient(s.port)) {
                c.send("POST /big HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 90000\r\n\r\n");
                RawClient.Reply cont = c.read();
                assertEquals(100, cont.status(), "invited on the handler's first read");
                assertEquals("len 90000", c.send("c".repeat(90000)).read().text());
                assertEquals(413, c.send("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 100001\r\n\r\n").read().status());
            }
            try (RawClient c = new RawClient(s.port)) {
                // a streamed body the handler ignores: answered, then the connection closes (the rest is not awaited)
                RawClient.Reply r = c.send("POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n" + "d".repeat(10)).read();
                assertEquals("ignored", r.text());
                assertTrue(c.closedByServer());
            }
            try (RawClient c = new RawClient(s.port)) {
                // a small body the handler ignores: already read, the connection goes on
                assertEquals("ignored", c.send("POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc").read().text());
                assertEquals("len 0", c.send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").read().text());
            }
            assertEquals(List.of(), s.errors);
        }
    }

    @Test
    void aClientLeavingMidBodyEndsTheHandlersReadQuietly() throws Exception {
        AtomicLong maxHeld = new AtomicLong();
        Application app = counting(maxHeld);
        java.util.concurrent.CompletableFuture<String> seen = new java.util.concurrent.CompletableFuture<>();
        app.router().addPost("/watch", r -> {
            try {
                r.body();
                seen.complete("read it all?");
            } catch (java.io.UncheckedIOException e) {
                seen.complete(e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage());
                throw e;
            }
            return Response.text("x");
        });
        try (Served s = Served.start(app)) {
            try (RawClient c = new RawClient(s.port)) {
                c.send("POST /watch HTTP/1.1\r\nHost: x\r\nContent-Length: 500000\r\n\r\n" + "e".repeat(70000));
            }
            assertEquals("EOFException: the client closed the connection in the middle of the request body",
                    seen.get(30, java.util.concurrent.TimeUnit.SECONDS));
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (s.stats().connections() > 0 && System.nanoTime() < deadline) Thread.sleep(10);
            assertEquals(0, s.stats().connections());
            assertEquals(List.of(), s.errors, "a client going away is no error of the server's");
        }
    }

    /**
     * A streamed body that trickles (a byte a second) into a multipart reader: the body's minimum-rate clock runs
     * while the handler's read waits, so the read throws the 408 after the 60 s allowance (virtual time).
     */
    @Test
    void aTrickledStreamedBodyIsCutByTheBodyTimeout() {
        Application app = forms();
        try (io.jasyncio.Runner runner = io.jasyncio.Runner.builder().loopFactory(io.jasyncio.EventLoop::withVirtualClock).build()) {
            String seen = runner.run(() -> {
                try (AppRunner r = new AppRunner(app)) {
                    r.setup();
                    TcpSite site = new TcpSite(r, "127.0.0.1", 0);
                    site.start();
                    io.jasyncio.EventLoop loop = io.jasyncio.Asyncio.getRunningLoop();
                    io.jasyncio.streams.StreamPair c = io.jasyncio.streams.Streams.openConnection("127.0.0.1", site.port());
                    double start = loop.time();
                    c.writer().write((multipartHead("B", 1_000_000).formatted("/upload")
                            + "--B\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    io.jasyncio.Task<String> reader = loop.createTask(() -> new String(c.reader().read(65536), StandardCharsets.ISO_8859_1));
                    while (!reader.done() && loop.time() - start < 400) {
                        io.jasyncio.Asyncio.sleep(1);
                        if (!reader.done()) c.writer().write(new byte[] {'x'});
                    }
                    double cutAfter = loop.time() - start;
                    c.writer().close();
                    assertTrue(cutAfter >= 60 && cutAfter < 62, "cut after " + cutAfter + " s");
                    return reader.result();
                }
            });
            assertTrue(seen.startsWith("HTTP/1.1 408 "), seen);
            assertTrue(seen.contains("slower than 1024.0 bytes/s") && seen.contains("Connection: close"), seen);
        }
    }

    // ---------------------------------------------------------------- forms

    static Application forms() {
        Application app = new Application();
        app.router().addPost("/form", r -> {
            PostData f = r.post();
            StringBuilder b = new StringBuilder();
            for (var e : f.asMap().entrySet()) {
                for (PostData.Field fld : e.getValue()) {
                    b.append(e.getKey()).append('=').append(fld.isFile() ? "file:" + fld.filename() + ":" + fld.contentType() + ":" + fld.data().length : fld.text()).append(';');
                }
            }
            return Response.text(b.toString());
        });
        app.router().addPost("/upload", r -> {
            MultipartReader m = r.clientMaxSize(10).multipart(); // the limit is for whole bodies: streaming ignores it
            StringBuilder b = new StringBuilder();
            for (MultipartReader.Part p; (p = m.next()) != null; ) {
                long n = 0;
                for (byte[] d; (d = p.read(8192)).length > 0; ) n += d.length;
                b.append(p.name()).append(':').append(p.filename()).append(':').append(n).append(';');
            }
            return Response.text(b.toString());
        });
        return app;
    }

    static String multipartHead(String boundary, long length) {
        return "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=\"" + boundary + "\"\r\nContent-Length: " + length + "\r\n\r\n";
    }

    @Test
    void urlEncodedAndMultipartForms() throws Exception {
        try (Served s = Served.start(forms()); RawClient c = new RawClient(s.port)) {
            String body = "a=1&b=x+y%21&a=2&empty&caf%C3%A9=%E2%82%AC";
            RawClient.Reply r = c.send("POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).read();
            assertEquals("a=1;a=2;b=x y!;empty=;café=€;", r.text());
            String mp = "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhello\r\n"
                    + "--XyZ\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a b.txt\"\r\nContent-Type: text/plain\r\n\r\n"
                    + "line1\r\n--XyYnot-the-boundary\r\n\r\n--XyZ\r\nContent-Disposition: form-data; name=\"x\"; filename*=UTF-8''%E2%82%AC.bin\r\n\r\n"
                    + "\r\n--XyZ--\r\nepilogue";
            byte[] mpb = mp.getBytes(StandardCharsets.UTF_8);
            c.send(multipartHead("XyZ", mpb.length).formatted("/form")).send(mpb);
            assertEquals("title=hello;doc=file:a b.txt:text/plain:" + "line1\r\n--XyYnot-the-boundary\r\n".length() + ";x=file:€.bin:null:0;", c.read().text());
        }
    }

    @Test
    void aLargeMultipartUploadIsReadPartByPart() throws Exception {
        try (Served s = Served.start(forms()); RawClient c = new RawClient(s.port)) {
            int size = 20 << 20;
            String head = "--b0undary\r\nContent-Disposition: form-data; name=\"f\"; filename=\"big.bin\"\r\n\r\n";
            String tail = "\r\n--b0undary\r\nContent-Disposition: form-data; name=\"g\"\r\n\r\nsmall\r\n--b0undary--\r\n";
            c.send(multipartHead("b0undary", head.length() + size + tail.length()).formatted("/upload") + head);
            byte[] block = new byte[1 << 20];
            java.util.Arrays.fill(block, (byte) '-'); // dashes, to tempt a sloppy boundary search
            for (int i = 0; i < size / block.length; i++) c.send(block);
            c.send(tail);
            assertEquals("f:big.bin:" + size + ";g:null:5;", c.read().text());
        }
    }

    @Test
    void hostileForms() throws Exception {
        try (Served s = Served.start(forms())) {
            // 100,000 tiny fields
            String many = "a=1&".repeat(100_000);
            try (RawClient c = new RawClient(s.port)) {
                RawClient.Reply r = c.send("POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                        + many.length() + "\r\n\r\n" + many).read();
                assertEquals(400, r.status());
                assertTrue(r.text().contains("more than 1000 fields"), r.text());
            }
            StringBuilder parts = new StringBuilder();
            for (int i = 0; i < 1001; i++) parts.append("--B\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n");
            parts.append("--B--\r\n");
            try (RawClient c = new RawClient(s.port)) {
                RawClient.Reply r = c.send(multipartHead("B", parts.length()).formatted("/form") + parts).read();
                assertEquals(400, r.status());
                assertTrue(r.text().contains("more than 1000 fields"), r.text());
            }
            // a boundary never closed: the body ends in the middle of a part
            String open = "--B\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nnever closed";
            try (RawClient c = new RawClient(s.port)) {
                RawClient.Reply r = c.send(multipartHead("B", open.length()).formatted("/upload") + open).read();
                assertEquals(400, r.status());
                assertTrue(r.text().contains("before its closing boundary"), r.text());
            }
            // a part header of 1 MiB: refused after its first 8 KiB, without reading the rest
            String hugeHead = "--B\r\nX-Junk: " + "j".repeat(1 << 20) + "\r\n\r\nv\r\n--B--\r\n";
            try (RawClient c = new RawClient(s.port)) {
                c.send(multipartHead("B", hugeHead.length()).formatted("/upload"));
                c.send(hugeHead.substring(0, 100_000));
                RawClient.Reply r = c.read();
                assertEquals(400, r.status());
                assertTrue(r.text().contains("header is longer than 8190 bytes"), r.text());
            }
            try (RawClient c = new RawClient(s.port)) {
                RawClient.Reply r = c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data\r\nContent-Length: 0\r\n\r\n").read();
                assertEquals(400, r.status(), "no boundary");
            }
            assertEquals(List.of(), s.errors);
        }
    }

    static String utf8(ByteArrayOutputStream b) {
        return b.toString(StandardCharsets.UTF_8);
    }
}
