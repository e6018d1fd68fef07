package io.jasyncio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "on the module path" row, done as it says: a module that {@code requires} the library, compiled
 * against the library's jar and run with the flags the row gives, runs on the default engine, without a warning.
 * (The jar is the one the reactor's {@code package} phase built; without it the test is skipped.)
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ModulePathTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();

    /** README.md's row for a program on the module path. */
    static String readmeRow() throws IOException {
        return Files.readAllLines(ROOT.resolve("README.md")).stream()
                .filter(l -> l.startsWith("| on the module path |")).findFirst()
                .orElseThrow(() -> new AssertionError("README.md has no 'on the module path' row"));
    }

    /** The row's last code span: the JVM flags. */
    static List<String> readmeFlags() throws IOException {
        Matcher m = Pattern.compile("`([^`]*)`").matcher(readmeRow());
        String last = null;
        while (m.find()) last = m.group(1);
        return Arrays.asList(last.trim().split("\\s+"));
    }

    /** The module the row's {@code requires} clause names. */
    static String readmeModule() throws IOException {
        Matcher m = Pattern.compile("requires ([a-z.]+);").matcher(readmeRow());
        assertTrue(m.find(), "the row names the module to require: " + readmeRow());
        return m.group(1);
    }

    @Test
    void aModuleRequiringTheLibraryRunsWithTheReadmeFlags(@TempDir Path tmp) throws Exception {
        Path jar;
        try (Stream<Path> built = Files.list(ROOT.resolve("jasyncio/target"))) {
            jar = built.filter(p -> p.getFileName().toString().matches("jasyncio-[0-9][^-]*(-SNAPSHOT)?\\.jar"))
                    .findFirst().orElse(null);
        } catch (java.nio.file.NoSuchFileException e) {
            jar = null;
        }
        Assumptions.assumeTrue(jar != null, "the library's jar is not built (mvn package)");
        Path src = tmp.resolve("src");
        Files.createDirectories(src.resolve("hello"));
        Files.writeString(src.resolve("module-info.java"), "module hello { requires " + readmeModule() + "; }\n");
        Files.writeString(src.resolve("hello/Hello.java"), """
                package hello;
                import io.jasyncio.Asyncio;
                public class Hello {
                    public static void main(String[] args) {
                        System.out.println(Asyncio.run(() -> {
                            Asyncio.sleep(0.01);
                            return Asyncio.getRunningLoop().engineName();
                        }));
                    }
                }
                """);
        Path out = tmp.resolve("out");
        java.io.ByteArrayOutputStream diagnostics = new java.io.ByteArrayOutputStream();
        int compiled = ToolProvider.getSystemJavaCompiler().run(null, diagnostics, diagnostics, "-p", jar.toString(),
                "-d", out.toString(), src.resolve("module-info.java").toString(), src.resolve("hello/Hello.java").toString());
        assertEquals(0, compiled, "javac: " + diagnostics.toString(StandardCharsets.UTF_8));

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(readmeFlags());
        command.addAll(List.of("-p", jar + java.io.File.pathSeparator + out, "-m", "hello/hello.Hello"));
        Path stdout = tmp.resolve("stdout"), stderr = tmp.resolve("stderr");
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the program hung: " + command);
        } finally {
            p.destroyForcibly().waitFor();
        }
        String err = Files.readString(stderr);
        assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + err);
        assertEquals("vthread\n", Files.readString(stdout), "the engine; stderr: " + err);
        assertEquals("", err, "a warning");
    }
}
