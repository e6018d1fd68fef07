package io.jasyncio.inspect;

import io.jasyncio.EventLoop;
import io.jasyncio.TaskDump;
import io.jasyncio.internal.LiveLoops;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * One loop's {@link EventLoopMXBean}. Registering with the platform MBean server costs a JVM ~100 ms and
 * thousands of classes the first time, so the library does not do it on its own: {@link #registerAll()} does,
 * for the loops open at that moment — called by {@link InspectAgent} (after a first {@code jasyncio ps}), or by
 * a program that wants its loops in JMX from the start. The bean holds its loop weakly.
 *
 * <p>Threading: {@link #registerAll()} from any thread; the attributes are read on the loop's thread.
 */
public final class LoopMetrics implements EventLoopMXBean {
    private static final long ANSWER_MILLIS = 2_000;
    private final WeakReference<EventLoop> loop;

    private LoopMetrics(EventLoop loop) {
        this.loop = new WeakReference<>(loop);
    }

    /**
     * Registers an MBean for each open loop not registered yet, named {@code io.jasyncio:type=EventLoop,name=0x…}
     * (the loop's identity hash).
     *
     * @return the names of all open loops' beans
     * @throws IllegalStateException if a bean cannot be registered
     */
    public static synchronized List<ObjectName> registerAll() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        List<ObjectName> names = new java.util.ArrayList<>();
        for (EventLoop l : LiveLoops.open()) {
            try {
                ObjectName name = nameOf(l);
                names.add(name);
                if (!server.isRegistered(name)) server.registerMBean(new LoopMetrics(l), name);
            } catch (InstanceAlreadyExistsException raced) {
                // registered meanwhile by another caller: what we wanted
            } catch (JMException e) {
                throw new IllegalStateException("cannot register the MBean of " + l + ": " + e.getMessage(), e);
            }
        }
        return names;
    }

    /**
     * The bean's name for {@code loop}: {@code io.jasyncio:type=EventLoop,name=0x…} (its identity hash).
     *
     * @param loop the loop
     * @return the name
     * @throws JMException if the name is malformed (it is not, for any loop)
     */
    public static ObjectName nameOf(EventLoop loop) throws JMException {
        return new ObjectName("io.jasyncio:type=EventLoop,name=0x" + Integer.toHexString(System.identityHashCode(loop)));
    }

    @Override
    public int getTasksAlive() {
        return ask(l -> l.allTasks().size(), -1);
    }

    @Override
    public int getReadyQueueLength() {
        return ask(TaskDump::readyLength, -1);
    }

    @Override
    public int getOpenConnections() {
        return ask(TaskDump::openConnections, -1);
    }

    @Override
    public double getLoopLagMillis() {
        long asked = System.nanoTime();
        Long ran = ask(l -> System.nanoTime(), null);
        return ran == null ? -1 : (ran - asked) / 1e6;
    }

    @Override
    public String[] dumpTasks() {
        List<TaskDump.Row> rows = ask(TaskDump::capture, null);
        if (rows == null) return new String[] {"the loop did not answer within " + ANSWER_MILLIS + " ms"};
        return TaskTables.table(rows, List.of()).split("\n");
    }

    /** Runs {@code fn} on the loop's thread (or here, if the loop is not running) and waits; {@code otherwise} if it cannot. */
    private <R> R ask(Function<EventLoop, R> fn, R otherwise) {
        EventLoop l = loop.get();
        if (l == null || l.isClosed()) return otherwise;
        if (l.loopThread() == null) return fn.apply(l);
        CompletableFuture<R> result = new CompletableFuture<>();
        try {
            l.callSoonThreadsafe(() -> result.complete(fn.apply(l)));
            return result.get(ANSWER_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return otherwise;
        }
    }
}
