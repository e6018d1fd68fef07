package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.Net;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.Server;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An Error on the loop's thread ends the run visibly (issue 13, item 4; docs/ENGINES.md, "Errors on the loop"):
 * run() throws it after the cleanup that can still run, the loop can then be closed, nothing of it is left
 * running. A StackOverflowError in task code fails only that task, as a RecursionError does in Python.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang must fail, not wait
class LoopErrorTest {
    private static Runner virtualRunner() {
        return Runner.builder().loopFactory(EventLoop::withVirtualClock).build();
    }

    /** Runs {@code main} as Asyncio.run would, on a virtual clock; the loop is left in {@code loop}. */
    private static <T> T run(AtomicReference<EventLoop> loop, Coroutine<T> main) {
        try (Runner r = virtualRunner()) {
            loop.set(r.getLoop());
            return r.run(main);
        }
    }

    @Test
    void anErrorThrownByACallbackEndsTheRunAfterTheCleanup() throws Exception {
        StackOverflowError soe = new StackOverflowError("thrown by a callback");
        AtomicReference<EventLoop> loop = new AtomicReference<>();
        List<String> cleanup = new ArrayList<>();
        Thread[] worker = new Thread[1];
        List<ExceptionContext> reported = new ArrayList<>();
        Throwable thrown = assertThrows(StackOverflowError.class, () -> run(loop, () -> {
            EventLoop l = Asyncio.getRunningLoop();
            l.setExceptionHandler((lp, ctx) -> reported.add(ctx));
            worker[0] = Asyncio.await(l.runInExecutor(null, Thread::currentThread));
            Asyncio.createTask(() -> {
                try {
                    Asyncio.sleep(3600);
                } finally {
                    cleanup.add("background task cancelled");
                }
                return null;
            });
            l.callSoon(() -> {
                throw soe;
            });
            Asyncio.sleep(5); // before: the callback's error was logged and this went on
            return "survived";
        }));
        assertSame(soe, thrown);
        assertEquals(List.of("background task cancelled"), cleanup, "the remaining tasks were cancelled");
        assertTrue(loop.get().isClosed());
        assertFalse(loop.get().isRunning());
        worker[0].join(10_000);
        assertFalse(worker[0].isAlive(), "the default executor's thread has ended");
        assertEquals(List.of(), reported, "the error is thrown, not also logged");
    }

    @Test
    void anAssertionErrorInACallbackEndsTheRunToo() {
        AssertionError bug = new AssertionError("a callback's own check failed");
        AtomicReference<EventLoop> loop = new AtomicReference<>();
        assertSame(bug, assertThrows(AssertionError.class, () -> run(loop, () -> {
            Asyncio.getRunningLoop().callLater(1, () -> {
                throw bug;
            });
            Asyncio.sleep(5);
            return null;
        })));
    }

