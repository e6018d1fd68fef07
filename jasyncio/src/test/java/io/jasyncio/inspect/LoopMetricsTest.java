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
}
