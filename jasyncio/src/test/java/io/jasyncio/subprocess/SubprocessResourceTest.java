package io.jasyncio.subprocess;

import static io.jasyncio.subprocess.SubprocessTesting.awaitLivePipeThreads;
import static io.jasyncio.subprocess.SubprocessTesting.livePipeThreads;
import static io.jasyncio.subprocess.SubprocessTesting.run;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.internal.io.ChildPipe;
import io.jasyncio.internal.io.PipeReadTransport;
import io.jasyncio.internal.io.SelectorReadPipeTransport;
import io.jasyncio.internal.io.SelectorWritePipeTransport;
import io.jasyncio.subprocess.ProcessOutput;
import io.jasyncio.subprocess.Subprocess;
import io.jasyncio.subprocess.Subprocesses;
import io.jasyncio.transport.ReadTransport;
import io.jasyncio.transport.WriteBufferLimits;
import io.jasyncio.transport.WriteTransport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Our own checks of the subprocess machinery: threads, descriptors, memory and children are not leaked. */
public class SubprocessResourceTest {
    public static final SubprocessOptions ALL_PIPES =
            SubprocessOptions.DEFAULTS.stdin(Stdio.PIPE).stdout(Stdio.PIPE).stderr(Stdio.PIPE);

    static long openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits (really, briefly) for the fd count to come back to {@code expected}; returns the last count. */
    public static long awaitOpenFds(long expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        long n;
        while ((n = openFds()) > expected && System.nanoTime() < deadline) Thread.sleep(10);
        return n;
    }

    @Test
    void noThreadOrDescriptorOutlivesTheProcessAndTransport() throws Exception {
        // warm up the JDK's process machinery (its own lazily opened descriptors are not ours)
        run(() -> Subprocesses.createSubprocessExec(ALL_PIPES, "true").communicate());
        int threads = awaitLivePipeThreads(0);
        long fds = openFds();
        run(() -> {
            for (int i = 0; i < 5; i++) {
                Subprocess p = Subprocesses.createSubprocessExec(ALL_PIPES, "cat");
                assertTrue(ChildPipe.available() || livePipeThreads() >= 3, "a thread per JDK pipe stream");
                ProcessOutput out = p.communicate(("round " + i).getBytes());
                assertEquals("round " + i, new String(out.stdout()));
                Subprocess k = Subprocesses.createSubprocessExec(ALL_PIPES, "sleep", "3600");
                k.kill();
                k.waitFor();
            }
            return null;
        });
        assertEquals(threads, awaitLivePipeThreads(threads));
        long after = awaitOpenFds(fds);
        assertTrue(after <= fds, "open fds: " + fds + " before, " + after + " after");
    }

    /**
     * Where sun.nio.ch is exported (our vthread test run and bin/jasyncio; the portable run leaves it out to test
     * the fallback), a child's three pipes are selectable ones the loop watches: no pipe thread at all.
     */
    @Test
    void selectablePipesUseNoThread() throws InterruptedException {
        boolean exported = Object.class.getModule().isExported("sun.nio.ch", ChildPipe.class.getModule());
        assertEquals(exported, ChildPipe.available(), "ChildPipe.available() follows the export of sun.nio.ch");
        if (!exported) return;
        int threads = awaitLivePipeThreads(0);
        run(() -> {
            Subprocess p = Subprocesses.createSubprocessExec(ALL_PIPES, "sh", "-c", "cat; echo err >&2");
            SubprocessTransport t = p.transport();
            assertInstanceOf(SelectorWritePipeTransport.class, t.getPipeTransport(0));
            assertInstanceOf(SelectorReadPipeTransport.class, t.getPipeTransport(1));
            assertInstanceOf(SelectorReadPipeTransport.class, t.getPipeTransport(2));
            assertEquals(threads, livePipeThreads());
            ProcessOutput out = p.communicate("through a selectable pipe".getBytes());
            assertEquals("through a selectable pipe", new String(out.stdout()));
            assertEquals("err\n", new String(out.stderr()));
            assertEquals(0, p.returncode());
            return null;
        });
        assertEquals(threads, livePipeThreads());
    }

