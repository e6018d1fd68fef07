package io.jasyncio.inspect;

/**
 * The metrics a service exports for one loop, as a JMX MXBean named {@code io.jasyncio:type=EventLoop,name=<loop>}
 * (jconsole, JDK Mission Control and Micrometer's JMX bridge read it with no dependency in the core).
 * Registered on demand: see {@link LoopMetrics}.
 *
 * <p>Threading: JMX calls these from its own threads; each one asks the loop's thread and waits up to 2 s
 * (a blocked loop reads as -1).
 */
public interface EventLoopMXBean {
    /** Pending tasks of the loop. */
    int getTasksAlive();

    /** Handles and task steps in the ready queue. */
    int getReadyQueueLength();

    /** Live transports of the loop: sockets (a TLS connection counts once) and pipes; servers are not counted. */
    int getOpenConnections();

    /** How long a callback scheduled now waits before the loop runs it, in milliseconds (measured on read). */
    double getLoopLagMillis();

    /** The tasks, as {@code jasyncio ps} prints them (one string per line). */
    String[] dumpTasks();
}
