package io.jasyncio.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An Error ends the launcher with status 70 and one line, wherever the loop ran (issue 13, item 4): once, a loop
 * thread that died of OutOfMemoryError left the process alive, port open, answering nothing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FatalExitTest {
    private record Outcome(int status, List<String> err) {}

    /** Runs {@link FatalProbe} with {@code args} in a child JVM; fails if it has not ended within 60 s. */
    private static Outcome probe(List<String> jvmFlags, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp", System.getProperty("java.class.path")));
        cmd.addAll(jvmFlags);
        cmd.add(FatalProbe.class.getName());
        cmd.addAll(List.of(args));
        File err = File.createTempFile("fatal-probe", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(err).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                fail("the JVM was still alive 60 s later (a zombie); stderr:\n" + Files.readString(err.toPath()));
            }
            return new Outcome(p.exitValue(), Files.readAllLines(err.toPath(), StandardCharsets.UTF_8));
        } finally {
            err.delete();
        }
    }

    /** stderr without the launcher's own log lines ("[info] jasyncio engine: ..."). */
    private static List<String> withoutLogLines(List<String> err) {
        return err.stream().filter(l -> !l.startsWith("[")).toList();
    }

    @Test
    void anErrorFromACallbackOnTheMainLoopEndsTheLauncherWithOneLine() throws Exception {
        Outcome o = probe(List.of(), "callback-error");
        assertEquals(Main.FATAL_STATUS, o.status(), String.join("\n", o.err()));
        assertEquals(List.of("callback-error: fatal error, stopping: java.lang.StackOverflowError: raised by a callback"),
                withoutLogLines(o.err()));
    }

    @Test
    void aLoopThreadDyingOfOutOfMemoryEndsTheLauncherInsteadOfLeavingAZombie() throws Exception {
        Outcome o = probe(List.of("-Xmx48m"), "loop-thread-oom");
        assertEquals(Main.FATAL_STATUS, o.status(), String.join("\n", o.err()));
        List<String> lines = withoutLogLines(o.err());
        assertEquals(1, lines.size(), String.join("\n", o.err()));
        assertTrue(lines.get(0).startsWith("loop-thread-oom: fatal error, stopping: java.lang.OutOfMemoryError"), lines.get(0));
    }
}
