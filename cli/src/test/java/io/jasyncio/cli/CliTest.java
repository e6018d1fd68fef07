package io.jasyncio.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code jasyncio} command: what each subcommand shows, and the errors it gives. */
class CliTest {
    private record Run(int code, String out, String err) {}

    /** Runs a subcommand as bin/jasyncio would, capturing System.out and System.err. */
    private static synchronized Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.commandLine().execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void tourRunsEverySeedInOrder() {
        Run r = run("tour", "--scale", "0.05");
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

    @Test
    void echoClientsAgainstNothingNamesTheAddress() throws Exception {
        int port = freePort();
        Run r = run("echo-clients", "--port", String.valueOf(port));
        assertEquals(1, r.code());
        assertTrue(r.err().contains(String.valueOf(port)), r.err());
    }

    @Test
    void badOptionsAreExplained() {
        Run r = run("vectordb", "--connect", "nohost");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--connect wants HOST:PORT"), r.err());
        Run m = run("models", "--scale", "-1");
        assertEquals(1, m.code());
        assertTrue(m.err().contains("scale must be a positive number"), m.err());
        Run u = run("echo-server", "--mode", "nonsense");
        assertEquals(2, u.code());
        assertTrue(u.err().contains("nonsense"), u.err());
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
