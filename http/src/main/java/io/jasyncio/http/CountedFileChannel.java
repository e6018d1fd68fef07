package io.jasyncio.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A file channel that counts the bytes taken out of it ({@link #transferTo} for sendfile, positional reads for
 * TLS's chunked fallback), so that a whole file can be handed to one sendfile while the send timeout watches the
 * client's progress: a stalled client shows as a count that stops moving (see {@link ResponseWriter}).
 * Everything else goes straight to the channel it wraps; closing it closes that channel.
 *
 * <p>Threading: as the wrapped channel; the count is written by whichever thread reads (the fallback reads on
 * the default executor) and read on the loop's thread.
 */
final class CountedFileChannel extends FileChannel {
    private final FileChannel file;
    private volatile long taken;

    CountedFileChannel(FileChannel file) {
        this.file = file;
    }

    /** The bytes transferred or read through this channel so far. */
    long taken() {
        return taken;
    }

    private long count(long n) {
        if (n > 0) taken += n; // one reader at a time (a sendfile owns its file): no update is lost
        return n;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return count(file.transferTo(position, count, target));
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return (int) count(file.read(dst, position));
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return (int) count(file.read(dst));
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return count(file.read(dsts, offset, length));
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return file.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return file.write(srcs, offset, length);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        return file.write(src, position);
    }

    @Override
    public long position() throws IOException {
        return file.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        file.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return file.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        file.truncate(size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        file.force(metaData);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        return file.transferFrom(src, position, count);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return file.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return file.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return file.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        file.close();
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
