package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The access log: aiohttp's format directives, its default format, the logger, and hostile header values. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AccessLogTest {
    private static Request request(Headers h) {
        return new Request("GET", "/p%20q", "/p q", "x=1", "HTTP/1.1", h, new byte[0], new InetSocketAddress("10.1.2.3", 5555), 0);
    }

    @Test
    void everyDirective() {
        Headers in = new Headers().add("Referer", "http://r/").add("User-Agent", "ua/1");
        Headers out = new Headers().add("X-Out", "o");
        AccessLog log = AccessLog.to("%a %t %P \"%r\" %s %b %T %Tf %D %{Referer}i %{X-Out}o %{Missing}i 100%% done", l -> {});
        String line = log.line(request(in), 201, 345, out, 1_500_000_000L, Instant.parse("2026-12-06T09:01:30.5Z"));
        assertEquals("10.1.2.3 [06/Dec/2026:09:01:29 +0000] <" + ProcessHandle.current().pid() + "> \"GET /p%20q?x=1 HTTP/1.1\""
                + " 201 345 2 1.500000 1500000 http://r/ o - 100% done", line);
        String dflt = AccessLog.to(AccessLog.DEFAULT_FORMAT, l -> {}).line(request(in), 200, 10, out, 0, Instant.EPOCH);
        assertEquals("10.1.2.3 [01/Jan/1970:00:00:00 +0000] \"GET /p%20q?x=1 HTTP/1.1\" 200 10 \"http://r/\" \"ua/1\"", dflt);
    }

    @Test
    void badFormatsAreRefusedWhenMade() {
        for (String bad : List.of("%x", "%", "%{Referer", "%{Referer}", "%{Referer}z", "%{}i", "%{a b}i")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AccessLog.to(bad, l -> {}), bad);
            assertTrue(e.getMessage().contains("access log format"), e.getMessage());
        }
    }

    @Test
    void aClientCannotForgeLinesOrBloatThem() {
        Headers in = new Headers();
        in.addChecked("User-Agent", "evil\" 200 0 \"\u000b\u001b[31m" + "x".repeat(5000));
        String line = AccessLog.to("%{User-Agent}i", l -> {}).line(request(in), 200, 0, new Headers(), 0, Instant.EPOCH);
        assertTrue(line.startsWith("evil\\x22 200 0 \\x22\\x0b\\x1b[31mxxx"), line);
        assertTrue(line.length() < 1100 && line.endsWith("..."), "cut at 1024: " + line.length());
    }

    @Test
    void servedRequestsAreLoggedWithTheBytesSent() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Application app = new Application();
        app.router().addGet("/", r -> Response.text("hello"));
        app.router().addGet("/stream", r -> {
            StreamResponse s = new StreamResponse(200).prepare(r);
            s.write("abc");
            return s.writeEof();
        });
        try (Served s = Served.start(app, r -> r.accessLog(AccessLog.to(AccessLog.DEFAULT_FORMAT + " %b", lines::add)));
             RawClient c = new RawClient(s.port)) {
            c.send("GET /?a=1 HTTP/1.1\r\nHost: x\r\nUser-Agent: t/1\r\n\r\n");
            RawClient.Reply r = c.read();
            assertEquals("hello", r.text());
            c.get("/missing").read();
            c.get("/stream");
            c.in().readNBytes(1); // the streamed answer is on its way; read it whole below by closing
            while (lines.size() < 3) Thread.sleep(5);
        }
        assertTrue(lines.get(0).matches("127\\.0\\.0\\.1 \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d \\+0000\\] \"GET /\\?a=1 HTTP/1.1\" 200 \\d+ \"-\" \"t/1\" \\d+"),
                lines.get(0));
        String[] f = lines.get(0).split(" ");
        assertEquals(f[f.length - 1], f[f.length - 4], "%b twice");
        assertTrue(Integer.parseInt(f[f.length - 1]) > 100 && Integer.parseInt(f[f.length - 1]) < 200, "head and body: " + lines.get(0));
        assertTrue(lines.get(1).contains("\"GET /missing HTTP/1.1\" 404 "), lines.get(1));
        assertTrue(lines.get(2).contains("\"GET /stream HTTP/1.1\" 200 "), lines.get(2));
    }

    @Test
    void toStreamWritesTheLinesOfALoopIterationInOneWrite() throws Exception {
        List<String> writes = new CopyOnWriteArrayList<>();
        java.io.OutputStream out = new java.io.OutputStream() {
            @Override
            public void write(int b) {
                throw new AssertionError("written byte by byte");
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.add(new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8));
            }
        };
        Application app = new Application();
        app.router().addGet("/", r -> Response.text("hi"));
        try (Served s = Served.start(app, r -> r.accessLog(AccessLog.toStream("%s %r", out))); RawClient c = new RawClient(s.port)) {
            // three pipelined requests answered in one loop iteration: one write
            c.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\n\r\n");
            for (int i = 0; i < 3; i++) c.read();
            while (String.join("", writes).split("\n").length < 3) Thread.sleep(5);
        }
        assertEquals("404 GET /1 HTTP/1.1\n404 GET /2 HTTP/1.1\n404 GET /3 HTTP/1.1\n", String.join("", writes));
        assertEquals(1, writes.size(), writes.toString());
        // a failing stream: reported, then lines dropped, the server unharmed
        java.io.OutputStream broken = new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("disk full");
            }
        };
        Application app2 = new Application();
        app2.router().addGet("/", r -> Response.text("hi"));
        try (Served s = Served.start(app2, r -> r.accessLog(AccessLog.toStream("%s", broken))); RawClient c = new RawClient(s.port)) {
            assertEquals("hi", c.get("/").read().text());
            assertEquals("hi", c.get("/").read().text());
        }
    }

    @Test
    void theDefaultSinkIsTheAccessLogger() throws Exception {
        Logger jul = Logger.getLogger(AccessLog.LOGGER_NAME);
        List<String> got = new CopyOnWriteArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                got.add(r.getLevel() + " " + r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(h);
        jul.setUseParentHandlers(false);
        try {
            Application app = new Application();
            app.router().addGet("/", r -> Response.text("hi"));
            try (Served s = Served.start(app, r -> r.accessLog(AccessLog.toLogger("%s %r"))); RawClient c = new RawClient(s.port)) {
                c.get("/").read();
                while (got.isEmpty()) Thread.sleep(5);
            }
            assertEquals("INFO 200 GET / HTTP/1.1", got.get(0));
        } finally {
            jul.removeHandler(h);
            jul.setUseParentHandlers(true);
        }
    }
}
