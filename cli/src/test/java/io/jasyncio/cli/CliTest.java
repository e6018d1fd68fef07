package io.jasyncio.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@code jasyncio} command: what each subcommand shows, and the errors it gives. */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CliTest {
    /** What a run printed, and the log records (INFO and above) published meanwhile. */
    record Run(int code, String out, String err, List<LogRecord> logged) {}

    /** Runs a subcommand as bin/jasyncio would, capturing System.out, System.err and the log. */
    static synchronized Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        List<LogRecord> logged = java.util.Collections.synchronizedList(new ArrayList<>());
        Handler capture = new Handler() {
            @Override public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.INFO.intValue()) logged.add(r);
            }
            @Override public void flush() {}
            @Override public void close() {}
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            int code = Main.commandLine().execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                    List.copyOf(logged));
        } finally {
            root.removeHandler(capture);
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static Run tour;

    /** One scaled-down tour, shared by the tests that look at it (it takes a while). */
    private static synchronized Run tour() {
        if (tour == null) tour = run("tour", "--scale", "0.05");
        return tour;
    }

    /** Terminal columns: East Asian wide characters (the seed's Chinese lines) take two. */
    static int columns(String line) {
        return line.codePoints().map(c -> (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF)
                || (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F)
                || (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) ? 2 : 1).sum();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void tourRunsEverySeedInOrder() {
        Run r = tour();
        assertEquals(0, r.code(), r.err());
        String o = r.out();
        String[] inOrder = {"Seed 000", "A: start downloading", "A: network data arrived", "B: disk write done", "run() returned \"main's result\"",
                "Timeout waiting for input for _run_single_task",
                "Seed 001", "concurrent (tasks)", "Seed 002", "sequential server: 3 clients done", "served one after another",
                "protocol   server: 3 clients done", "Seeds 002/003", "asCompleted: fast", "no GIL", "Seed 004",
                "asyncio.run() cannot be called from a running event loop", "finished 5 concurrent queries",
                "Tour finished"};
        int at = 0;
        for (String s : inOrder) {
            int i = o.indexOf(s, at);
            assertTrue(i >= 0, "missing, or out of order: \"" + s + "\"\n" + o);
            at = i;
        }
        // Which servers serve the clients together is shown by EchoClientsTest through the order of events;
        // here, only that every server was visited (the tour's own verdict uses wall time).
        for (String mode : new String[] {"threads", "pool", "selector", "handmade", "streams", "protocol"}) {
            assertTrue(o.matches("(?s).*" + mode + " +server: 3 clients done after [0-9.]+ s.*"), mode + ":\n" + o);
        }
    }

    // issue 13, item 21: no logger line in the middle of the tour's output, every line within 100 columns, and
    // one note saying what the times are
    @Test
    void tourOutputFitsOneHundredColumnsWithNoLogLines() {
        Run r = tour();
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(), r.logged().stream().map(x -> x.getLevel() + " " + x.getMessage()).toList(),
                "log records published during the tour");
        assertEquals("", r.err(), "the tour writes nothing to stderr");
        assertTrue(r.out().contains("Seed 000: the load-test tool"), "the load-test section is there");
        List<String> wide = r.out().lines().filter(l -> columns(l) > 100).toList();
        assertEquals(List.of(), wide, "lines over 100 columns");
        assertTrue(r.out().startsWith("Times are the seeds' seconds (run at scale 0.05: real time ÷ 20).\n"), r.out());
        assertEquals(1, r.out().split("real time ÷", -1).length - 1, "the scale is explained once:\n" + r.out());
        assertTrue(r.out().contains("debug mode said: task 'blocking-task' (created at RunDemo.java:"), r.out());
    }

    @Test
    void echoClientsAgainstNothingNamesTheAddress() throws Exception {
        int port = freePort();
        Run r = run("echo-clients", "--port", String.valueOf(port));
        assertEquals(1, r.code());
        assertTrue(r.err().contains(String.valueOf(port)), r.err());
    }


    @Test
    void benchCorePrintsEveryMetricOfThePeerScript() {
        Run r = run("bench", "core", "--scale", "0.002", "--rounds", "1", "--no-peers");
        assertEquals(0, r.code(), r.err());
        for (String m : new String[] {"switch_ns", "switch10_ns", "spawn_gather_ns", "call_soon_ns",
                "parked_task_bytes", "wake_ns", "timers_200k_s", "gather_10k_ms", "queue_ns", "lock_ns"}) {
            assertTrue(r.out().matches("(?s).*\\n" + m + " [0-9.]+ (ns|bytes|s|ms)\\n.*"), m + " missing:\n" + r.out());
        }
    }

    @Test
    void vectordbRemoteSessionRuns() {
        Run r = run("vectordb", "--remote");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("inserted 100 vectors") && r.out().contains("finished 5 concurrent queries"), r.out());
    }
}
