package io.jasyncio.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peers of the benchmarks live in the repository (bench/peers), where {@code bench core}, bench/echo/run.sh
 * and bench/http/run.sh look for them, and the core peer prints the metrics CoreBench prints.
 */
@Timeout(120)
class PeerRunnerTest {
    /** The project root: the first folder up from the working directory (a module's, under Maven) with bench/pom.xml. */
    static Path projectRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("bench").resolve("pom.xml"))) return d;
        }
        throw new AssertionError("no project root above " + Path.of("").toAbsolutePath());
    }

    @Test
    void defaultPeersDirIsInsideTheProjectTheLauncherNames() {
        Path root = projectRoot();
        String before = System.getProperty("jasyncio.root");
        System.setProperty("jasyncio.root", root.toString()); // as bin/jasyncio passes it
        try {
            Path dir = PeerRunner.defaultPeersDir();
            assertEquals(root.resolve("bench/peers/core"), dir);
            assertTrue(Files.isRegularFile(new PeerRunner(dir).script()), "missing " + new PeerRunner(dir).script());
        } finally {
            if (before == null) System.clearProperty("jasyncio.root");
            else System.setProperty("jasyncio.root", before);
        }
    }

    @Test
    void everyPeerTheScriptsNameIsInTheRepository() throws IOException {
        Path peers = projectRoot().resolve("bench/peers");
        for (String f : List.of("README.md", "peers.sh", "core/README.md", "core/asyncio_core.py",
                "echo/README.md", "echo/asyncio_echo_server.py", "echo/echo_server.c", "echo/echoload.c",
                "http/README.md", "http/aiohttp_hello.py", "http/nginx.conf.in",
                "netty/README.md", "netty/pom.xml", "netty/src/main/java/io/jasyncio/peers/NettyPeers.java",
                "netty/src/main/java/io/jasyncio/peers/EchoHandler.java",
                "netty/src/main/java/io/jasyncio/peers/HelloHandler.java")) {
            assertTrue(Files.isRegularFile(peers.resolve(f)), "missing bench/peers/" + f);
        }
        // Every "$peers/FILE" a script runs or builds is there (its peers are bench/peers/<benchmark>).
        for (String bench : List.of("echo", "http")) {
            Path script = projectRoot().resolve("bench").resolve(bench).resolve("run.sh");
            Set<String> named = referencedPeerFiles(Files.readString(script));
            assertFalse(named.isEmpty(), script + " names no peer file");
            for (String f : named) {
                assertTrue(Files.isRegularFile(peers.resolve(bench).resolve(f)), script + " wants bench/peers/" + bench + "/" + f);
            }
        }
    }

    static Set<String> referencedPeerFiles(String script) {
        Set<String> files = new LinkedHashSet<>();
        Matcher m = Pattern.compile("\\$peers/([A-Za-z0-9_.-]+)").matcher(script);
        while (m.find()) files.add(m.group(1));
        return files;
    }

    @Test
    void nothingInTheBenchmarksLooksOutsideTheRepository() throws IOException {
        Path root = projectRoot();
        List<String> offenders = new ArrayList<>();
        for (Path top : List.of(root.resolve("bench"), root.resolve("bin"), root.resolve("cli/src"), root.resolve(".ci"))) {
            try (Stream<Path> files = Files.walk(top)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String name = f.toString();
                    if (name.contains("/target/") || name.endsWith(".md") || name.endsWith("PeerRunnerTest.java")) continue;
                    String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    if (text.contains("shared/bench") || text.contains("../shared")) offenders.add(root.relativize(f).toString());
                }
            }
        }
        assertEquals(List.of(), offenders, "these files still look for peers beside the project");
    }

    @Test
    void thePythonPeersParse() throws Exception {
        Path root = projectRoot();
        String python = PeerRunner.python();
        Assumptions.assumeTrue(python != null, "no python3 (.ci/run installs it)");
        for (String f : List.of("bench/peers/core/asyncio_core.py", "bench/peers/echo/asyncio_echo_server.py",
                "bench/peers/http/aiohttp_hello.py", "bench/echo/idle_memory.py")) {
            // ast.parse: a syntax check that writes no __pycache__ into the source tree
            Run r = run(List.of(python, "-c", "import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])",
                    root.resolve(f).toString()));
            assertEquals(0, r.code(), f + ": " + r.out());
        }
    }

    @Test
    void theCPeersCompile() throws Exception {
        Assumptions.assumeTrue(run(List.of("sh", "-c", "command -v gcc")).code() == 0, "no gcc");
        for (String f : List.of("echo_server.c", "echoload.c")) {
            Path c = projectRoot().resolve("bench/peers/echo").resolve(f);
            Run r = run(List.of("gcc", "-fsyntax-only", "-Wall", "-Wextra", "-Werror", c.toString()));
            assertEquals(0, r.code(), f + ": " + r.out());
        }
    }

    @Test
    void theCorePeerPrintsEveryMetricCoreBenchMeasures() {
        Assumptions.assumeTrue(PeerRunner.python() != null, "no python3 (.ci/run installs it)");
        PeerRunner.Result peer = new PeerRunner(PeerRunner.corePeersDir(projectRoot())).run("asyncio", 0.001);
        assertTrue(peer.ok(), peer.reason());
        Set<String> ours = new LinkedHashSet<>();
        for (CoreBench.Metric m : new CoreBench(0.001, 1).runAll()) ours.add(m.name());
        ours.remove("wake_after_gc_ns"); // jasyncio's alone (CoreBench.wakeNs says why)
        assertEquals(ours, peer.metrics().keySet(), String.join("\n", peer.lines()));
        for (String line : peer.lines()) {
            assertTrue(line.matches("[a-z0-9_]+ [0-9]+(\\.[0-9]+)? (ns|bytes|s|ms)"), "not a metric line: " + line);
        }
    }

    @Test
    void aMissingPeerScriptIsExplainedNotThrown() {
        PeerRunner.Result r = new PeerRunner(Path.of("/nonexistent-peers")).run("asyncio", 0.001);
        assertFalse(r.ok());
        assertTrue(r.reason().contains("/nonexistent-peers/asyncio_core.py") && r.reason().contains("--peers"), r.reason());
    }

    // A peer that hangs must not hang 'bench core': it is stopped at the runner's time limit, and not left running.
    @Test
    void aPeerThatHangsIsStoppedAtTheTimeLimit(@TempDir Path peers) throws Exception {
        Assumptions.assumeTrue(PeerRunner.python() != null, "no python3 (.ci/run installs it)");
        Path script = Files.writeString(peers.resolve(PeerRunner.SCRIPT), "import time\ntime.sleep(30)\n");
        PeerRunner.Result r = new PeerRunner(peers, java.time.Duration.ofSeconds(2)).run("asyncio", 0.001);
        assertFalse(r.ok(), "a peer that printed nothing in its 2 s counted as measured");
        assertTrue(r.reason().startsWith("the peer script did not finish within 2 s"), r.reason());
        List<String> left = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(ph -> ph.info().commandLine().orElse("")).filter(c -> c.contains(script.toString())).toList();
        assertEquals(List.of(), left, "the peer still runs");
    }

    // A peer that runs and prints no metric line measured nothing: it must not count as measured.
    @Test
    void aPeerThatPrintsNoMetricIsNotMeasured(@TempDir Path peers) throws Exception {
        Assumptions.assumeTrue(PeerRunner.python() != null, "no python3 (.ci/run installs it)");
        Files.writeString(peers.resolve(PeerRunner.SCRIPT), "print('nothing to measure here')\n");
        PeerRunner.Result r = new PeerRunner(peers).run("asyncio", 0.001);
        assertFalse(r.ok(), "counted as measured: " + r.lines());
        assertEquals("the peer script printed no metric: nothing to measure here", r.reason());
    }

    record Run(int code, String out) {}

    static Run run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Run(-1, "timed out: " + out);
        }
        return new Run(p.exitValue(), out);
    }
}
