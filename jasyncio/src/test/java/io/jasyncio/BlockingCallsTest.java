package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which blocking JDK calls, made by task code, park only that task and which hold the loop's thread: the table
 * "Which calls park" in docs/ENGINES.md, one test per class of call (issue 13, item 6). The answer is read, not
 * timed: another task tries to end the call; it can run during the call only if the call parked. Otherwise a
 * thread ends it after a while. With portable, every blocking call holds the loop (its task keeps the baton).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang must fail, not wait
class BlockingCallsTest {
    /** How long the fallback thread lets a call hold the loop before it ends the call itself. */
    private static final long FALLBACK_MS = 500;

    private static Path dir;

    @BeforeAll
    static void tempDir() throws IOException {
        dir = Files.createTempDirectory("blocking-calls");
    }

    @AfterAll
    static void removeTempDir() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) Files.deleteIfExists(p);
        }
        Files.deleteIfExists(dir);
    }

    private static boolean vthread() {
        return "vthread".equals(io.jasyncio.internal.Engine.get().name());
    }

    /** A blocking call and the way to end it from outside. */
    interface Call {
        void block() throws Exception;
    }

    interface Release {
        void release() throws Exception;
    }

    /**
     * Runs {@code call} in a task while a second task waits to end it with {@code release}; a platform thread ends
     * it instead after {@link #FALLBACK_MS} if the loop is held. True: the call parked only its task.
     */
    private static boolean parks(Call call, Release release) throws Exception {
        AtomicBoolean released = new AtomicBoolean();
        Release once = () -> {
            if (released.compareAndSet(false, true)) release.release();
        };
        boolean[] otherTaskRan = {false};
        Thread fallback = Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(FALLBACK_MS);
                once.release();
            } catch (InterruptedException e) {
                // the task ended the call: nothing to do
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            return Asyncio.run(() -> {
                // The blocking task's step runs first; the other's can run only while that one is parked.
                Task<Boolean> blocking = Asyncio.createTask(() -> {
                    call.block();
                    return otherTaskRan[0]; // read in the same step as the call returned
                });
                Task<Void> other = Asyncio.createTask(() -> {
                    otherTaskRan[0] = true;
                    once.release();
                    return null;
                });
                Asyncio.await(other);
                return Asyncio.await(blocking);
            });
        } finally {
            fallback.interrupt();
            fallback.join();
        }
    }

    /** Asserts what the table says: parks with vthread (when {@code parksWithVthread}), never with portable. */
    private static void expect(boolean parksWithVthread, Call call, Release release) throws Exception {
        boolean parked = parks(call, release);
        assertEquals(vthread() && parksWithVthread, parked, parked ? "the call parked" : "the call held the loop");
    }

    // ---------------------------------------------------------------- parks with vthread

    @Test
    void socketReadParks() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket peer = server.accept()) {
            expect(true, () -> client.getInputStream().read(), () -> peer.getOutputStream().write(1));
        }
    }

    @Test
    void socketChannelReadParks() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             SocketChannel ch = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
             Socket peer = server.accept()) {
            expect(true, () -> ch.read(ByteBuffer.allocate(1)), () -> peer.getOutputStream().write(1));
        }
    }

    @Test
    void serverSocketAcceptParks() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket[] client = new Socket[1];
            expect(true, () -> server.accept().close(),
                    () -> client[0] = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            client[0].close();
        }
    }

    @Test
    void datagramReceiveParks() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket sender = new DatagramSocket()) {
            expect(true, () -> receiver.receive(new DatagramPacket(new byte[8], 8)),
                    () -> sender.send(new DatagramPacket(new byte[1], 1, receiver.getLocalSocketAddress())));
        }
    }

    @Test
    void nioPipeReadParks() throws Exception {
        Pipe pipe = Pipe.open();
        try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
            expect(true, () -> source.read(ByteBuffer.allocate(1)), () -> sink.write(ByteBuffer.wrap(new byte[1])));
        }
    }

    @Test
    void threadSleepParks() throws Exception {
        expect(true, () -> Thread.sleep(2 * FALLBACK_MS), () -> { });
    }

    @Test
    void lockSupportParkParks() throws Exception {
        expect(true, () -> LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2 * FALLBACK_MS)), () -> { });
    }

    /** Runs {@code lock} then {@code unlock} on a platform thread, holding in between until released. */
    private static Release heldByAThread(Runnable lock, Runnable unlock) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1), letGo = new CountDownLatch(1);
        Thread.ofPlatform().daemon().start(() -> {
            lock.run();
            try {
                held.countDown();
                letGo.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                unlock.run();
            }
        });
        held.await();
        return letGo::countDown;
    }

    @Test
    void contendedReentrantLockParks() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        Release release = heldByAThread(lock::lock, lock::unlock);
        expect(true, () -> {
            lock.lock();
            lock.unlock();
        }, release);
    }

    @Test
    void contendedMonitorParks() throws Exception {
        Object monitor = new Object();
        CountDownLatch held = new CountDownLatch(1), letGo = new CountDownLatch(1);
        Thread.ofPlatform().daemon().start(() -> {
            synchronized (monitor) {
                held.countDown();
                try {
                    letGo.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        held.await();
        expect(true, () -> {
            synchronized (monitor) {
                monitor.notifyAll();
            }
        }, letGo::countDown);
    }

    @Test
    void objectWaitParks() throws Exception {
        Object monitor = new Object();
        boolean[] notified = {false};
        expect(true, () -> {
            synchronized (monitor) {
                while (!notified[0]) monitor.wait();
            }
        }, () -> {
            synchronized (monitor) {
                notified[0] = true;
                monitor.notifyAll();
            }
        });
    }

    @Test
    void latchAwaitParks() throws Exception {
        CountDownLatch latch = new CountDownLatch(1);
        expect(true, latch::await, latch::countDown);
    }

    @Test
    void completableFutureGetParks() throws Exception {
        CompletableFuture<String> f = new CompletableFuture<>();
        expect(true, f::get, () -> f.complete("done"));
    }

    @Test
    void threadJoinParks() throws Exception {
        CountDownLatch end = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().daemon().start(() -> {
            try {
                end.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        expect(true, t::join, end::countDown);
    }

    @Test
    void processWaitForParks() throws Exception {
        Process cat = new ProcessBuilder("cat").start();
        cat.getInputStream().close();
        expect(true, cat::waitFor, () -> cat.getOutputStream().close());
    }

    @Test
    void selectorSelectParks() throws Exception {
        try (Selector selector = Selector.open()) {
            expect(true, selector::select, selector::wakeup);
        }
    }

    // ---------------------------------------------------------------- holds the loop's thread, whatever the engine

    @Test
    void processStdoutReadHoldsTheLoop() throws Exception {
        Process cat = new ProcessBuilder("cat").start();
        try {
            OutputStream in = cat.getOutputStream();
            expect(false, () -> cat.getInputStream().read(), () -> {
                in.write('x');
                in.flush();
            });
        } finally {
            cat.destroy();
            cat.waitFor();
        }
    }

    /** A FIFO whose writing end a platform thread holds open; writing a byte to it ends a blocked read. */
    private static Release fifoWriter(Path fifo) throws Exception {
        CompletableFuture<OutputStream> out = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                out.complete(Files.newOutputStream(fifo)); // opens once the reader has opened
            } catch (IOException e) {
                out.completeExceptionally(e);
            }
        });
        return () -> {
            OutputStream o = out.get(10, TimeUnit.SECONDS);
            o.write('x');
            o.close();
        };
    }

    private static Path fifo(String name) throws Exception {
        Path p = dir.resolve(name);
        Process mkfifo = new ProcessBuilder("mkfifo", p.toString()).start();
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo is needed");
        return p;
    }

    @Test
    void fileInputStreamReadHoldsTheLoop() throws Exception {
        Path fifo = fifo("fis");
        Release write = fifoWriter(fifo);
        try (InputStream in = new FileInputStream(fifo.toFile())) {
            expect(false, in::read, write);
        }
    }

    @Test
    void fileChannelReadHoldsTheLoop() throws Exception {
        Path fifo = fifo("fc");
        Release write = fifoWriter(fifo);
        try (FileChannel ch = FileChannel.open(fifo, StandardOpenOption.READ)) {
            expect(false, () -> ch.read(ByteBuffer.allocate(1)), write);
        }
    }

    @Test
    void randomAccessFileReadHoldsTheLoop() throws Exception {
        Path fifo = fifo("raf");
        Release write = fifoWriter(fifo);
        try (RandomAccessFile raf = new RandomAccessFile(fifo.toFile(), "r")) {
            expect(false, raf::read, write);
        }
    }

    @Test
    void openingAFifoHoldsTheLoop() throws Exception {
        Path fifo = fifo("open");
        OutputStream[] writer = new OutputStream[1];
        CompletableFuture<Void> opened = new CompletableFuture<>();
        expect(false, () -> Files.newInputStream(fifo).close(), () -> Thread.ofPlatform().daemon().start(() -> {
            try {
                writer[0] = Files.newOutputStream(fifo);
                opened.complete(null);
            } catch (IOException e) {
                opened.completeExceptionally(e);
            }
        }));
        opened.get(10, TimeUnit.SECONDS);
        writer[0].close();
    }

    @Test
    void contendedFileLockHoldsTheLoop() throws Exception {
        Path file = dir.resolve("locked");
        Files.writeString(file, "x");
        // Another process holds the lock (POSIX record locks are per process): python3's fcntl, until stdin ends.
        Process holder;
        try {
            holder = new ProcessBuilder("python3", "-c", "import fcntl,sys\nf=open(sys.argv[1],'r+')\n"
                    + "fcntl.lockf(f, fcntl.LOCK_EX)\nprint('locked', flush=True)\nsys.stdin.read()", file.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            assumeTrue(false, "python3 is needed: " + e);
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertEquals('l', holder.getInputStream().read());
            expect(false, () -> ch.lock().release(), () -> holder.getOutputStream().close());
        } finally {
            holder.destroy();
            holder.waitFor();
        }
    }
}
