package io.jasyncio.http;

import io.jasyncio.files.AsyncFile;
import io.jasyncio.files.AsyncFiles;
import io.jasyncio.streams.StreamReader;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Bytes produced a piece at a time (Python's async iterator of {@code bytes}): each {@link #next()} may
 * suspend the calling task, and returns null at the end. A {@link ClientSession} sends a request body from one
 * with chunked transfer coding, asking for the next piece only once the previous one is on its way (so a slow
 * server holds back the source, not memory).
 *
 * <p>Threading: called from one task of the loop.
 */
@FunctionalInterface
public interface ByteSource {
    /**
     * The next piece (not empty), or null at the end.
     *
     * @return the next piece, or null once the source is exhausted
     * @throws IOException if reading the underlying source fails
     */
    byte[] next() throws IOException;

    /**
     * The pieces of {@code reader} until its end (aiohttp accepts a {@code StreamReader} as {@code data}).
     *
     * @param reader the stream to drain
     * @return a source of its pieces
     */
    static ByteSource of(StreamReader reader) {
        return () -> {
            byte[] b = reader.read(64 * 1024);
            return b.length == 0 ? null : b;
        };
    }

    /**
     * One array, once.
     *
     * @param data the bytes, sent as they are
     * @return a source that yields {@code data} once
     */
    static ByteSource of(byte[] data) {
        boolean[] given = {false};
        return () -> {
            if (given[0] || data.length == 0) return null;
            given[0] = true;
            return data;
        };
    }

    /**
     * A file, read in 64 KiB pieces off the loop's thread; the file is closed at its end.
     *
     * @param file the file to send; opened when the first piece is asked for
     * @return a source of the file's pieces
     */
    static ByteSource of(Path file) {
        AsyncFile[] f = {null};
        boolean[] done = {false};
        return () -> {
            if (done[0]) return null;
            if (f[0] == null) f[0] = AsyncFiles.open(file);
            byte[] b = f[0].read(64 * 1024);
            if (b.length == 0) {
                done[0] = true;
                f[0].close();
                return null;
            }
            return b;
        };
    }
}
