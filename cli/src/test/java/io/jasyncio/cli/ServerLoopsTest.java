package io.jasyncio.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jasyncio.transport.ShardedServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code web-server --loops N} and {@code echo-server --loops N} in a process of their own: both loops serve (the
 * process prints, on SIGTERM, how many connections each loop took), and the process exits 0 (130 after Ctrl-C).
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServerLoopsTest {
    private static final Pattern PORT = Pattern.compile("127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern SPREAD = Pattern.compile("connections per loop: ([0-9 ]+)");

    /** A jasyncio CLI process with this JVM's classpath, flags and engine; output to a file (see WebServerSignalTest). */
    private record Server(Process process, Path log, int port) implements AutoCloseable {
        static Server start(String... args) throws Exception {
            return start(List.of(), args);
        }

        /** {@link #start(String...)} run through {@code prefix} (e.g. {@code env --default-signal=INT}). */
        static Server start(List<String> prefix, String... args) throws Exception {
            List<String> cmd = new ArrayList<>(prefix);
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (a.startsWith("--add-opens") || a.startsWith("--add-exports")) cmd.add(a);
            }
            String engine = System.getProperty("jasyncio.engine");
            if (engine != null) cmd.add("-Djasyncio.engine=" + engine);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.jasyncio.cli.Main"));
            cmd.addAll(Arrays.asList(args));
            Path log = Files.createTempFile("server-loops", ".log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            while (true) {
                Matcher m = PORT.matcher(Files.readString(log));
                if (m.find()) return new Server(p, log, Integer.parseInt(m.group(1)));
                if (!p.isAlive()) fail("the server did not start:\n" + Files.readString(log));
                Thread.sleep(20);
            }
        }

        /** SIGTERM; waits for exit 0; returns the connections each loop took, as printed. */
        long[] stop() throws Exception {
            process.destroy();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "no exit after SIGTERM");
            String out = Files.readString(log);
            Matcher m = SPREAD.matcher(out);
            assertTrue(m.find(), out);
            return Arrays.stream(m.group(1).trim().split(" ")).mapToLong(Long::parseLong).toArray();
        }

        @Override
        public void close() throws Exception {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        }
    }

    private static String get(int port, String path) throws IOException {
        try (Socket c = new Socket("127.0.0.1", port)) {
            c.setSoTimeout(30_000);
            c.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(c.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static void echo(int port, String text) throws IOException {
        try (Socket c = new Socket("127.0.0.1", port)) {
            c.setSoTimeout(30_000);
            OutputStream o = c.getOutputStream();
            InputStream in = c.getInputStream();
            byte[] b = text.getBytes(StandardCharsets.US_ASCII);
            o.write(b);
            assertEquals(text, new String(in.readNBytes(b.length), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void webServerOnTwoLoopsWithTheAcceptorAlternates() throws Exception {
        try (Server s = Server.start("web-server", "--port", "0", "--loops", "2", "--sharding", "acceptor")) {
            assertTrue(Files.readString(s.log()).contains("on 2 loops (loop 0 accepts and hands out)"), Files.readString(s.log()));
            for (int i = 0; i < 4; i++) assertTrue(get(s.port(), "/").endsWith("Hello, World!"));
            assertArrayEquals(new long[] {2, 2}, s.stop());
            assertEquals(0, s.process().exitValue());
        }
    }

    @Test
    void webServerOnTwoLoopsWithReusePortServesFromBoth() throws Exception {
        assumeTrue(ShardedServer.reusePortSupported());
        try (Server s = Server.start("web-server", "--port", "0", "--loops", "2")) {
            assertTrue(Files.readString(s.log()).contains("on 2 loops (one socket per loop, SO_REUSEPORT)"));
            // The kernel hashes connections to sockets: 64 all on one loop has odds of 2^-63.
            for (int i = 0; i < 64; i++) assertTrue(get(s.port(), "/hello/x").endsWith("Hello, x!"));
            long[] spread = s.stop();
            assertEquals(2, spread.length);
            assertEquals(64, spread[0] + spread[1]);
            assertTrue(spread[0] > 0 && spread[1] > 0, "both loops served: " + Arrays.toString(spread));
        }
    }

    @Test
    void echoServerOnTwoLoopsInBothStyles() throws Exception {
        for (String mode : List.of("protocol", "streams")) {
            try (Server s = Server.start("echo-server", "--mode", mode, "--port", "0", "--loops", "2")) {
                for (int i = 0; i < 64; i++) echo(s.port(), "ping " + i + " ");
                long[] spread = s.stop();
                assertEquals(64, spread[0] + spread[1], mode);
                if (ShardedServer.reusePortSupported()) assertTrue(spread[0] > 0 && spread[1] > 0, mode + ": " + Arrays.toString(spread));
                else assertArrayEquals(new long[] {32, 32}, spread, mode);
            }
        }
    }

    @Test
    void zeroLoopsMeansOnePerAvailableProcessor() throws Exception {
        try (Server s = Server.start("echo-server", "--mode", "protocol", "--port", "0", "--loops", "0")) {
            int cores = Runtime.getRuntime().availableProcessors();
            if (cores > 1) assertTrue(Files.readString(s.log()).contains("on " + cores + " loops"), Files.readString(s.log()));
            echo(s.port(), "hello");
            s.stop();
        }
    }

    @Test
    void ctrlCStopsEveryLoopGracefullyAndExits130() throws Exception {
        assumeTrue(new ProcessBuilder("env", "--default-signal=INT", "true").start().waitFor() == 0,
                "env --default-signal (coreutils 8.31 or later) is needed");
        // SIGINT as a terminal leaves it, even when this test runs in a background job (see WebServerSignalTest).
        try (Server s = Server.start(List.of("env", "--default-signal=INT"), "web-server", "--port", "0", "--loops", "2")) {
            assertTrue(get(s.port(), "/").endsWith("Hello, World!"));
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(s.process().pid())).start().waitFor());
            assertTrue(s.process().waitFor(60, TimeUnit.SECONDS), "no exit after SIGINT");
            String out = Files.readString(s.log());
            assertEquals(130, s.process().exitValue(), out);
            assertTrue(out.contains("connections per loop: "), out);
        }
    }
}
