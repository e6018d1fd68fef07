package io.jasyncio.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the project's CPython peer of {@code bench core} ({@code bench/peers/core/asyncio_core.py}, plain or
 * {@code --uvloop}) with the system's python3 and collects its {@code name value unit} lines.
 *
 * <p>A missing python3 or uvloop is a {@link Result} that names the Debian package to install; with the
 * environment variable {@code INSTALL=1} the runner installs it with apt-get first, as {@code .ci/run} does for
 * what the tests need.
 *
 * <p>Threading: blocking; call it from an ordinary thread.
 */
public final class PeerRunner {
    /** The peer script, in {@link #corePeersDir(Path)}. */
    public static final String SCRIPT = "asyncio_core.py";

    /** How long one peer run may take (at scale 1 it takes a few minutes). */
    static final Duration TIME_LIMIT = Duration.ofMinutes(30);

    private final Path peersDir;
    private final Duration timeLimit;

    /** @param peersDir the folder holding {@value #SCRIPT} */
    public PeerRunner(Path peersDir) {
        this(peersDir, TIME_LIMIT);
    }

    PeerRunner(Path peersDir, Duration timeLimit) {
        this.peersDir = peersDir;
        this.timeLimit = timeLimit;
    }

    /** The folder of the core peer inside the project: {@code bench/peers/core}. */
    public static Path corePeersDir(Path projectRoot) {
        return projectRoot.toAbsolutePath().normalize().resolve("bench").resolve("peers").resolve("core");
    }

    /**
     * {@link #corePeersDir} of the project root that {@code bin/jasyncio} passes as {@code -Djasyncio.root}, or of
     * the current directory when run without the launcher.
     */
    public static Path defaultPeersDir() {
        return corePeersDir(Path.of(System.getProperty("jasyncio.root", ".")));
    }

    /** The script this runner runs. */
    public Path script() {
        return peersDir.resolve(SCRIPT);
    }

    /** What one peer run gave: its lines, or why it could not run. */
    public record Result(boolean ok, String reason, String python, List<String> lines) {
        public Map<String, Double> metrics() {
            return CoreBench.parse(lines);
        }
    }

    /** Runs the peer: {@code variant} is {@code asyncio} or {@code uvloop}; {@code scale} as {@code bench core}'s. */
    public Result run(String variant, double scale) {
        Path script = script();
        if (!Files.isRegularFile(script)) {
            return new Result(false, "no peer script at " + script
                    + " (the repository has it in bench/peers/core; --peers DIR names another folder)", null, List.of());
        }
        String python = python();
        if (python == null) {
            if (!install("python3")) {
                return new Result(false, "no python3: " + installHint("python3"), null, List.of());
            }
            python = python();
        }
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--scale", String.valueOf(scale)));
        if (variant.equals("uvloop")) {
            if (!canImport(python, "uvloop") && !(install("python3-uvloop") && canImport(python, "uvloop"))) {
                return new Result(false, python + " cannot import uvloop: " + installHint("python3-uvloop"),
                        python, List.of());
            }
            cmd.add("--uvloop");
        }
        Path output = null;
        Process p = null;
        try {
            // The output goes to a file, not a pipe read to its end, so that the time limit holds for a peer
            // that hangs with its stdout open.
            output = Files.createTempFile("jasyncio-peer", ".out");
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            boolean finished = p.waitFor(timeLimit.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) stop(p);
            String out = Files.readString(output, StandardCharsets.UTF_8).strip();
            if (!finished) {
                return new Result(false, "the peer script did not finish within " + seconds(timeLimit) + " and was stopped"
                        + (out.isEmpty() ? "" : "; it printed: " + out), python, List.of());
            }
            if (p.exitValue() != 0) return new Result(false, "the peer script failed: " + out, python, List.of());
            List<String> lines = out.lines().toList();
            if (CoreBench.parse(lines).isEmpty()) {
                return new Result(false, "the peer script printed no metric: " + out, python, List.of());
            }
            return new Result(true, null, python + " " + version(python), lines);
        } catch (IOException e) {
            return new Result(false, "cannot run " + python + ": " + e.getMessage(), python, List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "interrupted", python, List.of());
        } finally {
            if (p != null && p.isAlive()) p.destroyForcibly();
            if (output != null) output.toFile().delete();
        }
    }

    /** Stops a peer that overran its time: politely, then for good. */
    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static String seconds(Duration d) {
        return d.toSeconds() >= 120 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }

    /** Debian's python3 (it is the one python3-uvloop installs into), else the first python3 on PATH, else null. */
    static String python() {
        if (Files.isExecutable(Path.of("/usr/bin/python3"))) return "/usr/bin/python3";
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "python3"))) return Path.of(dir, "python3").toString();
        }
        return null;
    }

    static String installHint(String debianPackage) {
        return "install it with: apt-get install -y " + debianPackage + " (or run with INSTALL=1 to have it installed)";
    }

    /** With {@code INSTALL=1} in the environment, apt-get installs the package; true when that succeeded. */
    private static boolean install(String debianPackage) {
        if (!"1".equals(System.getenv("INSTALL"))) return false;
        System.err.println("[bench] INSTALL=1: apt-get install -y " + debianPackage);
        return exec(List.of("apt-get", "update", "-qq")) && exec(List.of("apt-get", "install", "-y", "-qq", debianPackage));
    }

    private static boolean exec(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            if (p.waitFor(15, TimeUnit.MINUTES)) return p.exitValue() == 0;
            p.destroyForcibly();
            return false;
        } catch (IOException e) {
            System.err.println("[bench] cannot run " + cmd.getFirst() + ": " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
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
