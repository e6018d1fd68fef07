package io.jasyncio.internal.io;

import io.jasyncio.transport.ConnectOptions;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.transport.Connection;
import io.jasyncio.transport.Net;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.ServerTest;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HappyEyeballsTest {
    private static InetSocketAddress v4(int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port);
    }

    private static InetSocketAddress v6(int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName("::1"), port);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** asyncio's _interleave_addrinfos: families alternate, starting with the first address's. */
    @Test
    void interleaveAlternatesFamiliesStartingWithTheFirst() throws Exception {
        List<InetSocketAddress> in = List.of(v6(1), v6(2), v4(3), v4(4), v6(5));
        assertEquals(List.of(v6(1), v4(3), v6(2), v4(4), v6(5)), HappyEyeballs.interleave(in));
        assertEquals(List.of(v4(3)), HappyEyeballs.interleave(List.of(v4(3))));
    }

    /** interleave=N: N - 1 addresses of the first family lead (asyncio's first_address_family_count). */
    @Test
    void interleaveWithAFirstFamilyCount() throws Exception {
        List<InetSocketAddress> in = List.of(v6(1), v6(2), v6(3), v4(4), v4(5));
        assertEquals(List.of(v6(1), v4(4), v6(2), v4(5), v6(3)), HappyEyeballs.interleave(in, 1));
        assertEquals(List.of(v6(1), v6(2), v4(4), v6(3), v4(5)), HappyEyeballs.interleave(in, 2));
        assertEquals(List.of(v6(1), v6(2), v6(3), v4(4), v4(5)), HappyEyeballs.interleave(in, 5));
    }

    /** create_connection(interleave=2) without a delay: the addresses are tried in the reordered order. */
    @Test
    void createConnectionWithInterleave() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Asyncio.run(() -> {
                Connection<ServerTest.MyProto> c = Net.createConnection(
                        () -> new ServerTest.MyProto(Asyncio.getRunningLoop()), "127.0.0.1", server.getLocalPort(), ConnectOptions.DEFAULTS.withInterleave(2));
                assertEquals(server.getLocalPort(),
                        ((InetSocketAddress) c.transport().getExtraInfo("peername")).getPort());
                c.transport().close();
                return null;
            });
        }
    }

    @Test
    void aHangingFirstAddressDoesNotHoldUpTheNext() throws Exception {
        try (ServerSocketChannel full = ServerSocketChannel.open();
             ServerSocket good = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            full.bind(v4(0), 1); // never accepts: once its queue is full, a new connect just hangs
            List<Socket> fillers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Socket s = new Socket();
                try {
                    s.connect(full.getLocalAddress(), 200);
                    fillers.add(s);
                } catch (java.io.IOException timedOut) {
                    s.close();
                    break; // the queue is full already
                }
            }
            try {
                InetSocketAddress hanging = (InetSocketAddress) full.getLocalAddress();
                String winner = Asyncio.run(() -> {
                    try (SocketChannel ch = HappyEyeballs.connect(List.of(hanging, v4(good.getLocalPort())), 0.05, null)) {
                        return ((InetSocketAddress) ch.getRemoteAddress()).getPort() == good.getLocalPort() ? "second" : "first";
                    }
                });
                assertEquals("second", winner);
            } finally {
                for (Socket s : fillers) s.close();
            }
        }
    }

    @Test
    void whenEveryAddressFailsTheErrorNamesThemAll() throws Exception {
        int a = closedPort(), b = closedPort();
        ConnectException e = assertThrows(ConnectException.class,
                () -> Asyncio.run(() -> HappyEyeballs.connect(List.of(v4(a), v4(b)), 0.05, null)));
        assertTrue(e.getMessage().contains(String.valueOf(a)) && e.getMessage().contains(String.valueOf(b)), e.getMessage());
    }

    @Test
    void createConnectionWithHappyEyeballsConnectsToLocalhost() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            boolean connected = Asyncio.run(() -> {
                Connection<Protocol> c = Net.createConnection(() -> new Protocol() {}, "127.0.0.1", server.getLocalPort(), ConnectOptions.DEFAULTS.withHappyEyeballsDelay(0.25));
                c.transport().close();
                return true;
            });
            assertTrue(connected);
        }
    }

    /** getaddrinfo runs on the default executor and names the host it could not resolve. */
    @Test
    void getaddrinfoResolvesWithoutBlockingTheLoop() throws Exception {
        List<InetSocketAddress> addrs = Asyncio.run(() -> Net.getaddrinfo("localhost", 8080));
        assertFalse(addrs.isEmpty());
        assertTrue(addrs.stream().allMatch(a -> a.getAddress().isLoopbackAddress() && a.getPort() == 8080), addrs.toString());
        UnknownHostException e = assertThrows(UnknownHostException.class,
                () -> Asyncio.run(() -> Net.getaddrinfo("no-such-host.invalid", 80)));
        assertTrue(e.getMessage().contains("no-such-host.invalid"), e.getMessage());
    }

    // ports test_base_events.py::BaseEventLoopTests::test_getnameinfo
    @Test
    void getnameinfoGivesHostAndPort() throws Exception {
        var name = Asyncio.run(() -> Net.getnameinfo(v4(8080)));
        assertEquals(8080, name.getValue());
        assertFalse(name.getKey().isEmpty());
    }
}
