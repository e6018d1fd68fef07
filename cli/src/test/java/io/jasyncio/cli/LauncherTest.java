package io.jasyncio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, items 20 and 21: the launcher, {@code bin/jasyncio}, run as a user runs it, in a child process. It is
 * given this test's classpath ({@code JASYNCIO_CLASSPATH}), so it builds nothing while Maven runs the tests.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LauncherTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    private static final Path LAUNCHER = ROOT.resolve("bin/jasyncio");

    private record Result(int code, String out, String err) {}

    /** Runs {@code launcher args...} from {@code dir}, at most 60 s. */
    private static Result launch(Path launcher, Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("launcher", ".out"), err = Files.createTempFile("launcher", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JASYNCIO_CLASSPATH", System.getProperty("java.class.path"));
        Process p = pb.start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("bin/jasyncio " + String.join(" ", args) + " hung");
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly().waitFor();
            Files.delete(out);
            Files.delete(err);
        }
    }

    @Test
    void helpThroughASymlinkFromAnotherFolderListsTheCommands(@TempDir Path tmp) throws Exception {
        Path link = Files.createSymbolicLink(tmp.resolve("jasyncio"), LAUNCHER);
        Result r = launch(link, tmp, "help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\n  tour ") && r.out().contains("\n  test "), r.out());
    }

    @Test
    void testAndInstallDashDashHelpSayWhatTheyDoWithoutRunningMaven(@TempDir Path tmp) throws Exception {
        Result r = launch(LAUNCHER, tmp, "test", "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Usage: bin/jasyncio test [MAVEN_ARG...]\nRuns every test of every module"), r.out());
        assertEquals("", r.err());
        Result i = launch(LAUNCHER, tmp, "install", "--help");
        assertEquals(0, i.code(), i.err());
        assertTrue(i.out().startsWith("Usage: bin/jasyncio install [MAVEN_ARG...]\n"), i.out());
    }

    // item 21: no logger line (the engine's choice was an INFO line on every run) around a demo's output
    @Test
    void aDemoPrintsNoLogLines(@TempDir Path tmp) throws Exception {
        Result r = launch(LAUNCHER, tmp, "models", "--scale", "0.01");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().startsWith("Times are the seeds' seconds (run at scale 0.01: real time ÷ 100).\n"), r.out());
    }

    // item 19 through the launcher: bad input is status 2 and no stack trace
    @Test
    void badInputExitsTwo(@TempDir Path tmp) throws Exception {
        Result r = launch(LAUNCHER, tmp, "vectordb", "bench", "--dim", "100000000");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("jasyncio vectordb bench: --dim must be from 1 to 65536, got 100000000\n"), r.err());
        assertEquals("", r.out());
    }
}
