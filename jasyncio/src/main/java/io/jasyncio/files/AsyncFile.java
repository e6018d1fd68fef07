package io.jasyncio.files;

import io.jasyncio.CancelledError;
import io.jasyncio.streams.LimitOverrunError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An open file whose blocking operations run on a worker thread while the calling task waits (aiofiles' file
 * object): {@link #read}, {@link #readAll}, {@link #readLine}, {@link #lines}, {@link #write}, {@link #seek},
 * {@link #size}, {@link #force}, {@link #close}. Open one with {@link AsyncFiles#open}.
 *
 * <p>Cancelling a task waiting on an operation: one not started yet does not start; one under way is ended by
 * closing the file (as an interrupted {@code FileChannel} closes), so no worker stays blocked on it, and the file
 * is closed afterwards.
 *
 * <p>Threading: use it from task code of the loop that opened it, one operation at a time (a second task
 * starting one while another is under way gets {@link IllegalStateException}, as asyncio's stream readers do).
 */
public final class AsyncFile implements AutoCloseable {
    /** How much {@link #readLine} reads ahead at once. */
    static final int CHUNK = 64 * 1024;

    private final FileChannel channel;
    private final String name;
    private final Charset charset;
    private final int lineLimit;
    /** Bytes read ahead by {@link #readLine} and not consumed yet: buffer[start, end). */
    private byte[] buffer = new byte[0];
    private int start, end;
    private boolean eof;
    /** The operation under way, or null. */
    private String busy;

    AsyncFile(FileChannel channel, String name, Charset charset, int lineLimit) {
        this.channel = channel;
        this.name = name;
        this.charset = charset;
        this.lineLimit = lineLimit;
    }

    /**
     * Reads up to {@code maxBytes} bytes (at least one unless at the end): an empty array at the end of the file.
     *
     * @param maxBytes the most bytes to read, > 0
     * @return the bytes read
     * @throws IOException if the read fails or the file is closed
     */
    public byte[] read(int maxBytes) throws IOException {
        if (maxBytes <= 0) throw new IllegalArgumentException("maxBytes must be > 0, not " + maxBytes);
        if (end > start) return take(Math.min(maxBytes, end - start));
        return run("read", () -> {
            ByteBuffer b = ByteBuffer.allocate(Math.min(maxBytes, CHUNK * 16));
            int n = channel.read(b);
            return n <= 0 ? new byte[0] : Arrays.copyOf(b.array(), n);
        });
    }

    /**
     * Reads from the current position to the end of the file. Files over 2 GiB cannot be read at once.
     *
     * @return the bytes from the position to the end
     * @throws IOException if the read fails or the file is closed
     */
    public byte[] readAll() throws IOException {
        byte[] ahead = take(end - start);
        byte[] rest = run("readAll", () -> {
            long left = channel.size() - channel.position();
            if (ahead.length + left > Integer.MAX_VALUE - 8) {
                throw new IOException(name + " is too large to read at once (" + left + " bytes): read it in parts");
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) Math.max(0, left) + ahead.length);
            out.write(ahead);
            ByteBuffer b = ByteBuffer.allocate(CHUNK);
            while (channel.read(b.clear()) > 0) {
                if (out.size() + b.position() > Integer.MAX_VALUE - 8) {
                    throw new IOException(name + " grew past 2 GiB while read at once: read it in parts");
                }
                out.write(b.array(), 0, b.position());
            }
            return out.toByteArray();
        });
        eof = true;
        return rest;
    }

    /**
     * The next line, decoded with the file's charset, without its "\n" or "\r\n"; null at the end of the file. A
     * last line without a line break is returned as a line. A line longer than the limit given at open (1 MiB by
     * default) throws {@link LimitOverrunError} (asyncio's StreamReader.readline rule), the line left unread.
     *
     * @return the line, or null at the end of the file
     * @throws IOException if the read fails or the file is closed
     */
    public String readLine() throws IOException {
        int scanned = start;
        while (true) {
            for (int i = scanned; i < end; i++) {
                if (buffer[i] == '\n') {
                    if (i - start > lineLimit) throw overrun(i - start);
                    int stop = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                    String line = new String(buffer, start, stop - start, charset);
                    start = i + 1;
                    return line;
                }
            }
            scanned = end;
            if (end - start > lineLimit) throw overrun(end - start);
            if (eof || !fill()) {
                if (end == start) return null;
                String last = new String(buffer, start, end - start, charset);
                start = end;
                return last;
            }
        }
    }

    private LimitOverrunError overrun(int consumed) {
        return new LimitOverrunError("a line of " + name + " is longer than " + lineLimit + " bytes", consumed);
    }

    /**
     * The remaining lines, read as they are iterated ({@code async for line in f}): each step may wait for the
     * file, suspending the task. One pass.
     *
     * @return the remaining lines, read one at a time as the iteration goes
     */
    public Iterable<String> lines() {
        return () -> new Iterator<>() {
            private String next;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (next == null && !done) {
                    try {
                        next = readLine();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    done = next == null;
                }
                return next != null;
            }

            @Override
            public String next() {
                if (!hasNext()) throw new NoSuchElementException();
                String s = next;
                next = null;
                return s;
            }
        };
    }

    /**
     * Writes all of {@code data} at the current position.
     *
     * @param data the bytes
     * @throws IOException if the write fails or the file is closed
     */
    public void write(byte[] data) throws IOException {
        dropReadAhead();
        run("write", () -> {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) channel.write(b);
            return null;
        });
    }

    /**
     * Writes {@code text} encoded with the file's charset.
     *
     * @param text the text
     * @throws IOException if the write fails or the file is closed
     */
    public void write(CharSequence text) throws IOException {
        write(text.toString().getBytes(charset));
    }

    /**
     * Moves the position to {@code position} bytes from the start.
     *
     * @param position the new position, >= 0
     * @throws IOException if the file is closed or the position cannot be set
     */
    public void seek(long position) throws IOException {
        if (position < 0) throw new IllegalArgumentException("position must be >= 0, not " + position);
        run("seek", () -> channel.position(position));
        start = end = 0;
        eof = false;
    }

    /**
     * The current position: where the next read or write happens.
     *
     * @return the position in bytes
     * @throws IOException if the file is closed
     */
    public long position() throws IOException {
        long read = run("position", channel::position);
        return read - (end - start);
    }

    /**
     * The file's size in bytes.
     *
     * @return the size
     * @throws IOException if the file is closed or its size cannot be read
     */
    public long size() throws IOException {
        return run("size", channel::size);
    }

    /**
     * Cuts the file to {@code size} bytes.
     *
     * @param size the new size, >= 0
     * @throws IOException if the file is closed or cannot be truncated
     */
    public void truncate(long size) throws IOException {
        dropReadAhead();
        run("truncate", () -> channel.truncate(size));
    }

    /**
     * Forces what was written to the storage device (fsync; with {@code metaData}, the file's metadata too).
     *
     * @param metaData whether the metadata is forced too
     * @throws IOException if the file is closed or the device fails
     */
    public void force(boolean metaData) throws IOException {
        run("force", () -> {
            channel.force(metaData);
            return null;
        });
    }

    /**
     * Whether the file is open.
     *
     * @return true until {@link #close()}
     */
    public boolean isOpen() {
        return channel.isOpen();
    }

    /**
     * Closes the file: from task code on a worker, elsewhere at once. Idempotent.
     *
     * @throws IOException if closing fails
     */
    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) return;
        if (!inTask() || busy != null) {
            channel.close();
            return;
        }
        run("close", () -> {
            channel.close();
            return null;
        });
    }

    @Override
    public String toString() {
        return "<AsyncFile " + name + (channel.isOpen() ? "" : " closed") + ">";
    }

    // ---------------------------------------------------------------- internals

    /** Reads a chunk into the read-ahead buffer; false at the end of the file. */
    private boolean fill() throws IOException {
        int live = end - start;
        if (buffer.length - end < CHUNK) { // make room for a chunk after what is left unread
            byte[] target = live + CHUNK <= buffer.length ? buffer : new byte[Math.max(2 * buffer.length, live + CHUNK)];
            System.arraycopy(buffer, start, target, 0, live);
            buffer = target;
            start = 0;
            end = live;
        }
        byte[] into = buffer;
        int at = end;
        int n = run("readLine", () -> channel.read(ByteBuffer.wrap(into, at, into.length - at)));
        if (n <= 0) {
            eof = true;
            return false;
        }
        end += n;
        return true;
    }

    private byte[] take(int n) {
        byte[] out = Arrays.copyOfRange(buffer, start, start + n);
        start += n;
        return out;
    }

    /** A write or truncate after reading ahead: the channel's position is ahead of the reader's; put it back. */
    private void dropReadAhead() throws IOException {
        int ahead = end - start;
        start = end = 0;
        eof = false;
        if (ahead > 0) {
            run("seek", () -> channel.position(channel.position() - ahead));
        }
    }

    private <T> T run(String what, java.util.concurrent.Callable<T> op) throws IOException {
        if (busy != null) {
            throw new IllegalStateException(what + "() called while another task is in " + busy + "() on " + this);
        }
        busy = what;
        try {
            return FileWorkers.call(channel, op);
        } catch (CancelledError e) {
            start = end = 0;
            throw e;
        } finally {
            busy = null;
        }
    }

    private static boolean inTask() {
        try {
            return io.jasyncio.Asyncio.currentTask() != null;
        } catch (IllegalStateException noRunningLoop) {
            return false;
        }
    }

    static int defaultLineLimit() {
        return 1 << 20;
    }

    static Charset defaultCharset() {
        return StandardCharsets.UTF_8;
    }
}