    @Test
    void anExceptionInACallbackIsStillReportedAndTheLoopGoesOn() {
        // asyncio's rule for Exceptions is unchanged: the exception handler gets it.
        List<String> reported = new ArrayList<>();
        AtomicReference<EventLoop> loop = new AtomicReference<>();
        assertEquals("went on", run(loop, () -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> reported.add(ctx.exception().getMessage()));
            Asyncio.getRunningLoop().callSoon(() -> {
                throw new IllegalStateException("reported");
            });
            Asyncio.sleep(1);
            return "went on";
        }));
        assertEquals(List.of("reported"), reported);
    }

    @Test
    void anOutOfMemoryErrorInAFireAndForgetTaskEndsTheRun() {
        OutOfMemoryError oom = new OutOfMemoryError("raised by task code");
        AtomicReference<EventLoop> loop = new AtomicReference<>();
        List<ExceptionContext> reported = new ArrayList<>();
        Task<?>[] failing = new Task<?>[1];
        assertSame(oom, assertThrows(OutOfMemoryError.class, () -> run(loop, () -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> reported.add(ctx));
            failing[0] = Asyncio.createTask(() -> {
                Asyncio.sleep(1);
                throw oom;
            });
            Asyncio.sleep(5); // before: this returned, and the error was only logged at close as never retrieved
            return null;
        })));
        assertSame(oom, failing[0].exception(), "the task failed with it too");
        assertEquals(List.of(), reported, "thrown, so retrieved: not reported as never retrieved");
        assertTrue(loop.get().isClosed());
    }

    // test_asyncio/test_base_events.py: test_run_until_complete_baseexception (KeyboardInterrupt there)
    @Test
    void runUntilCompleteThrowsAFatalErrorAndTheLoopRunsAgainAfter() {
        EventLoop loop = EventLoop.withVirtualClock();
        try {
            assertThrows(OutOfMemoryError.class, () -> loop.runUntilComplete(() -> {
                throw new OutOfMemoryError("task");
            }));
            assertFalse(loop.isRunning());
            boolean[] called = {false};
            loop.callSoon(() -> {
                loop.stop();
                called[0] = true;
            });
            loop.runForever();
            assertTrue(called[0]);
        } finally {
            loop.close();
        }
    }

    // test_asyncio/test_base_events.py: test_run_forever_keyboard_interrupt (the error is not logged as well)
    @Test
    void aFatalErrorEndingRunUntilCompleteIsNotAlsoReported() {
        EventLoop loop = EventLoop.withVirtualClock();
        List<ExceptionContext> reported = new ArrayList<>();
        loop.setExceptionHandler((l, ctx) -> reported.add(ctx));
        try {
            assertThrows(OutOfMemoryError.class, () -> loop.runUntilComplete(() -> {
                throw new OutOfMemoryError("task");
            }));
        } finally {
            loop.close();
        }
        assertEquals(List.of(), reported);
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    @Test
    void aStackOverflowInTaskCodeFailsOnlyThatTask() {
        List<String> log = new ArrayList<>();
        AtomicReference<EventLoop> loop = new AtomicReference<>();
        assertEquals("loop went on", run(loop, () -> {
            Task<Integer> deep = Asyncio.createTask(() -> recurse(0));
            Task<String> other = Asyncio.createTask(() -> {
                Asyncio.sleep(1);
                return "other finished";
            });
            Throwable e = assertThrows(StackOverflowError.class, () -> Asyncio.await(deep));
            log.add(e.getClass().getSimpleName());
            log.add(Asyncio.await(other));
            return "loop went on";
        }));
        assertEquals(List.of("StackOverflowError", "other finished"), log);
    }

    /** A protocol whose dataReceived raises {@code error}. */
    private static final class Failing implements Protocol {
        private final Error error;
        BaseTransport transport;

        Failing(Error error) {
            this.error = error;
        }

        @Override public void connectionMade(BaseTransport t) {
            transport = t;
        }

        @Override public void dataReceived(ByteBuffer data) {
            throw error;
        }
    }

    @Test
    void anOutOfMemoryErrorInAProtocolCallbackEndsTheRunAndClosesTheConnection() throws Exception {
        OutOfMemoryError oom = new OutOfMemoryError("in data_received");
        Failing[] made = new Failing[1];
        try (Socket client = new Socket()) {
            Throwable thrown = assertThrows(OutOfMemoryError.class, () -> Asyncio.run(() -> {
                Server server = Net.createServer(() -> made[0] = new Failing(oom), "127.0.0.1", 0);
                int port = ((InetSocketAddress) server.getSockets().get(0).getLocalAddress()).getPort();
                Asyncio.toThread(() -> {
                    client.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                    client.getOutputStream().write('x');
                    return null;
                });
                try {
                    Asyncio.sleep(30); // before: the error was reported, the connection closed, and this went on
                } finally {
                    server.close();
                }
                return null;
            }));
            assertSame(oom, thrown);
            assertTrue(made[0].transport.isClosing(), "the connection was closed");
        }
    }

    @Test
    void aStackOverflowInAProtocolCallbackFailsOnlyThatConnection() throws Exception {
        // As asyncio's transports treat any exception from a protocol callback: a fatal error of the connection.
        List<String> reported = new ArrayList<>();
        Failing[] made = new Failing[1];
        try (Socket client = new Socket()) {
            assertEquals("served on", Asyncio.run(() -> {
                Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> reported.add(ctx.message()));
                Server server = Net.createServer(() -> made[0] = new Failing(new StackOverflowError()), "127.0.0.1", 0);
                int port = ((InetSocketAddress) server.getSockets().get(0).getLocalAddress()).getPort();
                int eof = Asyncio.toThread(() -> {
                    client.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                    client.getOutputStream().write('x');
                    return client.getInputStream().read(); // the server closes the connection
                });
                server.close();
                return eof == -1 ? "served on" : "read " + eof;
            }));
        }
        assertEquals(1, reported.size(), reported.toString());
        assertTrue(reported.get(0).contains("data_received"), reported.toString());
    }
}
