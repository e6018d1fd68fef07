package io.jasyncio.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Files for tasks, in aiofiles' spirit: every call suspends the calling task while a worker thread does the
 * blocking part (see {@link AsyncFile}), so the loop goes on serving others. A blocking {@code java.io} or
 * {@code java.nio.file} call made by task code would instead hold the loop's thread, whatever the engine
 * (docs/ENGINES.md, "Which calls park").
 *
 * <pre>{@code
 * try (AsyncFile f = AsyncFiles.open(path)) {           // async with aiofiles.open(path) as f:
 *     for (String line : f.lines()) handle(line);       //     async for line in f: ...
 * }
 * String text = AsyncFiles.readString(path);            // await (await aiofiles.open(path)).read()
 * }</pre>
 *
 * <p>Threading: call from task code (these are coroutines); an {@link AsyncFile} belongs to the loop whose task
 * opened it.
 */
public final class AsyncFiles {
    private AsyncFiles() {}

    /**
     * Opens {@code path} for reading (no options), or as {@code options} say, with UTF-8 for text.
     *
     * @param path the file
     * @param options how to open it (none: READ)
     * @return the open file
     * @throws IOException if it cannot be opened
     */
    public static AsyncFile open(Path path, OpenOption... options) throws IOException {
        return open(path, StandardCharsets.UTF_8, options);
    }

    /**
     * Opens {@code path} as {@code options} say (as {@code FileChannel.open}: none means READ), with
     * {@code charset} for {@link AsyncFile#readLine} and text writes. Opening a FIFO waits for its other end; a
     * cancellation cannot end that wait (no call can), so the worker stays until it ends, then closes the file.
     *
     * @param path the file
     * @param charset the text encoding
     * @param options how to open it (none: READ)
     * @return the open file
     * @throws IOException if it cannot be opened
     */
    public static AsyncFile open(Path path, Charset charset, OpenOption... options) throws IOException {
        return open(path, charset, AsyncFile.defaultLineLimit(), options);
    }

    /**
     * {@link #open(Path, Charset, OpenOption...)} with the longest line {@link AsyncFile#readLine} accepts.
     *
     * @param path the file
     * @param charset the text encoding
     * @param lineLimit the longest line, in bytes, that {@code readLine} accepts
     * @param options how to open it (none: READ)
     * @return the open file
     * @throws IOException if it cannot be opened
     */
    public static AsyncFile open(Path path, Charset charset, int lineLimit, OpenOption... options) throws IOException {
        if (!Arrays.equals("\n".getBytes(charset), new byte[] {'\n'})) {
            throw new IllegalArgumentException(charset + " does not encode a line break as the byte 0x0A; "
                    + "read such a file with readAll() and decode it whole");
        }
        if (lineLimit <= 0) throw new IllegalArgumentException("lineLimit must be > 0, not " + lineLimit);
        Set<OpenOption> opts = new HashSet<>(Arrays.asList(options));
        AtomicReference<FileChannel> opened = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean abandoned = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            FileChannel ch = FileWorkers.call(null, () -> {
                FileChannel c = FileChannel.open(path, opts);
                opened.set(c);
                if (abandoned.get()) c.close(); // the task was cancelled while this waited (a FIFO)
                return c;
            });
            return new AsyncFile(ch, path.toString(), charset, lineLimit);
        } catch (io.jasyncio.CancelledError e) {
            abandoned.set(true);
            FileChannel c = opened.get();
            if (c != null) c.close();
            throw e;
        }
    }

    /**
     * The whole file ({@code Files.readAllBytes}).
     *
     * @param path the file
     * @return its bytes
     * @throws IOException if it cannot be read
     */
    public static byte[] readAllBytes(Path path) throws IOException {
        try (AsyncFile f = open(path)) {
            return f.readAll();
        }
    }

    /**
     * The whole file as UTF-8 text ({@code Files.readString}).
     *
     * @param path the file
     * @return its text
     * @throws IOException if it cannot be read or is not valid UTF-8
     */
    public static String readString(Path path) throws IOException {
        return readString(path, StandardCharsets.UTF_8);
    }

    /**
     * The whole file as text in {@code charset}.
     *
     * @param path the file
     * @param charset the text encoding
     * @return its text
     * @throws IOException if it cannot be read or is not valid in {@code charset}
     */
    public static String readString(Path path, Charset charset) throws IOException {
        return new String(readAllBytes(path), charset);
    }

    /**
     * Every line of the UTF-8 file ({@code Files.readAllLines}), each without its line break.
     *
     * @param path the file
     * @return its lines
     * @throws IOException if it cannot be read or is not valid UTF-8
     */
    public static List<String> readAllLines(Path path) throws IOException {
        return readAllLines(path, StandardCharsets.UTF_8);
    }

    /**
     * Every line of the file in {@code charset}.
     *
     * @param path the file
     * @param charset the text encoding
     * @return its lines
     * @throws IOException if it cannot be read or is not valid in {@code charset}
     */
    public static List<String> readAllLines(Path path, Charset charset) throws IOException {
        List<String> lines = new ArrayList<>();
        try (AsyncFile f = open(path, charset)) {
            for (String line : f.lines()) lines.add(line);
        }
        return lines;
    }

    /**
     * Writes {@code data} to {@code path} ({@code Files.write}): by default the file is created or truncated
     * (CREATE, TRUNCATE_EXISTING, WRITE); {@code options} replace those, as in {@code Files.write}.
     *
     * @param path the file
     * @param data the bytes to write
     * @param options how to open it
     * @throws IOException if it cannot be written
     */
    public static void write(Path path, byte[] data, OpenOption... options) throws IOException {
        OpenOption[] opts = options.length > 0 ? withWrite(options)
                : new OpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE};
        try (AsyncFile f = open(path, opts)) {
            f.write(data);
        }
    }

    /**
     * Writes {@code text} as UTF-8 ({@code Files.writeString}); options as {@link #write}.
     *
     * @param path the file
     * @param text the text to write
     * @param options how to open it
     * @throws IOException if it cannot be written
     */
    public static void writeString(Path path, CharSequence text, OpenOption... options) throws IOException {
        write(path, text.toString().getBytes(StandardCharsets.UTF_8), options);
    }

    /**
     * Writes {@code text} in {@code charset}; options as {@link #write}.
     *
     * @param path the file
     * @param text the text to write
     * @param charset the text encoding
     * @param options how to open it
     * @throws IOException if it cannot be written
     */
    public static void writeString(Path path, CharSequence text, Charset charset, OpenOption... options) throws IOException {
        write(path, text.toString().getBytes(charset), options);
    }

    private static OpenOption[] withWrite(OpenOption[] options) {
        Set<OpenOption> s = new HashSet<>(Arrays.asList(options));
        s.add(StandardOpenOption.WRITE);
        return s.toArray(new OpenOption[0]);
    }
}
