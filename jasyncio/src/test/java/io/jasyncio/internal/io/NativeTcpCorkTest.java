package io.jasyncio.internal.io;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jasyncio.transport.TcpCork;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TCP_CORK through FFM (NativeTcpCork, TcpCork): the gate, and the option set and read back on real sockets. */
@Timeout(30)
class NativeTcpCorkTest {
    @Test
    void theGateNeedsLinuxAndNativeAccess() {
        assertTrue(NativeTcpCork.gateOpen("Linux", true));
        assertFalse(NativeTcpCork.gateOpen("Linux", false), "without --enable-native-access: no native call");
        assertFalse(NativeTcpCork.gateOpen("Mac OS X", true));
        assertFalse(NativeTcpCork.gateOpen("Windows 11", true));
    }

    /**
     * Available exactly when this JVM has native access enabled for us and sun.nio.ch exported to us (on Linux):
     * the portable-engine run has neither flag, so there it is off, as for a library user without the flags.
     */
    @Test
    void availableOnlyWithBothFlags() {
        Module us = NativeTcpCork.class.getModule();
        boolean fdReadable = Object.class.getModule().isExported("sun.nio.ch", us);
        boolean expected = us.isNativeAccessEnabled() && fdReadable && System.getProperty("os.name").startsWith("Linux");
        assertEquals(expected, NativeTcpCork.available());
        assertEquals(expected, TcpCork.available());
        if (!expected) {
            assertThrows(IllegalStateException.class, () -> NativeTcpCork.get(SocketChannel.open()));
        }
    }

    @Test
    void corkIsSetAndClearedOnATcpSocket() throws Exception {
        assumeTrue(TcpCork.available(), "needs --enable-native-access and sun.nio.ch exported");
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                SocketChannel client = SocketChannel.open(server.getLocalAddress());
                SocketChannel accepted = server.accept()) {
            assertTrue(TcpCork.applies(accepted));
            assertFalse(TcpCork.isSet(accepted), "a new socket is not corked");
            TcpCork.set(accepted, true);
            assertTrue(TcpCork.isSet(accepted));
            assertFalse(TcpCork.isSet(client), "the option is the socket's own");
            TcpCork.set(accepted, false);
            assertFalse(TcpCork.isSet(accepted));
            TcpCork.set(accepted, true);
            accepted.close();
            assertFalse(TcpCork.applies(accepted));
            TcpCork.set(accepted, false); // a closed socket: nothing (its descriptor number is no longer ours)
            assertThrows(java.io.IOException.class, () -> TcpCork.isSet(accepted));
        }
    }

    @Test
    void aUnixSocketDoesNotApply() throws Exception {
        assumeTrue(TcpCork.available(), "needs --enable-native-access and sun.nio.ch exported");
        Path dir = Files.createTempDirectory("cork");
        Path path = dir.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                .bind(UnixDomainSocketAddress.of(path));
                SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            assertFalse(TcpCork.applies(client));
        } finally {
            Files.deleteIfExists(path);
            Files.delete(dir);
        }
    }
}
