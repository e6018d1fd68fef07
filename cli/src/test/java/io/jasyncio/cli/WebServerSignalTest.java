package io.jasyncio.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code jasyncio web-server} in a process of its own, stopped by SIGTERM (issue 13, item 11): a request under way
 * is answered and the process exits 0, as after Ctrl-C (aiohttp's run_app handles both). Before, SIGTERM ended the
 * JVM at once and the request got an empty reply.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WebServerSignalTest {
    private static final Pattern RUNNING = Pattern.compile("Running on http://127\\.0\\.0\\.1:(\\d+)");

    /** {@code java ... io.jasyncio.cli.Main web-server --port 0}, with this JVM's classpath, flags and engine. */
    private static List<String> serverCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("--add-exports")) cmd.add(a);
        }
        String engine = System.getProperty("jasyncio.engine");
        if (engine != null) cmd.add("-Djasyncio.engine=" + engine);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.jasyncio.cli.Main", "web-server", "--port", "0"));
        return cmd;
    }

    /** Whether {@code pid} ignores SIGINT (bit 2 of SigIgn in /proc/pid/status). */
    private static boolean ignoresSigint(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("SigIgn:")) return (Long.parseLong(line.substring(7).trim(), 16) & 0x2) != 0;
        }
        throw new AssertionError("no SigIgn line for " + pid);
    }

    /**
     * Waits until the server has read all that the client on {@code clientPort} sent (the Recv-Q of its socket,
     * as ss shows it, is 0): the server reads a request and starts its handler in one loop callback, so from then
     * on the request is under way.
     */
    private static void awaitRead(int serverPort, int clientPort) throws Exception {
        while (true) {
            Process ss = new ProcessBuilder("ss", "-Htn", "state", "established",
                    "( sport = :" + serverPort + " and dport = :" + clientPort + " )").redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(ss.waitFor(10, TimeUnit.SECONDS));
            if (!out.isEmpty() && out.split("\\s+")[0].equals("0")) return;
            Thread.sleep(20);
        }
    }

    private static void sigtermWhileARequestIsUnderWay(boolean sigintIgnored) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "Linux only (/proc)");
        try {
            new ProcessBuilder("ss", "-V").start().waitFor();
        } catch (IOException noSs) {
            assumeTrue(false, "ss (iproute2) is not installed");
        }
        assumeTrue(new ProcessBuilder("env", "--default-signal=INT", "true").start().waitFor() == 0,
                "env --default-signal (coreutils 8.31 or later) is needed");
        List<String> cmd = new ArrayList<>();
        if (sigintIgnored) {
            // As a non-interactive shell starts a background job: SIGINT ignored, inherited by the JVM.
            cmd.addAll(List.of("/bin/sh", "-c", "trap '' INT; exec \"$@\"", "sh"));
        } else {
            // SIGINT as a terminal leaves it, even when this test itself runs in a background job (nohup, a CI
            // script's `&`), whose ignored SIGINT the server would inherit and no shell may reset.
            cmd.addAll(List.of("env", "--default-signal=INT"));
        }
        cmd.addAll(serverCommand());
        // Its output goes to a file: a pipe read after the process has exited races with the JDK draining it.
        Path log = Files.createTempFile("web-server", ".log");
        Process server = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            int port = -1;
            while (port < 0) {
                Matcher m = RUNNING.matcher(Files.readString(log));
                if (m.find()) port = Integer.parseInt(m.group(1));
                else if (!server.isAlive()) fail("the server did not start:\n" + Files.readString(log));
                else Thread.sleep(20);
            }
            assertEquals(sigintIgnored, ignoresSigint(server.pid()), "the test's premise about SIGINT");
            try (Socket c = new Socket("127.0.0.1", port)) {
                c.setSoTimeout(30_000);
                OutputStream o = c.getOutputStream();
                o.write("GET /sleep?s=3 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                o.flush();
                awaitRead(port, c.getLocalPort());
                server.destroy(); // SIGTERM
                InputStream in = c.getInputStream();
                String reply = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(reply.startsWith("HTTP/1.1 200 OK\r\n"), "the request under way got: '" + reply + "'");
                assertTrue(reply.contains("Connection: close\r\n"), reply);
                assertTrue(reply.endsWith("slept 3.0 s"), reply);
            }
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server did not exit after SIGTERM");
            assertEquals(0, server.exitValue(), "exit code after SIGTERM; output:\n" + Files.readString(log));
        } finally {
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        }
    }

    @Test
    void sigtermLetsTheRequestUnderWayFinishThenExitsZero() throws Exception {
        sigtermWhileARequestIsUnderWay(false);
    }

    @Test
    void sigtermIsGracefulAlsoWhenSigintWasInheritedAsIgnored() throws Exception {
        sigtermWhileARequestIsUnderWay(true);
    }
}
