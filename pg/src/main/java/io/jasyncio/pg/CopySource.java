package io.jasyncio.pg;

import io.jasyncio.Asyncio;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;

/**
 * What {@link Connection#copyToTable} sends (asyncpg's {@code source=}): chunks of COPY data in the table's text,
 * CSV or binary format, in order; null at the end. Called from the copying task, so it may await.
 *
 * <p>Threading: called on the connection's loop thread, from the task that copies.
 */
@FunctionalInterface
public interface CopySource {
    /**
     * The next chunk, or null when there is no more.
     *
     * @return the chunk, or null at the end
     * @throws java.lang.Exception anything; the COPY is aborted (CopyFail) and nothing is committed
     */
    byte[] next() throws Exception;

    /**
     * The chunks of an Iterable, in order.
     *
     * @param chunks the chunks
     * @return the source
     */
    static CopySource of(Iterable<byte[]> chunks) {
        Iterator<byte[]> it = chunks.iterator();
        return () -> it.hasNext() ? it.next() : null;
    }

    /**
     * A stream read in 64 KiB chunks, each in a worker thread ({@code Asyncio.toThread}); closed at its end.
     *
     * @param in the stream
     * @return the source
     */
    static CopySource of(InputStream in) {
        return () -> Asyncio.toThread(() -> {
            byte[] b = in.readNBytes(64 * 1024);
            if (b.length == 0) {
                in.close();
                return null;
            }
            return b;
        });
    }

    /**
     * A file's bytes, read in 64 KiB chunks in a worker thread.
     *
     * @param file the file
     * @return the source
     */
    static CopySource of(Path file) {
        long[] pos = {0};
        return () -> Asyncio.toThread(() -> {
            try (var ch = Files.newByteChannel(file)) {
                ch.position(pos[0]);
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(64 * 1024);
                int n = ch.read(b);
                if (n <= 0) return null;
                pos[0] += n;
                return Arrays.copyOf(b.array(), n);
            }
        });
    }
}
