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
                {"loadtest", "--workers", "0"}, {"loadtest", "serve", "--faults", "2"}}) {
            Run r = run(args);
            assertEquals(3, r.code(), String.join(" ", args) + "\n" + r.err());
            assertFalse(r.err().contains("\tat "), r.err());
        }
    }

    @Test
    void theDemoRunsWithoutATarget() {
        Run r = run("loadtest", "-c", "3", "--iterations", "1", "--work", "0.001");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("result: PASS"), r.out());
    }
}
