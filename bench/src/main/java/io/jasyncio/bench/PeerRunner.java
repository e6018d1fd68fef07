package io.jasyncio.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs CPython's peer script ({@code asyncio_core.py}, plain or {@code --uvloop}) with the system's python3
 * and collects its {@code name value unit} lines.
 *
 * <p>Threading: blocking; call it from an ordinary thread.
 */
public final class PeerRunner {
    private final Path peersDir;

    public PeerRunner(Path peersDir) {
        this.peersDir = peersDir;
    }

    /** {@code ../shared/bench/peers} beside the project root (the launcher passes {@code -Djasyncio.root}). */
    public static Path defaultPeersDir() {
        Path root = Path.of(System.getProperty("jasyncio.root", "."));
        return root.toAbsolutePath().normalize().resolveSibling("shared").resolve("bench").resolve("peers");
    }

    /** What one peer run gave: its lines, or why it could not run. */
    public record Result(boolean ok, String reason, String python, List<String> lines) {
        public Map<String, Double> metrics() {
            return CoreBench.parse(lines);
        }
    }

    public Result run(String variant, double scale) {
        Path script = peersDir.resolve("asyncio_core.py");
        if (!Files.isRegularFile(script)) {
            return new Result(false, "no peer script at " + script + "; pass --peers DIR", null, List.of());
        }
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--scale", String.valueOf(scale)));
        if (variant.equals("uvloop")) {
            if (!canImport(python, "uvloop")) {
                return new Result(false, python + " cannot import uvloop; install it with: apt-get install python3-uvloop",
                        python, List.of());
            }
            cmd.add("--uvloop");
        }
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                return new Result(false, "the peer script failed: " + out.strip(), python, List.of());
            }
            return new Result(true, null, python + " " + version(python), out.lines().toList());
        } catch (IOException e) {
            return new Result(false, "cannot run " + python + ": " + e.getMessage(), python, List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "interrupted", python, List.of());
        }
    }

    private static boolean canImport(String python, String module) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import " + module).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String version(String python) {
        try {
            Process p = new ProcessBuilder(python, "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor(30, TimeUnit.SECONDS);
            return v;
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
