package io.jasyncio.streams;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.internal.Sneaky;
import io.jasyncio.transport.ReadTransport;
import io.jasyncio.transport.Transport;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * asyncio's {@code StreamReader}: the bytes received on a connection, read with {@link #read}, {@link #readline},
 * {@link #readexactly} and {@link #readuntil}, which suspend the calling task until enough data (or EOF) is
 * there. When more than twice the limit is buffered the transport stops reading, so a peer cannot make the
 * reader hold unbounded memory; it resumes once the buffer is back under the limit.
 *
 * <p>Threading: the loop's thread only; the read methods suspend the calling task, and at most one task may
 * wait for data at a time.
 */
public class StreamReader {
    /** asyncio's {@code _DEFAULT_LIMIT}: 64 KiB. */
    public static final int DEFAULT_LIMIT = 64 * 1024;

    private final int limit;
    private final EventLoop loop;
    /** The buffered bytes are {@code buf[start, end)}. */
    private byte[] buf = new byte[0];
    private int start;
    private int end;
    private boolean eof;
    private Future<Void> waiter;
    private Throwable exception;
    private ReadTransport transport;
    private boolean paused;

    /** A reader of the running loop with the default limit. */
    public StreamReader() {
        this(DEFAULT_LIMIT);
    }

    /**
     * A reader of the running loop (call it on the loop's thread).
     *
     * @param limit bounds the data before a separator (lines) and, doubled, what is buffered before the
     *     transport stops reading
     * @throws IllegalArgumentException if {@code limit <= 0}
     */
    public StreamReader(int limit) {
        this(limit, Asyncio.getRunningLoop());
    }

    /**
     * A reader of {@code loop}.
     *
     * @param limit as in {@link #StreamReader(int)}
     * @param loop the loop the reads run on
     * @throws IllegalArgumentException if {@code limit <= 0}
     */
    public StreamReader(int limit, EventLoop loop) {
        if (limit <= 0) throw new IllegalArgumentException("Limit cannot be <= 0");
        this.limit = limit;
        this.loop = loop;
    }

    /** {@return the limit given at construction} */
    public int limit() {
        return limit;
    }

    private int size() {
        return end - start;
    }

    /** {@return the exception set with {@link #setException}, or null} */
    public Throwable exception() {
        return exception;
    }

    /**
     * Makes every pending and future read fail with {@code exc}.
     *
     * @param exc the error (a connection's, as its protocol's {@code connectionLost} got it)
     */
    public void setException(Throwable exc) {
        exception = exc;
        Future<Void> w = waiter;
        if (w != null) {
            waiter = null;
            if (!w.cancelled()) w.setException(exc);
        }
    }

    private void wakeupWaiter() {
        Future<Void> w = waiter;
        if (w != null) {
            waiter = null;
            if (!w.cancelled()) w.setResult(null);
        }
    }

    /**
     * Sets the transport to pause while too much is buffered and to resume later; may be called once.
     *
     * @param transport the connection's or pipe's reading side
     * @throws IllegalStateException if a transport was set already
     */
    public void setTransport(ReadTransport transport) {
        if (this.transport != null) throw new IllegalStateException("Transport already set");
        this.transport = transport;
    }

    private void maybeResumeTransport() {
        if (paused && size() <= limit) {
            paused = false;
            transport.resumeReading();
        }
    }

    /** Marks the end of the stream: waiting reads return what there is. */
    public void feedEof() {
        eof = true;
        wakeupWaiter();
    }

    /** {@return whether the stream has ended and every byte has been read} */
    public boolean atEof() {
        return eof && size() == 0;
    }

    /**
     * Adds received bytes (a copy of the array) and wakes the waiting read.
     *
     * @param data the bytes received
     * @throws IllegalStateException after {@link #feedEof()}
     */
    public void feedData(byte[] data) {
        feedData(ByteBuffer.wrap(data));
    }

    /**
     * Adds the remaining bytes of {@code data}, consuming them, and wakes the waiting read; pauses the
     * transport once more than twice the limit is buffered.
     *
     * @param data the bytes received, from its position to its limit
     * @throws IllegalStateException after {@link #feedEof()}
     */
    public void feedData(ByteBuffer data) {
        if (eof) throw new IllegalStateException("feed_data after feed_eof");
        int n = data.remaining();
        if (n == 0) return;
        ensureRoom(n);
        data.get(buf, end, n);
        end += n;
        wakeupWaiter();
        if (transport != null && !paused && size() > 2L * limit) {
            try {
                transport.pauseReading();
                paused = true;
            } catch (UnsupportedOperationException e) {
                transport = null; // cannot pause this one: asyncio gives up flow control likewise
            }
        }
    }

    private void ensureRoom(int n) {
        if (buf.length - end >= n) return;
        int live = size();
        if (buf.length - live >= n && start > buf.length / 2) {
            System.arraycopy(buf, start, buf, 0, live);
        } else {
            long want = Math.max((long) live + n, Math.min(2L * buf.length, Integer.MAX_VALUE - 8));
            if (want > Integer.MAX_VALUE - 8) throw new OutOfMemoryError("stream buffer too large: " + want);
            byte[] nb = new byte[(int) Math.max(want, 256)];
            System.arraycopy(buf, start, nb, 0, live);
            buf = nb;
        }
        start = 0;
        end = live;
    }

    private byte[] take(int n) {
        byte[] out = Arrays.copyOfRange(buf, start, start + n);
        start += n;
        if (start == end) start = end = 0;
        return out;
    }

    private void clear() {
        start = end = 0;
        if (buf.length > 4 * limit) buf = new byte[0]; // let a burst's memory go
    }

    /** Waits until data or EOF arrives (asyncio's {@code _wait_for_data}). */
    private void waitForData(String funcName) {
        if (waiter != null) {
            throw new IllegalStateException(funcName + "() called while another coroutine is already waiting for incoming data");
        }
        if (eof) throw new AssertionError("_wait_for_data after EOF");
        // The transport may be paused with a full buffer while the reader still wants more (readexactly(n)
        // with n above the limit): resume it, or we would wait forever.
        if (paused) {
            paused = false;
            transport.resumeReading();
        }
        Future<Void> w = loop.createFuture();
        waiter = w;
        try {
            Asyncio.await(w);
        } finally {
            waiter = null;
        }
    }

    private void throwIfFailed() {
        if (exception != null) throw Sneaky.rethrow(exception);
    }

    /**
     * Reads one line, ending with {@code \n} (included). At EOF returns what is left, possibly nothing. A line
     * longer than the limit throws {@link IllegalArgumentException} (asyncio's ValueError) whose cause is the
     * {@link LimitOverrunError}; the over-long data is discarded (up to and including its separator, if seen).
     *
     * @return the line with its {@code \n}; at EOF the rest without one, or an empty array
     */
    public byte[] readline() {
        byte[] sep = {'\n'};
        try {
            return readuntil(sep);
        } catch (IncompleteReadError e) {
            return e.partial();
        } catch (LimitOverrunError e) {
            if (startsWith(sep, e.consumed())) take(e.consumed() + sep.length);
            else clear();
            maybeResumeTransport();
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private boolean startsWith(byte[] sep, int offset) {
        if (size() - offset < sep.length) return false;
        for (int i = 0; i < sep.length; i++) if (buf[start + offset + i] != sep[i]) return false;
        return true;
    }

    /**
     * {@link #readuntil(List)} with one separator.
     *
     * @param separator the bytes to read up to
     * @return the data up to and including {@code separator}
     */
    public byte[] readuntil(byte[] separator) {
        return readuntil(List.of(separator));
    }

    /**
     * {@link #readuntil(List)} with {@code \n}.
     *
     * @return the data up to and including the {@code \n}
     */
    public byte[] readuntil() {
        return readuntil(new byte[] {'\n'});
    }

    /**
     * Reads until one of {@code separators} is found and returns the data with it; the separator ending
     * earliest wins. At EOF first throws {@link IncompleteReadError} with the rest of the data (consumed). When
     * the data before a separator would exceed the limit throws {@link LimitOverrunError}, leaving the data in
     * the reader.
     *
     * @param separators the separators, each at least one byte
     * @return the data up to and including the separator found
     * @throws IllegalArgumentException if {@code separators} is empty or holds an empty separator
     */
    public byte[] readuntil(List<byte[]> separators) {
        List<byte[]> seps = new ArrayList<>(separators);
        if (seps.isEmpty()) throw new IllegalArgumentException("Separator should contain at least one element");
        seps.sort(Comparator.comparingInt(s -> s.length));
        int minSeplen = seps.get(0).length;
        int maxSeplen = seps.get(seps.size() - 1).length;
        if (minSeplen == 0) throw new IllegalArgumentException("Separator should be at least one-byte string");
        throwIfFailed();
        int offset = 0;
        int matchStart = -1;
        int matchEnd = -1;
        while (true) {
            int buflen = size();
            if (buflen - offset >= minSeplen) {
                for (byte[] sep : seps) {
                    int i = indexOf(sep, offset);
                    if (i != -1) {
                        int e = i + sep.length;
                        if (matchEnd == -1 || e < matchEnd) {
                            matchEnd = e;
                            matchStart = i;
                        }
                    }
                }
                if (matchEnd != -1) break;
                offset = Math.max(0, buflen + 1 - maxSeplen);
                if (offset > limit) {
                    throw new LimitOverrunError("Separator is not found, and chunk exceed the limit", offset);
                }
            }
            if (eof) {
                byte[] chunk = take(size());
                throw new IncompleteReadError(chunk, null);
            }
            waitForData("readuntil");
            throwIfFailed();
        }
        if (matchStart > limit) {
            throw new LimitOverrunError("Separator is found, but chunk is longer than limit", matchStart);
        }
        byte[] chunk = take(matchEnd);
        maybeResumeTransport();
        return chunk;
    }

    private int indexOf(byte[] sep, int from) {
        int last = end - sep.length;
        byte first = sep[0];
        outer:
        for (int i = start + from; i <= last; i++) {
            if (buf[i] != first) continue;
            for (int j = 1; j < sep.length; j++) if (buf[i + j] != sep[j]) continue outer;
            return i - start;
        }
        return -1;
    }

    /**
     * Reads up to {@code n} bytes, waiting for at least one unless at EOF (then returns an empty array). With
     * {@code n < 0}, reads until EOF and returns everything.
     *
     * @param n the most bytes to return, or a negative number for all until EOF
     * @return the bytes read; empty at EOF
     */
    public byte[] read(int n) {
        throwIfFailed();
        if (n == 0) return new byte[0];
        if (n < 0) {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            while (true) {
                byte[] block = read(limit);
                if (block.length == 0) break;
                all.writeBytes(block);
            }
            return all.toByteArray();
        }
        if (size() == 0 && !eof) {
            waitForData("read");
            throwIfFailed();
        }
        byte[] data = take(Math.min(n, size()));
        maybeResumeTransport();
        return data;
    }

    /**
     * {@link #read(int)} with -1.
     *
     * @return everything until EOF
     */
    public byte[] read() {
        return read(-1);
    }

    /**
     * Reads exactly {@code n} bytes; at EOF first throws {@link IncompleteReadError} with what was read.
     *
     * @param n how many bytes to read
     * @return {@code n} bytes
     * @throws IllegalArgumentException if {@code n < 0}
     */
    public byte[] readexactly(int n) {
        if (n < 0) throw new IllegalArgumentException("readexactly size can not be less than zero");
        throwIfFailed();
        if (n == 0) return new byte[0];
        while (size() < n) {
            if (eof) {
                byte[] incomplete = take(size());
                throw new IncompleteReadError(incomplete, n);
            }
            waitForData("readexactly");
            throwIfFailed();
        }
        byte[] data = take(n);
        maybeResumeTransport();
        return data;
    }

    /** A copy of the buffered bytes (asyncio's {@code _buffer}, for tests). */
    byte[] peekBuffer() {
        return Arrays.copyOfRange(buf, start, end);
    }

    /** The waiting read's future, or null (asyncio's {@code _waiter}, for tests). */
    Future<Void> waiter() {
        return waiter;
    }

    /** {@return the size of the internal array, in bytes (for tests of memory bounds)} */
    public int capacity() {
        return buf.length;
    }

    /** {@return how many bytes are buffered (not part of asyncio's API; for monitoring and tests)} */
    public int bufferedSize() {
        return size();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("<StreamReader");
        if (size() > 0) sb.append(' ').append(size()).append(" bytes");
        if (eof) sb.append(" eof");
        if (limit != DEFAULT_LIMIT) sb.append(" limit=").append(limit);
        if (waiter != null) sb.append(" waiter=").append(waiter);
        if (exception != null) sb.append(" exception=").append(exception);
        if (transport != null) sb.append(" transport=").append(transport);
        if (paused) sb.append(" paused");
        return sb.append('>').toString();
    }
}
