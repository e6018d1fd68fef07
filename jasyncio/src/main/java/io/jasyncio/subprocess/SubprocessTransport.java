package io.jasyncio.subprocess;

import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.ReadTransport;
import io.jasyncio.transport.WriteTransport;

/**
 * asyncio's {@code SubprocessTransport}: a child process and the transports of its pipes.
 * {@link #close()} closes the pipes and kills the child if it is still running.
 *
 * <p>Return codes follow asyncio: the exit status, or {@code -N} when the child died from signal N. The JDK
 * reports death by signal N as {@code 128 + N}, like a shell; jasyncio turns {@code 128 + N} into {@code -N}
 * when signal N was sent to the child through this transport (or {@code terminate}/{@code kill}), and leaves
 * any other code as the JDK reports it (a child killed by someone else shows {@code 128 + N}).
 *
 * <p>Threading: the event loop's thread only.
 */
public interface SubprocessTransport extends BaseTransport {
    /**
     * The child's process id.
     *
     * @return the pid
     */
    long getPid();

    /**
     * The return code, or null while the child runs (or before the loop has seen it exit).
     *
     * @return the return code, or null
     */
    Integer getReturncode();

    /**
     * The transport of pipe {@code fd}: a {@link WriteTransport} for 0 (stdin), a {@link ReadTransport} for 1
     * (stdout) and 2 (stderr); null when that stream is not a pipe.
     *
     * @param fd 0, 1 or 2
     * @return the pipe's transport, or null
     */
    BaseTransport getPipeTransport(int fd);

    /**
     * Sends signal {@code signal} (a POSIX signal number) to the child. SIGTERM (15) and SIGKILL (9) go through
     * the JDK; other signals run {@code kill -N pid}. Does nothing if the child has already exited.
     *
     * @param signal the signal number
     * @throws ProcessLookupError once the transport has finished (the process is gone and reaped)
     */
    void sendSignal(int signal);

    /**
     * Sends the signal named {@code name} ({@code "HUP"} or {@code "SIGHUP"}); Linux numbering.
     *
     * @param name the signal name
     */
    default void sendSignal(String name) {
        sendSignal(Signals.number(name));
    }

    /** Sends SIGTERM. */
    void terminate();

    /** Sends SIGKILL. */
    void kill();
}
