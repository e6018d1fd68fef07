package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code System.in.read()} in a task parks only that task with vthread (docs/ENGINES.md, "Which calls park"; issue
 * 13, item 6): the engine wraps System.in. Run in a child JVM, whose standard input this test writes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ParkingStdinTest {
    @Test
    void aTaskReadingStandardInputLetsTheLoopRunAndACancelledReadLosesNoBytes() throws Exception {
        String engine = io.jasyncio.internal.Engine.get().name();
        Process p = new ProcessBuilder(System.getProperty("java.home") + "/bin/java",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Djasyncio.engine=" + engine,
                "-cp", System.getProperty("java.class.path"), StdinProbe.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        // A child whose loop is held by its read waits for ever for input this test never sends: end it, so the
        // assertion below fails instead of this test hanging.
        Thread reaper = Thread.ofPlatform().daemon().start(() -> {
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        });
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             OutputStream in = p.getOutputStream()) {
            // The input is written only once the ticker has spoken, or after 2 s if it cannot while the read waits.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < deadline && !out.ready()) Thread.sleep(10);
            if (out.ready()) lines.add(out.readLine());
            lines.add("(wrote hello)");
            in.write("hello\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.equals("CANCELLED")) { // the helper still waits for input: it must reach the next read
                    in.write("after\n".getBytes(StandardCharsets.UTF_8));
                    in.flush();
                }
            }
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        reaper.join();
        if (engine.equals("vthread")) {
            assertEquals(List.of("TICK", "(wrote hello)", "READ hello", "CANCELLED", "MAIN after", "END"), lines);
        } else { // the read holds the loop, as before: the ticker runs only once the input came
            assertEquals(List.of("(wrote hello)", "TICK", "READ hello", "END"), lines);
        }
    }

    /** A platform thread reads the wrapped System.in as before (it threw ClassCastException in the engine's lookup). */
    @Test
    void aPlatformThreadReadsStandardInputAsBefore() throws Exception {
        Process p = new ProcessBuilder(System.getProperty("java.home") + "/bin/java",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-Djasyncio.engine=" + io.jasyncio.internal.Engine.get().name(),
                "-cp", System.getProperty("java.class.path"), PlatformStdinProbe.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream in = p.getOutputStream();
             BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            in.write("hello\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertEquals("PLATFORM hello", out.readLine());
        } finally {
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        assertEquals(0, p.waitFor());
    }
}
