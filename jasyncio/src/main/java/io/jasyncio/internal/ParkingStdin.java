package io.jasyncio.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code System.in} for the vthread engine: a read made by task code is handed to a helper thread while the task
 * parks (a park inside a task parks only that task), instead of blocking the loop's thread in the JDK's native
 * read (docs/ENGINES.md, "Which calls park"). Any other thread reads the original stream as before.
 *
 * <p>Installed once, over the {@code System.in} of the moment, when the vthread engine is first chosen (so before
 * any task runs); {@code -Djasyncio.parkingStdin=false} leaves {@code System.in} alone. A stream set later with
 * {@code System.setIn} is the user's and is not wrapped. Bytes keep their order whoever reads them: reads take
 * turns (a lock that parks tasks), and what the helper read for a task cancelled meanwhile (its wait is
 * interrupted: {@code InterruptedIOException}) goes to the next read.
 *
 * <p>Threading: thread-safe.
 */
final class ParkingStdin extends InputStream {
    /** The most a helper read asks for at once (a terminal gives a line at a time anyway). */
    private static final int CHUNK = 8192;
    private static volatile boolean installed;

    private final InputStream in;
    private final ReentrantLock turn = new ReentrantLock();
    /** The helper's read under way (null bytes: end of stream), or null. Guarded by turn. */
    private CompletableFuture<byte[]> pending;
    /** Bytes the helper read that no reader took yet: leftover[leftoverAt ..]. Guarded by turn. */
    private byte[] leftover;
    private int leftoverAt;

    private ParkingStdin(InputStream in) {
        this.in = in;
    }

    /** Wraps {@code System.in}, once per JVM, unless {@code -Djasyncio.parkingStdin=false}. */
    static void install() {
        if (installed || "false".equalsIgnoreCase(System.getProperty("jasyncio.parkingStdin"))) return;
        synchronized (ParkingStdin.class) {
            if (installed) return;
            installed = true;
            if (!(System.in instanceof ParkingStdin)) System.setIn(new ParkingStdin(System.in));
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) return 0;
        try {
            turn.lockInterruptibly();
        } catch (InterruptedException e) {
            throw interrupted();
        }
        try {
            if (leftover != null) return takeLeftover(b, off, len);
            if (pending == null) {
                if (LoopScheduledEngine.ownerOf(Thread.currentThread()) == null) return in.read(b, off, len);
                int n = Math.min(len, CHUNK);
                pending = CompletableFuture.supplyAsync(() -> readChunk(n), HELPER);
            }
            byte[] got;
            try {
                got = pending.get(); // parks a task; a platform thread waits as it would have in the read
            } catch (InterruptedException e) {
                throw interrupted(); // the read stays pending: its bytes go to the next reader
            } catch (ExecutionException e) {
                pending = null;
                if (e.getCause() instanceof java.io.UncheckedIOException u) throw u.getCause();
                throw new IOException("reading standard input failed", e.getCause());
            }
            pending = null;
            if (got == null) return -1;
            leftover = got;
            leftoverAt = 0;
            return takeLeftover(b, off, len);
        } finally {
            turn.unlock();
        }
    }

    private static InterruptedIOException interrupted() {
        Thread.currentThread().interrupt(); // what ends a cancelled task's blocking call; keep it visible
        return new InterruptedIOException("interrupted while reading standard input");
    }

    private int takeLeftover(byte[] b, int off, int len) {
        int n = Math.min(len, leftover.length - leftoverAt);
        System.arraycopy(leftover, leftoverAt, b, off, n);
        leftoverAt += n;
        if (leftoverAt == leftover.length) leftover = null;
        return n;
    }

    private byte[] readChunk(int n) {
        try {
            byte[] buf = new byte[n];
            int got = in.read(buf, 0, n);
            return got < 0 ? null : java.util.Arrays.copyOf(buf, got);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The helper: one daemon thread ("jasyncio-stdin", gone after 10 s idle); reads take turns anyway. */
    private static final java.util.concurrent.ExecutorService HELPER = new java.util.concurrent.ThreadPoolExecutor(
            0, 1, 10, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(),
            r -> Thread.ofPlatform().daemon().name("jasyncio-stdin").unstarted(r));

    @Override
    public int available() throws IOException {
        turn.lock();
        try {
            if (leftover != null) return leftover.length - leftoverAt;
            return pending == null ? in.available() : 0;
        } finally {
            turn.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
