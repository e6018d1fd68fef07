package io.jasyncio.inspect;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Event;
import io.jasyncio.EventLoop;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loop's MXBean, read through the platform MBean server as jconsole would. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoopMetricsTest {

    @Test
    void attributesAndDumpOfARunningLoop() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        EventLoop loop = new EventLoop();
        try {
            ObjectName name = LoopMetrics.nameOf(loop);
            Event go = new Event();
            CompletableFuture<Object[]> read = new CompletableFuture<>();
            loop.runUntilComplete(() -> {
                for (int i = 0; i < 3; i++) Asyncio.createTask(() -> { go.await(); return null; }, "metered-" + i);
                Asyncio.sleep(0);
                assertTrue(LoopMetrics.registerAll().contains(name));
                Thread jmx = new Thread(() -> { // JMX reads from its own threads, while the loop runs
                    try {
                        read.complete(new Object[] {server.getAttribute(name, "TasksAlive"),
                                server.getAttribute(name, "ReadyQueueLength"), server.getAttribute(name, "LoopLagMillis"),
                                server.invoke(name, "dumpTasks", null, null)});
                    } catch (Exception e) {
                        read.completeExceptionally(e);
                    }
                });
                jmx.start();
                while (!read.isDone()) Asyncio.sleep(0.001);
                jmx.join();
                go.set();
                return null;
            });
            Object[] got = read.get();
            assertEquals(4, got[0], "three waiting tasks and the one reading");
            assertTrue((Integer) got[1] >= 0);
            assertTrue((Double) got[2] >= 0);
            String[] dump = (String[]) got[3];
            assertTrue(Arrays.stream(dump).anyMatch(l -> l.contains("metered-2") && l.contains("parked")), String.join("\n", dump));
        } finally {
            loop.close();
        }
        assertEquals(-1, server.getAttribute(LoopMetrics.nameOf(loop), "TasksAlive"), "a closed loop reads as -1");
    }

    /** OpenConnections counts the loop's live transports: a client and the server's side of it; the server itself not. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void openConnectionsCountsTheLiveTransports() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        EventLoop loop = new EventLoop();
        try {
            ObjectName name = LoopMetrics.nameOf(loop);
            CompletableFuture<Object[]> read = new CompletableFuture<>();
            loop.runUntilComplete(() -> {
                io.jasyncio.Future<io.jasyncio.streams.StreamWriter> accepted = Asyncio.getRunningLoop().createFuture();
                io.jasyncio.transport.Server srv = io.jasyncio.streams.Streams.startServer((r, w) -> {
                    if (!accepted.done()) accepted.setResult(w);
                }, "127.0.0.1", 0);
                int port = ((java.net.InetSocketAddress) srv.getSockets().get(0).getLocalAddress()).getPort();
                LoopMetrics.registerAll();
                Thread jmx = new Thread(() -> {
                    try {
                        Object before = server.getAttribute(name, "OpenConnections");
                        read.complete(new Object[] {before, null});
                    } catch (Exception e) {
                        read.completeExceptionally(e);
                    }
                });
                jmx.start();
                while (!read.isDone()) Asyncio.sleep(0.001);
                jmx.join();
                io.jasyncio.streams.StreamPair client = io.jasyncio.streams.Streams.openConnection("127.0.0.1", port);
                Asyncio.await(accepted);
                CompletableFuture<Object> after = new CompletableFuture<>();
                Thread jmx2 = new Thread(() -> {
                    try {
                        after.complete(server.getAttribute(name, "OpenConnections"));
                    } catch (Exception e) {
                        after.completeExceptionally(e);
                    }
                });
                jmx2.start();
                while (!after.isDone()) Asyncio.sleep(0.001);
                jmx2.join();
                read.get()[1] = after.get();
                client.writer().close();
                accepted.result().close(); // waitClosed waits for the server's connections too
                srv.close();
                srv.waitClosed();
                return null;
            });
            Object[] got = read.get();
            assertEquals(0, got[0], "a listening server is not a connection");
            assertEquals(2, got[1], "the client's transport and the one the server accepted");
        } finally {
            loop.close();
        }
    }
}
