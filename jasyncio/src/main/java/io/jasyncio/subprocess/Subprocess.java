package io.jasyncio.subprocess;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.internal.Sneaky;
import io.jasyncio.streams.StreamReader;
import io.jasyncio.streams.StreamWriter;
import io.jasyncio.subprocess.SubprocessTransport;
import io.jasyncio.transport.BrokenPipeError;
import java.net.SocketException;
import java.util.List;

/**
 * asyncio's {@code asyncio.subprocess.Process} (named so as not to clash with {@link java.lang.Process}): a
 * child process started by {@link Subprocesses}, with its pipes as streams.
 *
 * <p>Differences in name only: Python's {@code wait()} is {@link #waitFor()} ({@code Object.wait()} is taken),
 * and {@code pid}/{@code returncode} are methods. As in asyncio, {@code waitFor()} with {@code stdout=PIPE}
 * can deadlock if the child writes more than the reader buffers and nobody reads: use {@link #communicate}.
 *
 * <p>Cancelling a task that waits on a child does not stop the child (as in asyncio). To tie the child's life
 * to a block, use try-with-resources: {@link #close()} kills a child still running and waits until it is
 * reaped, also when the block ends with a cancellation.
 *
 * <p>Threading: the loop's thread only; {@link #waitFor()}, {@link #communicate} and {@link #close()} suspend
 * the calling task.
 */
public final class Subprocess implements AutoCloseable {
    private final SubprocessTransport transport;
    private final SubprocessStreamProtocol protocol;
    private final EventLoop loop;

    Subprocess(SubprocessTransport transport, SubprocessStreamProtocol protocol, EventLoop loop) {
        this.transport = transport;
        this.protocol = protocol;
        this.loop = loop;
    }

    /**
     * The child's stdin, or null unless stdin was {@code PIPE}.
     *
     * @return the writer, or null
     */
    public StreamWriter stdin() {
        return protocol.stdin;
    }

    /**
     * The child's stdout, or null unless stdout was {@code PIPE}.
     *
     * @return the reader, or null
     */
    public StreamReader stdout() {
        return protocol.stdout;
    }

    /**
     * The child's stderr, or null unless stderr was {@code PIPE}.
     *
     * @return the reader, or null
     */
    public StreamReader stderr() {
        return protocol.stderr;
    }

    /**
     * The child's process id.
     *
     * @return the pid
     */
    public long pid() {
        return transport.getPid();
    }

    /**
     * The return code, null while the child runs: the exit status, or {@code -N} if it was killed by signal N
     * sent through this object (see {@link SubprocessTransport} for the rule).
     *
     * @return the return code, or null
     */
    public Integer returncode() {
        return transport.getReturncode();
    }

    /**
     * The underlying transport (asyncio's {@code _transport}).
     *
     * @return the transport
     */
    public SubprocessTransport transport() {
        return transport;
    }

    /**
     * Waits until the child has exited (and, if it had already been seen to exit, returns at once); returns its
     * return code. Python's {@code wait()}.
     *
     * @return the return code
     */
    public int waitFor() {
        Integer rc = transport.getReturncode();
        if (rc != null) return rc;
        Future<Integer> w = protocol.exitWaiter();
        if (w != null) Asyncio.await(w);
        return transport.getReturncode();
    }

    /**
     * Sends signal number {@code signal}; see {@link SubprocessTransport#sendSignal(int)}.
     *
     * @param signal the signal number
     */
    public void sendSignal(int signal) {
        transport.sendSignal(signal);
    }

    /**
     * Sends the signal named {@code name} ({@code "HUP"} or {@code "SIGHUP"}).
     *
     * @param name the signal name
     */
    public void sendSignal(String name) {
        transport.sendSignal(name);
    }

    /** Sends SIGTERM. */
    public void terminate() {
        transport.terminate();
    }

    /** Sends SIGKILL. */
    public void kill() {
        transport.kill();
    }

    /**
     * {@link #communicate(byte[])} without input: stdin, if a pipe, is just closed.
     *
     * @return what the child wrote to stdout and stderr (null for a stream that is not a pipe)
     */
    public ProcessOutput communicate() {
        return communicate(null);
    }

    /**
     * Sends {@code input} (may be null) to stdin and closes it, reads stdout and stderr to EOF, all at the same
     * time, then waits for the child to exit. A child that stops reading early (broken pipe) is not an error.
     *
     * @param input the bytes for stdin, or null
     * @return what the child wrote to stdout and stderr (null for a stream that is not a pipe)
     */
    public ProcessOutput communicate(byte[] input) {
        Future<List<Object>> all = Asyncio.gather(
                () -> {
                    if (stdin() != null) feedStdin(input);
                    return null;
                },
                () -> stdout() != null ? readStream(1, stdout()) : null,
                () -> stderr() != null ? readStream(2, stderr()) : null);
        List<Object> r = Asyncio.await(all);
        waitFor();
        return new ProcessOutput((byte[]) r.get(1), (byte[]) r.get(2));
    }

    private void feedStdin(byte[] input) {
        StreamWriter in = stdin();
        try {
            if (input != null) in.write(input);
            in.drain();
        } catch (Exception e) {
            // as asyncio: communicate() ignores BrokenPipeError and ConnectionResetError
            if (!(e instanceof BrokenPipeError || e instanceof SocketException)) throw Sneaky.rethrow(e);
        }
        in.close();
    }

    private byte[] readStream(int fd, StreamReader stream) {
        byte[] output = stream.read();
        transport.getPipeTransport(fd).close();
        return output;
    }

    /**
     * Closes the pipes and kills the child if it still runs, then waits until it is reaped. Idempotent. Unlike
     * the other methods it may be called while the task is being cancelled (in a finally block).
     */
    @Override
    public void close() {
        transport.close();
        waitFor();
    }

    @Override
    public String toString() {
        return "<Subprocess " + pid() + ">";
    }
}
