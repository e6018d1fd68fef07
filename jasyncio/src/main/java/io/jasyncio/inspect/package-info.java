/**
 * Looking into running loops from outside: {@code jasyncio ps/pstree PID} ({@link io.jasyncio.inspect.Inspector}
 * attaches, {@link io.jasyncio.inspect.InspectAgent} snapshots the tasks inside the inspected JVM,
 * {@link io.jasyncio.inspect.TaskTables} formats them) and the per-loop JMX metrics
 * ({@link io.jasyncio.inspect.LoopMetrics}, {@link io.jasyncio.inspect.EventLoopMXBean}).
 *
 * <p>Threading: any thread; snapshots of a loop are taken on that loop's thread. Start reading at
 * {@link io.jasyncio.inspect.Inspector}.
 */
package io.jasyncio.inspect;
