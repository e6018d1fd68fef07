/**
 * JDK Flight Recorder events of jasyncio's loops and tasks (category "jasyncio"): {@link TaskCreated},
 * {@link TaskEnded}, {@link TaskCancelled}, {@link SlowStep}, {@link LoopBlocked} and the periodic
 * {@link LoopSample}. Record them like any JFR event ({@code -XX:StartFlightRecorder}, {@code jcmd PID JFR.start},
 * JDK Mission Control) and read them with {@code jfr print --events io.jasyncio.TaskEnded rec.jfr} or JMC's
 * event browser (docs/INTROSPECTION.md, "JFR events").
 *
 * <p>The per-task events ({@link TaskCreated}, {@link TaskEnded}, {@link TaskCancelled}) are off unless a
 * recording turns them on ({@code -XX:StartFlightRecording:+io.jasyncio.TaskEnded#enabled=true}), as the JDK's
 * {@code jdk.VirtualThreadStart}; the others are on in every recording.
 *
 * <p>While no recording has an event enabled, its call site costs a check of a static probe and allocates
 * nothing. The library fills and commits the events itself; a program only reads them.
 *
 * <p>Threading: the loop's events are committed on the loop's thread or a task's own thread; {@link LoopBlocked}
 * on the watchdog's; {@link LoopSample} on the loop's thread, asked by JFR's periodic thread.
 */
package io.jasyncio.jfr;
