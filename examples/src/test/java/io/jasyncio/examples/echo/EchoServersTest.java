package io.jasyncio.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EchoServersTest {

    static Stream<Arguments> allServers() {
        return Stream.of(
                Arguments.of("sequential", (Supplier<EchoServer>) SequentialEchoServer::new),
                Arguments.of("thread-per-client", (Supplier<EchoServer>) ThreadPerClientEchoServer::new),
                Arguments.of("thread-pool", (Supplier<EchoServer>) ThreadPoolEchoServer::new),
                Arguments.of("selector", (Supplier<EchoServer>) SelectorEchoServer::new),
                Arguments.of("handmade-loop", (Supplier<EchoServer>) HandmadeLoopEchoServer::new));
    }

    static Stream<Arguments> concurrentServers() {
        return allServers().filter(a -> !a.get()[0].equals("sequential"));
    }

    /** A blocking line client, as uvloop's echo benchmark: send a line, read the whole line back. */
    static final class LineClient implements AutoCloseable {
        final Socket socket;
        final OutputStream out;
        final BufferedReader in;

        LineClient(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(20_000); // a hang fails the test instead of stalling the build
            out = socket.getOutputStream();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        String echo(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return in.readLine();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allServers")
    void everyByteComesBackToItsClient(String name, Supplier<EchoServer> factory) throws Exception {
        try (EchoServer server = factory.get()) {
            int port = server.start(0);
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                int id = c;
                clients.add(Thread.ofPlatform().start(() -> {
                    try (LineClient client = new LineClient(port)) {
                        for (int i = 0; i < 50; i++) {
                            String msg = "client " + id + " message " + i + " 你好，世界！ " + "x".repeat(i * 37);
                            String back = client.echo(msg);
                            if (!msg.equals(back)) failures.add("client " + id + " got back " + back);
                        }
                    } catch (IOException e) {
                        failures.add("client " + id + ": " + e);
                    }
                }));
            }
            for (Thread t : clients) t.join();
            assertEquals(List.of(), failures);
        }
        assertNoEchoThreadAlive();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("concurrentServers")
    void concurrentServersServeThreeClientsAtOnce(String name, Supplier<EchoServer> factory) throws Exception {
        try (EchoServer server = factory.get()) {
            int port = server.start(0);
            // Each client echoes once, then waits until all three have: only possible if all are served at once.
            CyclicBarrier allEchoed = new CyclicBarrier(3);
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                int id = c;
                clients.add(Thread.ofPlatform().start(() -> {
                    try (LineClient client = new LineClient(port)) {
                        if (!client.echo("你好 " + id).equals("你好 " + id)) failures.add("first echo of " + id);
                        allEchoed.await(20, TimeUnit.SECONDS);
                        if (!client.echo("世界！ " + id).equals("世界！ " + id)) failures.add("second echo of " + id);
                    } catch (Exception e) {
                        failures.add("client " + id + ": " + e);
                    }
                }));
            }
            for (Thread t : clients) t.join();
            assertEquals(List.of(), failures);
        }
        assertNoEchoThreadAlive();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allServers")
    void megabytesSentWithoutWaitingComeBackWhole(String name, Supplier<EchoServer> factory) throws Exception {
        // More than the socket buffers hold: the servers must cope with writes that do not complete at once.
        byte[] sent = new byte[8 << 20];
        new java.util.Random(1).nextBytes(sent);
        try (EchoServer server = factory.get(); LineClient client = new LineClient(server.start(0))) {
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    client.out.write(sent);
                    client.socket.shutdownOutput();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            byte[] back = client.socket.getInputStream().readAllBytes();
            writer.join();
            assertEquals(sent.length, back.length);
            assertTrue(java.util.Arrays.equals(sent, back), "the echoed bytes differ from the ones sent");
        }
        assertNoEchoThreadAlive();
    }

    @Test
    void sequentialServerServesTheNextClientOnlyAfterThePreviousOneLeft() throws Exception {
        assertServesOneAtATime(new SequentialEchoServer());
    }

    @Test
    void aPoolOfOneWorkerAlsoServesOneClientAtATime() throws Exception {
        assertServesOneAtATime(new ThreadPoolEchoServer(1));
    }

    private static void assertServesOneAtATime(EchoServer server) throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        try (server) {
            int port = server.start(0);
            LineClient a = new LineClient(port);
            assertEquals("a1", a.echo("a1")); // the server is now busy with a
            LineClient b = new LineClient(port); // the kernel completes b's connection; nobody serves it yet
            Thread bThread = Thread.ofPlatform().start(() -> {
                try (b) {
                    String back = b.echo("b1");
                    events.add("b received " + back);
                } catch (IOException e) {
                    events.add("b failed: " + e);
                }
            });
            assertEquals("a2", a.echo("a2"));
            events.add("a leaves");
            a.close();
            bThread.join();
        }
        assertEquals(List.of("a leaves", "b received b1"), events);
        assertNoEchoThreadAlive();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allServers")
    void closeDisconnectsClientsAndEndsEveryThread(String name, Supplier<EchoServer> factory) throws Exception {
        EchoServer server = factory.get();
        int port = server.start(0);
        try (LineClient client = new LineClient(port)) {
            assertEquals("hello", client.echo("hello"));
            server.close();
            assertNoEchoThreadAlive();
            int next;
            try {
                next = client.socket.getInputStream().read();
            } catch (IOException reset) {
                next = -1; // a reset is as good as an end of stream: the server let go of us
            }
            assertEquals(-1, next, "the server closed the connection");
        }
        server.close(); // a second close does nothing
    }

    static void assertNoEchoThreadAlive() {
        List<String> alive = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("echo-"))
                .map(Thread::getName)
                .toList();
        assertTrue(alive.isEmpty(), "threads still alive after close: " + alive);
    }
}
