package io.jasyncio.subprocess;

import io.jasyncio.Asyncio;
import io.jasyncio.Coroutine;
import io.jasyncio.Event;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.internal.io.PipeTransport;
import io.jasyncio.transport.BaseTransport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Helpers of the subprocess tests (real processes, so a real-time loop and a bound on every run). */
public final class SubprocessTesting {
    private SubprocessTesting() {}

    public static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Pipe threads alive in this JVM. */
    public static int livePipeThreads() {
        return PipeTransport.LIVE_THREADS.get();
    }

    /**
     * Waits (really, briefly) until the pipe threads are back to {@code expected}: a thread ends just after it
     * has told the loop it is done, so a test that has seen the end may still see the thread for a moment.
     */
    public static int awaitLivePipeThreads(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (livePipeThreads() != expected && System.nanoTime() < deadline) Thread.sleep(10);
        return livePipeThreads();
    }

    /**
     * CPython's MySubprocessProtocol (test_events.py): records what happens, checks the order of the calls, and
     * offers futures and events to wait for.
     */
    public static final class RecordingProtocol implements SubprocessProtocol {
        public String state = "INITIAL";
        public SubprocessTransport transport;
        public final Future<Void> connected;
        public final Future<Void> completed;
        public final Map<Integer, Future<Throwable>> disconnects = new HashMap<>();
        public final Map<Integer, byte[]> data = new HashMap<>();
        public Integer returncode;
        public final Map<Integer, Event> gotData = new HashMap<>();

        public RecordingProtocol(EventLoop loop) {
            connected = loop.createFuture();
            completed = loop.createFuture();
            for (int fd = 0; fd < 3; fd++) disconnects.put(fd, loop.createFuture());
            data.put(1, new byte[0]);
            data.put(2, new byte[0]);
            gotData.put(1, new Event());
            gotData.put(2, new Event());
        }

        private void assertState(String expected) {
            if (!state.equals(expected)) throw new AssertionError("state: " + state + ", expected: " + expected);
        }

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (SubprocessTransport) t;
            assertState("INITIAL");
            state = "CONNECTED";
            connected.setResult(null);
        }

        @Override
        public void connectionLost(Throwable exc) {
            assertState("CONNECTED");
            state = "CLOSED";
            completed.setResult(null);
        }

        @Override
        public void pipeDataReceived(int fd, ByteBuffer chunk) {
            assertState("CONNECTED");
            byte[] old = data.get(fd);
            byte[] all = java.util.Arrays.copyOf(old, old.length + chunk.remaining());
            chunk.get(all, old.length, chunk.remaining());
            data.put(fd, all);
            gotData.get(fd).set();
        }

        @Override
        public void pipeConnectionLost(int fd, Throwable exc) {
            assertState("CONNECTED");
            if (exc != null) disconnects.get(fd).setException(exc);
            else disconnects.get(fd).setResult(null);
        }

        @Override
        public void processExited() {
            assertState("CONNECTED");
            returncode = transport.getReturncode();
        }
    }
}
