package io.jasyncio.subprocess;

import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.BrokenPipeError;
import java.nio.ByteBuffer;

/**
 * asyncio's {@code SubprocessProtocol}: the callbacks of a child process started with
 * {@link Processes#subprocessExec}. {@code connectionMade} receives the {@link SubprocessTransport};
 * {@code connectionLost(null)} comes last, once the process has exited and all its pipes are closed.
 * {@code pauseWriting}/{@code resumeWriting} follow the stdin pipe's write buffer.
 *
 * <p>Threading: as {@link BaseProtocol}: called on the loop's thread, one at a time; never block in them.
 */
public interface SubprocessProtocol extends BaseProtocol {
    /**
     * The child wrote {@code data} to its stdout ({@code fd} 1) or stderr ({@code fd} 2). The buffer is a fresh
     * one for each call: the protocol may keep it.
     *
     * @param fd 1 or 2
     * @param data the bytes, from the buffer's position to its limit
     */
    default void pipeDataReceived(int fd, ByteBuffer data) {}

    /**
     * The pipe {@code fd} (0, 1 or 2) is closed: {@code exc} is null after EOF or a regular close, else the error
     * that broke it (for stdin typically a {@link BrokenPipeError}).
     *
     * @param fd 0, 1 or 2
     * @param exc the error, or null
     */
    default void pipeConnectionLost(int fd, Throwable exc) {}

    /** The child process has exited; its code is {@link SubprocessTransport#getReturncode()}. */
    default void processExited() {}
}
