package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Ports of test_events.py::EventLoopTestsMixin (the loop-level parts), GetEventLoopTestsMixin and
 * PolicyTests (the current-loop functions; jasyncio has no policies).
 */
class EventLoopTest extends LoopTestBase {

    // ports test_events.py::EventLoopTestsMixin::test_run_until_complete_nesting
    @Test
    void runUntilCompleteNesting() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(() -> {
            assertTrue(loop.isRunning());
            return loop.runUntilComplete(() -> Asyncio.sleep(0, null));
        }));
        assertEquals("This event loop is already running", e.getMessage());
    }

    // ports test_events.py::EventLoopTestsMixin::test_run_until_complete
    @Test
    void runUntilComplete() {
        double delay = 0.100;
        double t0 = loop.time();
        loop.runUntilComplete(() -> Asyncio.sleep(delay, null));
        assertEquals(delay, loop.time() - t0, 1e-9);
    }

    // ports test_events.py::EventLoopTestsMixin::test_run_until_complete_stopped
    @Test
    void runUntilCompleteStopped() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(() -> {
            loop.stop();
            return Asyncio.sleep(0.1, null);
        }));
        assertEquals("Event loop stopped before Future completed.", e.getMessage());
    }

    // ports test_events.py::EventLoopTestsMixin::test_call_later
    @Test
    void callLater() {
        List<String> results = new ArrayList<>();
        loop.callLater(0.1, () -> {
            results.add("hello world");
            loop.stop();
        });
        loop.runForever();
        assertEquals(List.of("hello world"), results);
        assertEquals(0.1, loop.time(), 1e-9);
    }

    // ports test_events.py::EventLoopTestsMixin::test_call_soon
    @Test
    void callSoon() {
        List<List<String>> results = new ArrayList<>();
        loop.callSoon(() -> {
            results.add(List.of("hello", "world"));
            loop.stop();
        });
        loop.runForever();
        assertEquals(List.of(List.of("hello", "world")), results);
    }

    // ports test_events.py::EventLoopTestsMixin::test_call_soon_threadsafe
    @Test
    void callSoonThreadsafe() throws Exception {
        List<String> results = new ArrayList<>();
        java.util.function.Consumer<String> cb = arg -> {
            results.add(arg);
            if (results.size() >= 2) loop.stop();
        };
        CountDownLatch sent = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            loop.callSoonThreadsafe(() -> cb.accept("hello"));
            sent.countDown();
        });
        t.start();
        sent.await();
        loop.callSoon(() -> cb.accept("world"));
        loop.runForever();
        t.join();
        assertEquals(List.of("hello", "world"), results);
    }

    // ports test_events.py::EventLoopTestsMixin::test_call_soon_threadsafe_same_thread
    @Test
    void callSoonThreadsafeSameThread() {
        List<String> results = new ArrayList<>();
        java.util.function.Consumer<String> cb = arg -> {
            results.add(arg);
            if (results.size() >= 2) loop.stop();
        };
        loop.callSoonThreadsafe(() -> cb.accept("hello"));
        loop.callSoon(() -> cb.accept("world"));
        loop.runForever();
        assertEquals(List.of("hello", "world"), results);
    }

    // ports test_events.py::EventLoopTestsMixin::test_run_in_executor
    @Test
    void runInExecutor() {
        Thread me = Thread.currentThread();
        Future<List<Object>> f2 = loop.runInExecutor(null, () -> List.of("yo", Thread.currentThread()));
        List<Object> res = loop.runUntilComplete(f2);
        assertEquals("yo", res.get(0));
        assertNotSame(me, res.get(1));
    }

    // ports test_events.py::EventLoopTestsMixin::test_run_in_executor_cancel
    @Test
    void runInExecutorCancel() {
        Future<Object> f2 = loop.runInExecutor(null, () -> {
            Thread.sleep(20);
            return null;
        });
        f2.cancel();
        loop.runUntilComplete(loop.shutdownDefaultExecutor(null));
        loop.close();
        // The job's completion, arriving after close, must not reach the closed loop.
        assertTrue(f2.cancelled());
        assertEquals(List.of(), handled);
    }

    /** A connected pair of non-blocking TCP channels on the loopback interface (Python's socketpair()). */
    static SocketChannel[] socketPair() throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel a = SocketChannel.open(server.getLocalAddress());
            SocketChannel b = server.accept();
            a.configureBlocking(false);
            b.configureBlocking(false);
            return new SocketChannel[] {a, b};
        }
    }

    // ports test_events.py::EventLoopTestsMixin::test_reader_callback
    @Test
    void readerCallback() throws Exception {
        EventLoop real = new EventLoop();
        SocketChannel[] rw = socketPair();
        SocketChannel r = rw[0], w = rw[1];
        try {
            java.io.ByteArrayOutputStream bytesRead = new java.io.ByteArrayOutputStream();
            real.addReader(r, () -> {
                ByteBuffer buf = ByteBuffer.allocate(1024);
                try {
                    int n = r.read(buf);
                    if (n > 0) {
                        bytesRead.write(buf.array(), 0, n);
                    } else if (n < 0) {
                        assertTrue(real.removeReader(r));
                        r.close();
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            real.callSoon(() -> write(w, "abc"));
            runUntil(real, () -> bytesRead.size() >= 3);
            real.callSoon(() -> write(w, "def"));
            runUntil(real, () -> bytesRead.size() >= 6);
            real.callSoon(() -> close(w));
            runUntil(real, () -> !r.isOpen());
            assertEquals("abcdef", bytesRead.toString());
        } finally {
            r.close();
            w.close();
            real.close();
        }
    }

    private static void write(SocketChannel c, String s) {
        try {
            c.write(ByteBuffer.wrap(s.getBytes()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void close(java.nio.channels.Channel c) {
        try {
            c.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ports test_events.py::EventLoopTestsMixin::test_writer_callback
    @Test
    void writerCallback() throws Exception {
        EventLoop real = new EventLoop();
        SocketChannel[] rw = socketPair();
        SocketChannel r = rw[0], w = rw[1];
        try {
            byte[] data = "x".repeat(1024).getBytes();
            real.addWriter(w, () -> {
                write(w, new String(data));
                real.stop();
            });
            real.runForever();
            assertTrue(real.removeWriter(w));
            assertFalse(real.removeWriter(w));
            w.close();
            r.configureBlocking(true);
            ByteBuffer buf = ByteBuffer.allocate(data.length * 2);
            while (buf.position() < data.length && r.read(buf) >= 0) { /* read all */ }
            assertEquals(data.length, buf.position());
        } finally {
            r.close();
            w.close();
            real.close();
        }
    }

    // ports test_events.py::UnixEventLoopTestsMixin::test_reader_callback_cancel
    @Test
    void readerCallbackCancel() throws Exception {
        EventLoop real = new EventLoop();
        SocketChannel[] rw = socketPair();
        SocketChannel r = rw[0], w = rw[1];
        try {
            java.io.ByteArrayOutputStream bytesRead = new java.io.ByteArrayOutputStream();
            AtomicReference<Handle> handle = new AtomicReference<>();
            handle.set(real.addReader(r, () -> {
                ByteBuffer buf = ByteBuffer.allocate(1024);
                try {
                    int n = r.read(buf);
                    if (n > 0) bytesRead.write(buf.array(), 0, n);
                    if (bytesRead.size() >= 3 || n < 0) {
                        handle.get().cancel();
                        real.stop();
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
            real.callSoon(() -> write(w, "abc"));
            real.runForever();
            assertEquals("abc", bytesRead.toString());
            assertTrue(handle.get().cancelled());
        } finally {
            r.close();
            w.close();
            real.close();
        }
    }

    // ports test_events.py::UnixEventLoopTestsMixin::test_writer_callback_cancel
    @Test
    void writerCallbackCancel() throws Exception {
        EventLoop real = new EventLoop();
        SocketChannel[] rw = socketPair();
        SocketChannel r = rw[0], w = rw[1];
        try {
            AtomicReference<Handle> handle = new AtomicReference<>();
            handle.set(real.addWriter(w, () -> {
                write(w, "x");
                handle.get().cancel();
                real.stop();
            }));
            real.runForever();
            assertTrue(handle.get().cancelled());
            w.close();
            r.configureBlocking(true);
            ByteBuffer buf = ByteBuffer.allocate(16);
            int n = r.read(buf);
            assertEquals(1, n);
        } finally {
            r.close();
            w.close();
            real.close();
        }
    }

    // ports test_events.py::EventLoopTestsMixin::test_remove_fds_after_closing
    @Test
    void removeFdsAfterClosing() throws Exception {
        Pipe p = Pipe.open();
        EventLoop l = new EventLoop();
        try {
            l.addReader(p.source(), () -> {});
            l.addWriter(p.sink(), () -> {});
            l.close();
            assertFalse(l.removeReader(p.source()));
            assertFalse(l.removeWriter(p.sink()));
        } finally {
            p.source().close();
            p.sink().close();
            l.close();
        }
    }

    // ports test_events.py::EventLoopTestsMixin::test_add_fds_after_closing
    @Test
    void addFdsAfterClosing() throws Exception {
        Pipe p = Pipe.open();
        try {
            loop.close();
            assertThrows(IllegalStateException.class, () -> loop.addReader(p.source(), () -> {}));
            assertThrows(IllegalStateException.class, () -> loop.addWriter(p.sink(), () -> {}));
        } finally {
            p.source().close();
            p.sink().close();
        }
    }

    // ports test_events.py::EventLoopTestsMixin::test_close_running_event_loop
    @Test
    void closeRunningEventLoop() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(() -> {
            loop.close();
            return null;
        }));
        assertEquals("Cannot close a running event loop", e.getMessage());
        assertFalse(loop.isClosed());
    }

    // ports test_events.py::EventLoopTestsMixin::test_close
    @Test
    void closedLoopRefusesEverything() {
        loop.close();
        Runnable func = () -> {};
        assertClosedError(loop::runForever);
        assertClosedError(() -> loop.runUntilComplete(loop.createFuture()));
        assertClosedError(() -> loop.runUntilComplete(() -> null));
        assertClosedError(() -> loop.callSoon(func));
        assertClosedError(() -> loop.callSoonThreadsafe(func));
        assertClosedError(() -> loop.callLater(1.0, func));
        assertClosedError(() -> loop.callAt(loop.time(), func));
        assertClosedError(() -> loop.createTask(() -> null));
        assertClosedError(() -> loop.runInExecutor(null, () -> null));
    }

    private static void assertClosedError(org.junit.jupiter.api.function.Executable op) {
        IllegalStateException e = assertThrows(IllegalStateException.class, op);
        assertEquals("Event loop is closed", e.getMessage());
    }

    // ports test_events.py::GetEventLoopTestsMixin::test_get_event_loop_returns_running_loop2
    @Test
    void getEventLoopReturnsRunningLoop() {
        Asyncio.setEventLoop(null);
        IllegalStateException e = assertThrows(IllegalStateException.class, Asyncio::getEventLoop);
        assertTrue(e.getMessage().contains("no current event loop"), e.getMessage());
        IllegalStateException e2 = assertThrows(IllegalStateException.class, Asyncio::getRunningLoop);
        assertTrue(e2.getMessage().contains("no running"));
        loop.runUntilComplete(() -> {
            assertSame(loop, Asyncio.getEventLoop());
            assertSame(loop, Asyncio.getRunningLoop());
            return null;
        });
        Asyncio.setEventLoop(loop);
        assertSame(loop, Asyncio.getEventLoop());
        Asyncio.setEventLoop(null);
        assertThrows(IllegalStateException.class, Asyncio::getEventLoop);
        assertThrows(IllegalStateException.class, Asyncio::getRunningLoop);
    }

    // ports test_events.py::GetEventLoopTestsMixin::test_get_event_loop_returns_running_loop
    @Test
    void runningLoopWinsOverTheSetLoop() {
        EventLoop other = new EventLoop();
        try {
            Asyncio.setEventLoop(other);
            loop.runUntilComplete(() -> {
                assertSame(loop, Asyncio.getEventLoop());
                return null;
            });
            assertSame(other, Asyncio.getEventLoop());
        } finally {
            Asyncio.setEventLoop(null);
            other.close();
        }
    }

    // ports test_events.py::PolicyTests::test_get_event_loop_after_set_none
    @Test
    void getEventLoopAfterSetNone() {
        Asyncio.setEventLoop(null);
        assertThrows(IllegalStateException.class, Asyncio::getEventLoop);
    }

    // ports test_events.py::PolicyTests::test_get_event_loop_thread
    @Test
    void getEventLoopInAnotherThreadHasNoLoop() throws Exception {
        Asyncio.setEventLoop(loop);
        AtomicReference<Throwable> err = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Asyncio.getEventLoop();
            } catch (Throwable e) {
                err.set(e);
            }
        }, "other");
        t.start();
        t.join();
        assertInstanceOf(IllegalStateException.class, err.get());
        assertEquals("There is no current event loop in thread 'other'.", err.get().getMessage());
    }

    // ports test_events.py::PolicyTests::test_new_event_loop
    @Test
    void newEventLoop() {
        EventLoop l = Asyncio.newEventLoop();
        try {
            assertFalse(l.isRunning());
            assertFalse(l.isClosed());
            assertNotSame(loop, l);
        } finally {
            l.close();
        }
    }

    // ports test_events.py::PolicyTests::test_set_event_loop
    @Test
    void setEventLoop() {
        EventLoop old = loop;
        Asyncio.setEventLoop(old);
        assertSame(old, Asyncio.getEventLoop());
        EventLoop l = Asyncio.newEventLoop();
        try {
            Asyncio.setEventLoop(l);
            assertSame(l, Asyncio.getEventLoop());
        } finally {
            Asyncio.setEventLoop(null);
            l.close();
        }
    }

    // ports test_pep492.py::CoroutineTests::test_async_def_coroutines
    @Test
    void asyncDefCoroutines() {
        Coroutine<String> bar = () -> "spam";
        Coroutine<String> foo = () -> Asyncio.await(bar);
        assertEquals("spam", loop.runUntilComplete(foo));
        loop.setDebug(true);
        assertEquals("spam", loop.runUntilComplete(foo));
    }

    // ---- our own ----

    @Test
    void runUntilCompleteReturnsAfterTheFutureEvenWithOtherWorkPending() {
        AtomicBoolean late = new AtomicBoolean();
        loop.callLater(10, () -> late.set(true));
        loop.runUntilComplete(() -> Asyncio.sleep(1, null));
        assertFalse(late.get());
        assertEquals(1.0, loop.time(), 1e-9);
    }

    @Test
    void virtualClockStartsAtZeroAndOnlyMovesWhenIdle() {
        assertEquals(0.0, loop.time());
        List<Double> times = new ArrayList<>();
        loop.runUntilComplete(() -> {
            times.add(loop.time());
            Asyncio.sleep(0);
            times.add(loop.time());
            Asyncio.sleep(2.5);
            times.add(loop.time());
            return null;
        });
        assertEquals(List.of(0.0, 0.0, 2.5), times);
        assertEquals(2_500_000_000L, loop.nanoTime());
    }

    @Test
    void loopIsRunningOnlyWhileRunning() {
        assertFalse(loop.isRunning());
        assertTrue(loop.runUntilComplete(loop::isRunning));
        assertFalse(loop.isRunning());
    }
}
