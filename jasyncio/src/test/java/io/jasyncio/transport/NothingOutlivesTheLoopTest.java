package io.jasyncio.transport;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.datagram.DatagramProtocol;
import io.jasyncio.internal.io.DatagramSocketTransport;
import io.jasyncio.internal.io.PipeReadTransport;
import io.jasyncio.internal.io.PipeWriteTransport;
import io.jasyncio.internal.io.SelectorReadPipeTransport;
import io.jasyncio.internal.io.SelectorWritePipeTransport;
import io.jasyncio.internal.io.SocketTransport;
import io.jasyncio.subprocess.ProcessTransport;
import io.jasyncio.subprocess.Subprocess;
import io.jasyncio.subprocess.SubprocessOptions;
import io.jasyncio.subprocess.SubprocessResourceTest;
import io.jasyncio.subprocess.Subprocesses;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a program leaves open when its main coroutine returns is closed, and reported, when the loop closes
 * (issue 13 item 10: 300 runs leaving things open went from 11 to 611 fds, 300 {@code sleep 30} children
 * outlived them, and an abandoned port kept accepting). Each is reported once as asyncio's ResourceWarning
 * would ("unclosed transport <...>"), as a WARNING on the "io.jasyncio" logger; a child still running is
 * ended (SIGTERM, then SIGKILL after a grace) and reaped before {@code run()} returns.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NothingOutlivesTheLoopTest {
    static final SubprocessOptions ALL_PIPES = SubprocessResourceTest.ALL_PIPES;

    private final Logger logger = Logger.getLogger("io.jasyncio");
    private final List<LogRecord> warnings = Collections.synchronizedList(new ArrayList<>());
    private final Handler capture = new Handler() {
        @Override public void publish(LogRecord r) {
            if (r.getLevel() == Level.WARNING) warnings.add(r);
        }
        @Override public void flush() {}
        @Override public void close() {}
    };
    private final List<Long> pids = new ArrayList<>();

    @BeforeEach
    void captureWarnings() {
        logger.addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        logger.removeHandler(capture);
        for (long pid : pids) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // on failure only
    }

    private List<String> warningTexts() {
        synchronized (warnings) {
            return warnings.stream().map(LogRecord::getMessage).toList();
        }
    }

    /** Opens a server, a client connection to it, a UDP endpoint and a {@code sleep 30} child; closes none. */
    private int openEverythingAndLeave() throws IOException {
        Server server = Net.createServer(EchoLoadTest.EchoProtocol::new, "127.0.0.1", 0);
        int port = ServerTest.portOf(server);
        Connection<EchoLoadTest.EchoProtocol> client =
                Net.createConnection(EchoLoadTest.EchoProtocol::new, "127.0.0.1", port);
        ((Transport) client.transport()).write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        Net.createDatagramEndpoint(() -> new DatagramProtocol() {}, new InetSocketAddress("127.0.0.1", 0), null);
        Subprocess child = Subprocesses.createSubprocessExec(ALL_PIPES, "sleep", "30");
        pids.add(child.pid());
        while (server.activeConnections() < 1) Asyncio.sleep(0.001); // the server's end of it exists too
        return port;
    }

    /** The same, all closed properly: the warm-up (the JDK opens some descriptors once) and the no-report case. */
    private void openEverythingAndClose() throws IOException {
        Server server = Net.createServer(EchoLoadTest.EchoProtocol::new, "127.0.0.1", 0);
        Connection<EchoLoadTest.EchoProtocol> client =
                Net.createConnection(EchoLoadTest.EchoProtocol::new, "127.0.0.1", ServerTest.portOf(server));
        var udp = Net.createDatagramEndpoint(() -> new DatagramProtocol() {}, new InetSocketAddress("127.0.0.1", 0), null);
        try (Subprocess child = Subprocesses.createSubprocessExec(ALL_PIPES, "sleep", "30")) {
            child.kill();
            child.waitFor();
        }
        client.transport().close();
        udp.transport().close();
        server.close();
        server.waitClosed();
    }

    private static boolean connectRefused(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean childGone(long pid) {
        return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)
                && ProcessHandle.current().children().noneMatch(h -> h.pid() == pid);
    }

    @Test
    void runClosesReportsAndEndsWhatMainLeftOpen() throws Exception {
        Asyncio.run(() -> {
            openEverythingAndClose();
            return null;
        });
        assertEquals(List.of(), warningTexts(), "nothing reported when everything was closed");
        long fds = SubprocessResourceTest.awaitOpenFds(NetTesting.openFds());

        int port = Asyncio.run(this::openEverythingAndLeave);

        long pid = pids.get(0);
        assertTrue(childGone(pid), "the sleep 30 child was ended and reaped before run() returned");
        assertTrue(connectRefused(port), "the abandoned port is closed");
        long after = SubprocessResourceTest.awaitOpenFds(fds);
        assertTrue(after <= fds, "open fds: " + fds + " before, " + after + " after");

        List<String> texts = warningTexts();
        assertEquals(5, texts.size(), () -> "one report per resource: " + texts);
        assertEquals(1, texts.stream().filter(t -> t.startsWith("unclosed server <Server sockets=[")).count(), texts::toString);
        assertEquals(2, texts.stream().filter(t -> t.startsWith("unclosed transport <SocketTransport peer=")).count(),
                texts::toString); // the client's end and the one the server accepted
        assertEquals(1, texts.stream().filter(t -> t.startsWith("unclosed transport <DatagramSocketTransport")).count(),
                texts::toString);
        assertEquals(1, texts.stream().filter(t -> t.startsWith("unclosed transport <ProcessTransport pid=" + pid
                + " running")).count(), texts::toString);
    }

    /** EventLoop.close() itself, without a Runner: the same closing, before the selector goes. */
    @Test
    void eventLoopCloseClosesAnAbandonedServer() {
        EventLoop loop = new EventLoop();
        int port = loop.runUntilComplete(() -> {
            Server server = Net.createServer(EchoLoadTest.EchoProtocol::new, "127.0.0.1", 0);
            return ServerTest.portOf(server);
        });
        assertFalse(connectRefused(port), "still listening while the loop is open");
        loop.close();
        assertTrue(connectRefused(port));
        assertEquals(1, warningTexts().size(), warningTexts()::toString);
        assertTrue(warningTexts().get(0).startsWith("unclosed server <Server sockets=["), warningTexts()::toString);
    }

    /**
     * A child whose transport main closed (asyncio's {@code transport.close()}: SIGKILL, no wait) is reaped before
     * run() returns too, and not reported (it was closed). Before, close() took it off the loop's list at once,
     * and 27 of 30 such children were still there (dying or unreaped) when run() returned.
     */
    @Test
    void aChildWhoseTransportWasClosedIsReapedBeforeRunReturns() {
        for (int i = 0; i < 5; i++) {
            long pid = Asyncio.run(() -> {
                Subprocess child = Subprocesses.createSubprocessExec(ALL_PIPES, "sleep", "30");
                pids.add(child.pid());
                child.transport().close();
                return child.pid();
            });
            assertTrue(childGone(pid), "run " + i + ": child " + pid + " still there after run() returned");
        }
        assertEquals(List.of(), warningTexts(), "closed by the program: nothing to report");
    }

    /** A child that ignores SIGTERM is killed after the grace: run() never leaves a child behind. */
    @Test
    void aChildIgnoringSigtermIsKilled() {
        Asyncio.run(() -> {
            Subprocess child = Subprocesses.createSubprocessExec(ALL_PIPES, "sh", "-c",
                    "trap '' TERM; echo ready; exec sleep 30");
            pids.add(child.pid());
            child.stdout().readline(); // the trap is set
            return null;
        });
        long pid = pids.get(0);
        assertTrue(childGone(pid));
        assertEquals(List.of("unclosed transport <ProcessTransport pid=" + pid + " running stdin=<SelectorWritePipeTransport> "
                + "stdout=<SelectorReadPipeTransport> stderr=<SelectorReadPipeTransport>>",
                "child process " + pid + " did not end within a second of SIGTERM: killing it (SIGKILL)"),
                warningTexts().stream().map(t -> t.replaceAll("<PipeWriteTransport pid\\d+-stdin>", "<SelectorWritePipeTransport>")
                        .replaceAll("<PipeReadTransport pid\\d+-std(out|err)>", "<SelectorReadPipeTransport>")).toList());
    }
}
