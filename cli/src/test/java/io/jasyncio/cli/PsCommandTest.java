package io.jasyncio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code jasyncio ps/pstree}: Main.main builds only these two commands for them (a cheaper start: they should
 * answer within a second); what a user sees is the same as from the whole command line.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PsCommandTest {
    private record Run(int code, String out, String err) {}

    private static synchronized Run run(Supplier<CommandLine> cl, String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = cl.get().execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void thePsCommandsAloneAreTheSameCommands() {
        for (String[] args : new String[][] {{"ps", "--help"}, {"pstree", "--help"}, {"ps"}, {"ps", "abc"},
                {"pstree", "-5"}, {"ps", "0"}, {"ps", "1", "2"}}) {
            Run full = run(Main::commandLine, args), alone = run(Main::psCommandLine, args);
            assertEquals(full, alone, String.join(" ", args));
        }
        Run help = run(Main::psCommandLine, "ps", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().startsWith("Usage: jasyncio ps [-hV] PID"), help.out());
        Run bad = run(Main::psCommandLine, "ps", "abc");
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("jasyncio ps: Invalid value"), bad.err());
    }

    @Test
    void aPidThatIsNoJvmIsOneLineAndStatusOne() {
        Run r = run(Main::psCommandLine, "pstree", Integer.toString(Integer.MAX_VALUE));
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("jasyncio pstree: cannot attach to process " + Integer.MAX_VALUE), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }
}
