package io.jasyncio.pg;

import io.jasyncio.Asyncio;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where {@link Connection#copyFromQuery} and {@link Connection#copyFromTable} put the data (asyncpg's
 * {@code output=}): called with each chunk in order, from the copying task, so it may await; the server waits
 * while it does.
 *
 * <p>Threading: called on the connection's loop thread, from the task that copies.
 */
@FunctionalInterface
public interface CopySink {
    /**
     * Takes the next chunk; may await (the server waits meanwhile). Throwing aborts the copy.
     *
     * @param chunk the chunk's bytes, valid only during the call
     * @throws Exception anything; the copy fails with it
     */
    void write(ByteBuffer chunk) throws Exception;

    /**
     * Writes to a stream, each chunk in a worker thread ({@code Asyncio.toThread}): the loop never blocks on it.
     *
     * @param out the stream; left open
     * @return the sink
     */
    static CopySink to(OutputStream out) {
        return chunk -> Asyncio.toThread(() -> {
            out.write(chunk.array(), chunk.arrayOffset() + chunk.position(), chunk.remaining());
            return null;
        });
    }

    /**
     * Writes to a new file (replacing one there), each chunk in a worker thread. The file is opened per chunk in
     * append mode, so nothing is left open if the copy fails.
     *
     * @param file the file to create or replace
     * @return the sink
     */
    static CopySink to(Path file) {
        boolean[] first = {true};
        return chunk -> Asyncio.toThread(() -> {
            StandardOpenOption mode = first[0] ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND;
            first[0] = false;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode)) {
                while (chunk.hasRemaining()) ch.write(chunk);
            }
            return null;
        });
    }
}
