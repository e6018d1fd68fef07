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
    /** {@return the loop's pending tasks (-1 if the loop did not answer)} */
    int getTasksAlive();

    /** {@return how many handles and task steps are in the ready queue (-1 if the loop did not answer)} */
    int getReadyQueueLength();

    /**
     * {@return the loop's live transports (-1 if the loop did not answer)}: sockets (a TLS connection counts once)
     * and pipes; servers are not counted.
     */
    int getOpenConnections();

    /**
     * {@return how long a callback scheduled now waits before the loop runs it, in milliseconds (-1 if the loop did
     * not answer)} Measured on each read.
     */
    double getLoopLagMillis();

    /** {@return the tasks as {@code jasyncio ps} prints them, one string per line} */
    String[] dumpTasks();
}
