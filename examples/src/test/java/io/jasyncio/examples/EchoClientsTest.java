package io.jasyncio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.Runner;
import io.jasyncio.examples.EchoClients.Event;
import io.jasyncio.examples.EchoClients.Kind;
import io.jasyncio.examples.EchoClients.Lang;
import io.jasyncio.examples.echo.EchoServer;
import io.jasyncio.examples.echo.HandmadeLoopEchoServer;
import io.jasyncio.examples.echo.SelectorEchoServer;
import io.jasyncio.examples.echo.SequentialEchoServer;
import io.jasyncio.examples.echo.ThreadPerClientEchoServer;
import io.jasyncio.examples.echo.ThreadPoolEchoServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EchoClientsTest {

    static Stream<Arguments> concurrentServers() {
        return Stream.of(
                Arguments.of("thread-per-client", (Supplier<EchoServer>) ThreadPerClientEchoServer::new),
                Arguments.of("thread-pool", (Supplier<EchoServer>) ThreadPoolEchoServer::new),
                Arguments.of("selector", (Supplier<EchoServer>) SelectorEchoServer::new),
                Arguments.of("handmade-loop", (Supplier<EchoServer>) HandmadeLoopEchoServer::new));
    }

    private static <T> T onVirtualClock(Coroutine<T> main) {
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            return r.run(main);
        }
    }

    private static List<Event> runClients(EchoServer server, double scale, List<String> lines) throws IOException {
        try (server) {
            int port = server.start(0);
            EchoClients clients = new EchoClients("127.0.0.1", port).clients(3).scale(scale)
                    .printTo(lines::add, Lang.ZH);
            return onVirtualClock(clients::run);
        }
    }

    private static List<Event> of(List<Event> events, int client) {
        return events.stream().filter(e -> e.client() == client).toList();
    }

    private static int indexOf(List<Event> events, int client, Kind kind) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).client() == client && events.get(i).kind() == kind) return i;
        }
        throw new AssertionError("client " + client + " has no " + kind + " event in " + events);
    }

    /** Each client's own events happen in the seed's order, and every echo equals what was sent. */
    private static void assertEachClientFollowsTheScript(List<Event> events) {
        for (int c = 0; c < 3; c++) {
            List<Event> mine = of(events, c);
            assertEquals(List.of(Kind.CONNECTING, Kind.CONNECTED, Kind.SENT, Kind.RECEIVED, Kind.SENT, Kind.RECEIVED,
                    Kind.DISCONNECTED), mine.stream().map(Event::kind).toList(), "client " + c);
            assertEquals(List.of("你好", "你好", "世界！", "世界！"),
                    mine.subList(2, 6).stream().map(Event::message).toList(), "client " + c);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("concurrentServers")
    void againstAConcurrentServerAllClientsFinishAfterAboutOneSecond(String name, Supplier<EchoServer> server)
            throws IOException {
        List<String> lines = new ArrayList<>();
        // scale 1 on the virtual clock: sleeps cost no real time; blocking I/O adds its real (tiny) duration.
        List<Event> events = runClients(server.get(), 1, lines);
        assertEachClientFollowsTheScript(events);
        for (int c = 0; c < 3; c++) {
            double end = of(events, c).getLast().time();
            assertTrue(end >= 1.0 && end < 1.5, "client " + c + " finished at " + end);
            assertTrue(indexOf(events, c, Kind.SENT) < indexOf(events, 0, Kind.DISCONNECTED)
                    && indexOf(events, c, Kind.SENT) < indexOf(events, 2, Kind.DISCONNECTED),
                    "the clients' lines interleave: " + events);
        }
        assertEquals(events.size(), lines.size());
        assertEquals(events.get(0).format(Lang.ZH), lines.get(0));
        List<String> alive = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("echo-")).map(Thread::getName).toList();
        assertEquals(List.of(), alive, "threads left running");
    }

    @Test
    void againstTheSequentialServerClientsAreServedOneAfterAnother() throws IOException {
        List<String> lines = new ArrayList<>();
        // While a client is blocked waiting for its echo the virtual clock follows real time: scale it down.
        List<Event> events = runClients(new SequentialEchoServer(), 0.1, lines);
        assertEachClientFollowsTheScript(events);
        // Whoever the server accepted first, each next client gets its first echo only after the previous left.
        List<Integer> served = events.stream().filter(e -> e.kind() == Kind.DISCONNECTED).map(Event::client).toList();
        for (int k = 1; k < 3; k++) {
            int prev = served.get(k - 1);
            int next = served.get(k);
            assertTrue(indexOf(events, next, Kind.RECEIVED) > indexOf(events, prev, Kind.DISCONNECTED),
                    "client " + next + " got an echo before client " + prev + " left: " + events);
        }
        assertTrue(events.getLast().time() >= 2.0, "the last client finished at " + events.getLast().time());
    }

    @Test
    void jasyncioStreamsCanCarryTheClientsToo() throws IOException {
        // Real clock, order only: a virtual clock does not wait for socket I/O watched by the loop itself.
        try (EchoServer server = new SelectorEchoServer()) {
            int port = server.start(0);
            EchoClients clients = new EchoClients("127.0.0.1", port).scale(0.02).connector(new StreamsConnector());
            List<Event> events;
            try (Runner r = new Runner()) {
                events = r.run(clients::run);
            }
            assertEachClientFollowsTheScript(events);
        }
    }

    @Test
    void linesLookLikeTheSeeds() {
        assertEquals("[0.000000] 客户端 0 正在尝试连接。", new Event(0, 0, Kind.CONNECTING, null).format(Lang.ZH));
        assertEquals("        [0.000977] 客户端 1 已连接。", new Event(0.000977, 1, Kind.CONNECTED, null).format(Lang.ZH));
        assertEquals("                [0.502793] 客户端 2 发送消息 \"你好\"。",
                new Event(0.502793, 2, Kind.SENT, "你好").format(Lang.ZH));
        assertEquals("[1.004872] 客户端 0 收到回应 \"世界！\"。", new Event(1.004872, 0, Kind.RECEIVED, "世界！").format(Lang.ZH));
        assertEquals("[1.005868] 客户端 0 断开连接。", new Event(1.005868, 0, Kind.DISCONNECTED, null).format(Lang.ZH));
        assertEquals("        [0.500000] client 1 received \"你好\".",
                new Event(0.5, 1, Kind.RECEIVED, "你好").format(Lang.EN));
        assertEquals("[0.000000] client 0 is trying to connect.", new Event(0, 0, Kind.CONNECTING, null).format(Lang.EN));
    }

    @Test
    void aServerThatDoesNotEchoIsReportedAndNoClientIsLeftRunning() throws Exception {
        // A server that answers every message with "??????" (six bytes, the length of "你好" in UTF-8).
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofPlatform().start(() -> {
                List<Socket> accepted = new ArrayList<>();
                try {
                    for (int i = 0; i < 3; i++) {
                        Socket s = listener.accept();
                        accepted.add(s);
                        Thread.ofPlatform().start(() -> {
                            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                                while (in.readNBytes(6).length == 6) out.write("??????".getBytes());
                            } catch (IOException e) {
                                // the client hung up
                            }
                        });
                    }
                } catch (IOException e) {
                    // the listener closed
                }
            });
            EchoClients clients = new EchoClients("127.0.0.1", listener.getLocalPort()).scale(0.01);
            var e = assertThrows(IllegalStateException.class, () -> onVirtualClock(clients::run));
            assertTrue(e.getMessage().matches("client \\d sent \"你好\" but got back \"\\?{6}\": is port \\d+ an echo server\\?"),
                    e.getMessage());
            server.join();
        }
    }
}
