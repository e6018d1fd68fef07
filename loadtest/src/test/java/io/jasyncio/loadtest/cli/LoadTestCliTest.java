package io.jasyncio.loadtest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.jasyncio.loadtest.TestServers;
import io.jasyncio.loadtest.threshold.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each exit code of the command, from real runs against a small server on another thread. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoadTestCliTest {
    static HttpServer server;
    static final java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    static String url;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/echo", ex -> {
            byte[] in = ex.getRequestBody().readAllBytes();
            seen.add(ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("X-Test") + " "
                    + new String(in, StandardCharsets.UTF_8));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.createContext("/", ex -> {
            if (ex.getRequestURI().getPath().equals("/slow")) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] b = "hello".getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(ex.getRequestURI().getPath().equals("/missing") ? 404 : 200, b.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    record Run(int code, String out, String err) {}

    static Run run(Consumer<LoadTestCli.Options> set) {
        LoadTestCli.Options o = new LoadTestCli.Options();
        o.progress = false;
        set.accept(o);
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = LoadTestCli.run(o, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void passingThresholdsExitZeroAndWriteTheReports(@TempDir Path dir) throws IOException {
        Run r = run(o -> {
            o.url = url + "/";
            o.connections = 2;
            o.duration = "1s";
            o.thresholds = List.of("p99<60s", "errors.rate<1%", "requests.count>0");
            o.json = dir.resolve("r.json");
            o.html = dir.resolve("r.html");
            o.hlog = dir.resolve("r.hlog");
        });
        assertEquals(Verdict.PASS, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("result: PASS"), r.out());
        String json = Files.readString(dir.resolve("r.json"));
        assertTrue(json.contains("\"exitCode\":0") && json.contains("\"valid\":true"), json);
        assertTrue(Files.readString(dir.resolve("r.html")).contains("<svg"));
        assertTrue(Files.readString(dir.resolve("r.hlog")).contains("Tag=request"));
    }

    @Test
    void aFailedThresholdExitsOne() {
        Run r = run(o -> {
            o.url = url + "/";
            o.connections = 1;
            o.duration = "500ms";
            o.thresholds = List.of("p99<1us");
        });
        assertEquals(Verdict.FAILED, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("FAIL  p99<1us"), r.out());
    }

    @Test
    void everyRequestFailingIsNeverExitZero() {
        // issue 13 item 18: every request refused used to exit 0 with NaN in the table
        Run r = run(o -> {
            o.url = "http://127.0.0.1:" + TestServers.closedPort() + "/";
            o.connections = 2;
            o.duration = "500ms";
        });
        assertEquals(Verdict.FAILED, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("every request failed"), r.out());
        assertTrue(r.out().contains("connect_refused"), r.out());
        assertFalse(r.out().contains("NaN"), r.out());
        Run notFound = run(o -> {
            o.url = url + "/missing";
            o.connections = 1;
            o.duration = "500ms";
        });
        assertEquals(Verdict.FAILED, notFound.code(), notFound.out());
        assertTrue(notFound.out().contains("http_4xx"), notFound.out());
    }

    @Test
    void aRateTheConnectionsCannotCarryIsAnInvalidRunExitTwo() {
        // one connection to a 200 ms handler carries 5 requests/s; 100/s were asked
        Run r = run(o -> {
            o.url = url + "/slow";
            o.connections = 1;
            o.rate = 100.0;
            o.duration = "1s";
            o.thresholds = List.of("p99<60s");
        });
        assertEquals(Verdict.INVALID, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("the asked rate was not delivered"), r.out());
    }

    @Test
    void theArrivalLogHasALineForEachMeasuredArrival(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("arrivals.log");
        Run r = run(o -> {
            o.url = url + "/";
            o.connections = 4;
            o.rate = 200.0;
            o.poisson = true;
            o.duration = "2s";
            o.warmup = "500ms";
            o.json = dir.resolve("r.json");
            o.arrivalLog = log;
        });
        assertTrue(r.code() == Verdict.PASS || r.code() == Verdict.INVALID, r.out() + r.err()); // a starved machine may be INVALID
        String json = Files.readString(dir.resolve("r.json"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"sent\":(\\d+)").matcher(json);
        assertTrue(m.find(), json);
        List<String> lines = Files.readAllLines(log);
        assertEquals(Long.parseLong(m.group(1)), lines.size(), "one line per arrival the report counts as sent");
        for (String line : lines) {
            String[] f = line.split(" ");
            assertTrue(Long.parseLong(f[1]) >= Long.parseLong(f[0]), "sent before intended: " + line);
        }
    }

    @Test
    void usageErrorsExitThreeBeforeAnyRunWithOneLine() {
        List<Consumer<LoadTestCli.Options>> bad = List.of(
                o -> { o.url = url; o.thresholds = List.of("p99<<3"); },
                o -> { o.url = url; o.duration = "ten seconds"; },
                o -> { o.url = url; o.connections = 0; },
                o -> { o.url = "ftp://x/"; },
                o -> { o.url = url; o.insecure = true; },
                o -> { o.url = url; o.maxBusy = 0; },
                o -> { o.url = url; o.maxBusy = 150; },
                o -> { o.url = url; o.warmup = "0s"; },
                o -> { o.url = url; o.method = "GE T"; },
                o -> { o.url = url; o.pipeline = 0; },
                o -> { o.url = url; o.loops = 0; },
                o -> { o.url = url; o.connections = 2; o.loops = 3; },
                o -> { o.url = url; o.sourceAddresses = "localhost"; },
                o -> { o.url = url; o.thresholds = List.of("p99<1s;abortOnFial"); },
                o -> { o.url = url; o.replay = Path.of("r.hlog"); },
                o -> { o.replay = Path.of("/nonexistent/r.hlog"); },
                o -> { o.url = url; o.body = "@/nonexistent/file"; },
                o -> { o.url = url; o.scenarios = List.of("no.such.Scenario"); },
                o -> { o.url = url; o.poisson = true; },
                o -> { o.url = url; o.headers = List.of("no colon"); },
                o -> { o.url = url; o.json = Path.of("/nonexistent-dir/r.json"); },
                o -> { o.rate = 10.0; },
                o -> { o.workers = 0; },
                o -> { o.url = url; o.workers = 3; },
                o -> { o.url = url; o.arrivalLog = Path.of("a.log"); },                              // closed model
                o -> { o.url = url; o.rate = 10.0; o.connections = 2; o.loops = 2; o.arrivalLog = Path.of("a.log"); });
        for (Consumer<LoadTestCli.Options> b : bad) {
            Run r = run(b);
            assertEquals(Verdict.USAGE, r.code(), r.out() + r.err());
            assertTrue(r.err().startsWith("loadtest: ") && r.err().strip().lines().count() == 1, r.err());
            assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void theRequestOptionsReachTheWireAndProgressGoesToStderr(@TempDir Path dir) throws IOException {
        Path body = dir.resolve("body.txt");
        Files.writeString(body, "from a file");
        Run r = run(o -> {
            o.url = url + "/echo";
            o.method = "put";
            o.headers = List.of("X-Test: yes");
            o.body = "@" + body;
            o.connections = 2;
            o.pipeline = 2;
            o.duration = "1s";
            o.warmup = "200ms";
            o.seed = 7;
            o.maxBusy = 100;
            o.progress = true;
        });
        assertEquals(Verdict.PASS, r.code(), r.out() + r.err());
        assertTrue(seen.contains("PUT yes from a file"), seen.toString());
        assertTrue(r.out().contains("pipelining 2"), r.out());
        assertTrue(r.err().contains("req/s") && r.err().contains("in-flight"), "the progress line: " + r.err());
    }

    @Test
    void anAbortingThresholdEndsTheRunEarlyWithExitOne() {
        long t0 = System.nanoTime();
        Run r = run(o -> {
            o.url = url + "/";
            o.connections = 1;
            o.duration = "60s";
            o.thresholds = List.of("p99<1us;abortOnFail");
        });
        assertEquals(Verdict.FAILED, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("threshold 'p99<1us;abortOnFail' failed after 1 s of load"), r.out());
        assertTrue(System.nanoTime() - t0 < 50e9, "60 s asked, the first second's check ended it");
    }

    @Test
    void loopsSourceAddressesAndTheirReport(@TempDir Path dir) throws IOException {
        Run r = run(o -> {
            o.url = url + "/";
            o.connections = 3;
            o.loops = 2;
            o.sourceAddresses = "127.0.0.1,127.0.0.2";
            o.duration = "500ms";
            o.json = dir.resolve("r.json");
        });
        assertEquals(Verdict.PASS, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("2 loops"), r.out());
        String json = Files.readString(dir.resolve("r.json"));
        assertTrue(json.contains("\"loops\":2") && json.contains("\"aborted\":null"), json);
    }

    @Test
    void mergeAddsUpTheLogsOfSeveralRunsAndReplayShowsOne(@TempDir Path dir) throws IOException {
        long[] ok = new long[2];
        for (int i = 0; i < 2; i++) {
            Path log = dir.resolve("r" + i + ".hlog");
            Path json = dir.resolve("r" + i + ".json");
            Run r = run(o -> {
                o.url = url + "/";
                o.connections = 1;
                o.duration = "300ms";
                o.hlog = log;
                o.json = json;
                o.quiet = true;
            });
            assertEquals(Verdict.PASS, r.code(), r.err());
            ok[i] = Long.parseLong(Files.readString(json).replaceFirst("(?s).*?\"ok\":([0-9]+).*", "$1"));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = LoadTestCli.merge(List.of(dir.resolve("r0.hlog"), dir.resolve("r1.hlog")), dir.resolve("m.json"), false,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(Verdict.PASS, code, err.toString(StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("merge of 2 logs: "), text);
        assertTrue(text.matches("(?s).*\nrequest +" + String.format(java.util.Locale.ROOT, "%,d", ok[0] + ok[1]) + " .*"), text);
        assertTrue(Files.readString(dir.resolve("m.json")).contains("\"ok\":" + (ok[0] + ok[1])));
        Run replay = run(o -> o.replay = dir.resolve("r0.hlog"));
        assertEquals(Verdict.PASS, replay.code(), replay.err());
        assertTrue(replay.out().startsWith("replay of 1 log: ") && replay.out().matches(
                "(?s).*\nrequest +" + String.format(java.util.Locale.ROOT, "%,d", ok[0]) + " .*"), replay.out());
        Run notALog = run(o -> o.replay = dir.resolve("r0.json"));
        assertEquals(Verdict.USAGE, notALog.code(), notALog.out());
        assertTrue(notALog.err().startsWith("loadtest: ") && notALog.err().contains("r0.json"), notALog.err());
    }

    @Test
    void withoutATargetItRunsTheSeedsDemo() {
        Run r = run(o -> {
            o.connections = 3;
            o.iterations = 2L;
            o.work = 0.001;
        });
        assertEquals(Verdict.PASS, r.code(), r.out() + r.err());
        assertTrue(r.out().startsWith("load test: 3 users x 2 iterations"), r.out());
        assertTrue(r.out().contains("start_task"), r.out());
    }
}
