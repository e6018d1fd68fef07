package io.jasyncio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code jasyncio loadtest} as scripts see it: exit 3 for what picocli refuses too; the demo runs. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoadTestCommandTest {
    private record Run(int code, String out, String err) {}

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

    @Test
    void usageErrorsExitThree() {
        for (String[] args : new String[][] {{"loadtest", "--bogus"}, {"loadtest", "http://127.0.0.1:1/", "-c", "many"},
                {"loadtest", "http://127.0.0.1:1/", "--rate", "0"}, {"loadtest", "http://127.0.0.1:1/", "-d", "soon"},
                {"loadtest", "--workers", "0"}, {"loadtest", "serve", "--faults", "2"},
                {"loadtest", "http://127.0.0.1:1/", "--insecure"}, {"loadtest", "http://127.0.0.1:1/", "-k"},
                {"loadtest", "http://127.0.0.1:1/", "--loops", "x"}, {"loadtest", "http://127.0.0.1:1/", "--loops", "0"},
                {"loadtest", "http://127.0.0.1:1/", "--source-addresses", "a.b"},
                {"loadtest", "--replay", "/nonexistent.hlog"}, {"loadtest", "merge"},
                {"loadtest", "merge", "/nonexistent.hlog"}}) {
            Run r = run(args);
            assertEquals(3, r.code(), String.join(" ", args) + "\n" + r.err());
            assertFalse(r.err().contains("\tat "), r.err());
        }
    }

    @Test
    void theLoadTestCommandAloneIsTheSameCommand() {
        // Main.main builds only the loadtest command for 'loadtest ...' (a cheaper start): the same name and options
        Run full = run("loadtest", "--help");
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.loadTestCommandLine().execute("loadtest", "--help");
        } finally {
            System.setOut(oldOut);
        }
        assertEquals(0, code);
        assertEquals(full.out(), out.toString(StandardCharsets.UTF_8));
        assertTrue(full.out().startsWith("Usage: jasyncio loadtest"), full.out());
        assertFalse(full.err().contains("WARN"), "picocli warned: " + full.err());
    }

    @Test
    void theDemoRunsWithoutATarget() {
        Run r = run("loadtest", "-c", "3", "--iterations", "1", "--work", "0.001");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("result: PASS"), r.out());
    }
}