    @Test
    void pausedReaderKeepsMemoryBoundedWhileTheChildWrites10MB() {
        long total = 10L * 1024 * 1024;
        run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            long[] received = {0};
            Future<Void> firstData = loop.createFuture();
            Future<Void> done = loop.createFuture();
            SubprocessProtocol proto = new SubprocessProtocol() {
                @Override public void pipeDataReceived(int fd, ByteBuffer data) {
                    received[0] += data.remaining();
                    if (!firstData.done()) firstData.setResult(null);
                }
                @Override public void connectionLost(Throwable exc) {
                    done.setResult(null);
                }
            };
            var c = Processes.subprocessExec(() -> proto, List.of("head", "-c", Long.toString(total), "/dev/zero"),
                    SubprocessOptions.DEFAULTS.stdin(Stdio.DEVNULL).stderr(Stdio.DEVNULL));
            ReadTransport stdout = (ReadTransport) c.transport().getPipeTransport(1);
            Asyncio.await(firstData);
            stdout.pauseReading();
            long atPause = received[0];
            // give the child (real) time to fill the pipe; it must then block instead of us buffering
            Asyncio.sleep(0.3);
            long whilePaused = received[0] - atPause;
            // at most the one chunk that was already on its way to the loop
            assertTrue(whilePaused <= PipeReadTransport.CHUNK, "received while paused: " + whilePaused);
            assertNull(c.transport().getReturncode(), "the child must be blocked on the full pipe");
            stdout.resumeReading();
            Asyncio.await(done);
            assertEquals(total, received[0]);
            assertEquals(0, c.transport().getReturncode());
            return null;
        });
    }

    @Test
    void aStreamNobodyReadsBuffersAtMostTwiceItsLimitPlusOneChunk() {
        int limit = 64 * 1024;
        long total = 10L * 1024 * 1024;
        run(() -> {
            Subprocess p = Subprocesses.createSubprocessExec(SubprocessOptions.DEFAULTS.stdout(Stdio.PIPE).limit(limit),
                    "head", "-c", Long.toString(total), "/dev/zero");
            // nobody reads for a while (real time): the reader pauses its pipe, the child blocks on it
            Asyncio.sleep(0.3);
            assertTrue(p.stdout().bufferedSize() <= 2 * limit + PipeReadTransport.CHUNK,
                    "buffered: " + p.stdout().bufferedSize());
            assertNull(p.returncode());
            long got = 0;
            byte[] chunk;
            while ((chunk = p.stdout().read(1 << 20)).length > 0) got += chunk.length;
            assertEquals(total, got);
            assertEquals(0, p.waitFor());
            return null;
        });
    }

    @Test
    void cancellingATaskKillsAndReapsTheChildOfItsTryWithResources() throws Exception {
        long[] pid = {0};
        Integer code = run(() -> {
            Future<Void> started = Asyncio.getRunningLoop().createFuture();
            Subprocess[] holder = new Subprocess[1];
            Task<Integer> task = Asyncio.createTask(() -> {
                try (Subprocess p = Subprocesses.createSubprocessExec("sleep", "3600")) {
                    holder[0] = p;
                    pid[0] = p.pid();
                    started.setResult(null);
                    return p.waitFor();
                }
            });
            Asyncio.await(started);
            task.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(task));
            return holder[0].returncode();
        });
        // close() killed the child and waited for it: it is reaped by the time the task is done
        assertEquals(-Signals.SIGKILL, code);
        assertTrue(ProcessHandle.of(pid[0]).map(h -> !h.isAlive()).orElse(true));
    }

    /**
     * A child still running when run() ends is ended by the loop's close (issue 13 item 10; this test used to
     * check that it was left running): SIGTERM, and reaped before run() returns; its pipe threads end with it.
     */
    @Test
    void runEndingEndsARunningChildAndItsPipeThreadsEndWithIt() throws Exception {
        int threads = awaitLivePipeThreads(0);
        Process[] proc = new Process[1];
        run(() -> {
            // the program does not wait for the child
            Subprocess p = Subprocesses.createSubprocessExec(ALL_PIPES, "/bin/sh", "-c", "read x; exit 7");
            proc[0] = (Process) p.transport().getExtraInfo("subprocess");
            return null;
        });
        assertFalse(proc[0].isAlive(), "ended and reaped before run() returned");
        assertEquals(128 + Signals.SIGTERM, proc[0].exitValue(), "by SIGTERM, before its stdin closed");
        assertEquals(threads, awaitLivePipeThreads(threads));
    }

    @Test
    void stdinWriteBufferPausesAndResumesTheProtocol() {
        run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<String> calls = new java.util.ArrayList<>();
            Future<Void> done = loop.createFuture();
            SubprocessProtocol proto = new SubprocessProtocol() {
                @Override public void pauseWriting() { calls.add("pause"); }
                @Override public void resumeWriting() { calls.add("resume"); }
                @Override public void connectionLost(Throwable exc) { done.setResult(null); }
            };
            // the child reads only after a line from its stdout was seen; so the first writes pile up
            var c = Processes.subprocessExec(() -> proto,
                    List.of("/bin/sh", "-c", "read go; cat > /dev/null"),
                    SubprocessOptions.DEFAULTS.stdout(Stdio.DEVNULL).stderr(Stdio.DEVNULL));
            WriteTransport stdin = (WriteTransport) c.transport().getPipeTransport(0);
            stdin.setWriteBufferLimits(1000, 100);
            assertEquals(new WriteBufferLimits(100, 1000), stdin.getWriteBufferLimits());
            stdin.write("go\n".getBytes());
            stdin.write(new byte[200_000]);
            // a selectable pipe takes what fits at once and buffers the rest (asyncio); the JDK stream's thread
            // has everything queued
            long buffered = stdin.getWriteBufferSize();
            assertTrue(buffered > 1000 && buffered <= 200_003, "buffered " + buffered);
            if (!ChildPipe.available()) assertEquals(200_003, buffered);
            assertEquals(List.of("pause"), calls);
            while (!calls.contains("resume")) Asyncio.sleep(0.005);
            stdin.close();
            Asyncio.await(done);
            assertEquals(0, c.transport().getReturncode());
            assertEquals(0, stdin.getWriteBufferSize());
            return null;
        });
    }

    @Test
    void writeAfterCloseIsDroppedAndBadLimitsAreRejected() {
        run(() -> {
            var c = Processes.subprocessExec(() -> new SubprocessProtocol() {}, List.of("cat"));
            WriteTransport stdin = (WriteTransport) c.transport().getPipeTransport(0);
            assertThrows(IllegalArgumentException.class, () -> stdin.setWriteBufferLimits(1, 2));
            assertTrue(stdin.canWriteEof());
            stdin.writeEof();
            assertTrue(stdin.isClosing());
            stdin.write("ignored".getBytes()); // as asyncio: dropped, not an error
            assertEquals(0, stdin.getWriteBufferSize());
            c.transport().close();
            return null;
        });
    }
}
