package io.jasyncio.files;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import io.jasyncio.streams.LimitOverrunError;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link AsyncFiles} and {@link AsyncFile}: aiofiles for tasks, on both engines (issue 13, item 6). */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang must fail, not wait
class AsyncFilesTest {
    private Path dir;

    @BeforeEach
    void makeDir() throws IOException {
        dir = Files.createTempDirectory("asyncfiles");
    }

    @AfterEach
    void removeDir() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) Files.deleteIfExists(p);
        }
        Files.deleteIfExists(dir);
    }

    private Path fifo(String name) throws Exception {
        Path p = dir.resolve(name);
        assumeTrue(new ProcessBuilder("mkfifo", p.toString()).start().waitFor() == 0, "mkfifo is needed");
        return p;
    }

    /** Waits, bounded, until no file operation runs on a worker. */
    private static void untilNoWorkerIsBusy() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (FileWorkers.running() > 0) {
            if (System.nanoTime() > deadline) fail(FileWorkers.running() + " file operation(s) still running");
            Thread.sleep(5);
        }
    }

    @Test
    void writeThenReadBackEveryWay() throws Exception {
        Path p = dir.resolve("text");
        List<Object> got = Asyncio.run(() -> {
            List<Object> out = new ArrayList<>();
            AsyncFiles.writeString(p, "héllo\r\nworld\nlast");
            out.add(AsyncFiles.readString(p));
            out.add(AsyncFiles.readAllLines(p));
            AsyncFiles.writeString(p, "\nappended", StandardOpenOption.APPEND);
            try (AsyncFile f = AsyncFiles.open(p)) {
                out.add(f.size());
                out.add(new String(f.read(2), StandardCharsets.UTF_8)); // "h" and the first byte of "é"... then rest
                out.add(f.readLine());
                out.add(f.position());
                List<String> rest = new ArrayList<>();
                for (String line : f.lines()) rest.add(line);
                out.add(rest);
                f.seek(7);
                out.add(new String(f.readAll(), StandardCharsets.UTF_8));
                out.add(f.read(10).length); // at the end
            }
            try (AsyncFile f = AsyncFiles.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                f.readLine();
                f.write("W"); // at the reader's position, not at the end of what was read ahead
                f.truncate(9);
                f.force(false);
            }
            out.add(AsyncFiles.readString(p));
            return out;
        });
        assertEquals("héllo\r\nworld\nlast", got.get(0));
        assertEquals(List.of("héllo", "world", "last"), got.get(1));
        assertEquals(27L, got.get(2));
        assertEquals("h\uFFFD", got.get(3)); // two bytes: "h" and half of "é"
        assertEquals("\uFFFDllo", got.get(4)); // the line's rest, from the other half
        assertEquals(8L, got.get(5));
        assertEquals(List.of("world", "last", "appended"), got.get(6));
        assertEquals("\nworld\nlast\nappended", got.get(7));
        assertEquals(0, got.get(8));
        assertEquals("héllo\r\nW", got.get(9));
    }

    @Test
    void whileAFileOperationWaitsTheLoopServesOtherTasks() throws Exception {
        // The FIFO's writer writes only when another task of the loop tells it to: possible only if the loop runs
        // while the read waits (a plain FileInputStream read would hold the loop's thread: BlockingCallsTest).
        Path fifo = fifo("served");
        CompletableFuture<OutputStream> writer = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.newOutputStream(fifo);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String got = Asyncio.run(() -> {
            try (AsyncFile f = AsyncFiles.open(fifo)) {
                Task<Void> other = Asyncio.createTask(() -> {
                    OutputStream out = Asyncio.await(writer);
                    Asyncio.toThread(() -> {
                        out.write("from another task\n".getBytes(StandardCharsets.UTF_8));
                        out.close();
                        return null;
                    });
                    return null;
                });
                String line = f.readLine();
                Asyncio.await(other);
                return line;
            }
        });
        assertEquals("from another task", got);
    }

    @Test
    void cancellingABlockedReadEndsItClosesTheFileAndLeavesNoWorkerBusy() throws Exception {
        Path fifo = fifo("never-written");
        CountDownLatch done = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().daemon().start(() -> { // opens the writing end and never writes
            try (OutputStream out = Files.newOutputStream(fifo)) {
                done.await();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        AsyncFile[] file = new AsyncFile[1];
        Asyncio.run(() -> {
            file[0] = AsyncFiles.open(fifo);
            Task<byte[]> reader = Asyncio.createTask(() -> file[0].read(100));
            while (FileWorkers.running() == 0) Asyncio.sleep(0.001); // the read is under way on a worker
            reader.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(reader));
            return null;
        });
        untilNoWorkerIsBusy();
        assertFalse(file[0].isOpen(), "a cancelled operation under way closes the file");
        done.countDown();
        holder.join(10_000);
    }

    @Test
    void cancellingAnOpenThatWaitsForAFifoClosesTheFileOnceItOpens() throws Exception {
        Path fifo = fifo("nobody-yet");
        Asyncio.run(() -> {
            Task<AsyncFile> opener = Asyncio.createTask(() -> AsyncFiles.open(fifo));
            while (FileWorkers.running() == 0) Asyncio.sleep(0.001);
            opener.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(opener));
            return null;
        });
        // No call can end an open(2) that waits for the other end: the worker waits until it comes, then closes.
        try (OutputStream out = Files.newOutputStream(fifo)) {
            untilNoWorkerIsBusy();
            out.write(1); // the reading end is closed: the JDK says so at some write (EPIPE), or not at all
        } catch (IOException brokenPipe) {
            // expected: the worker closed its end
        }
        untilNoWorkerIsBusy();
    }

    @Test
    void aLineLongerThanTheLimitIsRefusedAndLeftUnread() throws Exception {
        Path p = dir.resolve("long");
        Files.writeString(p, "x".repeat(1000) + "\nshort\n");
        List<Object> got = Asyncio.run(() -> {
            List<Object> out = new ArrayList<>();
            try (AsyncFile f = AsyncFiles.open(p, StandardCharsets.UTF_8, 100)) {
                LimitOverrunError e = assertThrows(LimitOverrunError.class, f::readLine);
                out.add(e.getMessage());
                out.add(f.read(1000).length + f.read(1000).length); // the long line is still there
            }
            return out;
        });
        assertTrue(((String) got.get(0)).contains("longer than 100 bytes"), (String) got.get(0));
        assertEquals(1000 + "\nshort\n".length(), got.get(1));
    }

    @Test
    void oneOperationAtATimePerFile() throws Exception {
        Path fifo = fifo("busy");
        CountDownLatch done = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().daemon().start(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                done.await();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        String msg = Asyncio.run(() -> {
            try (AsyncFile f = AsyncFiles.open(fifo)) {
                Task<byte[]> first = Asyncio.createTask(() -> f.read(10));
                Asyncio.sleep(0);
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.read(10));
                done.countDown(); // the writer closes: the first read ends at EOF
                assertEquals(0, Asyncio.await(first).length);
                return e.getMessage();
            }
        });
        holder.join(10_000);
        assertTrue(msg.contains("read() called while another task is in read()"), msg);
    }

    @Test
    void aCharsetWhoseLineBreakIsNotOneByteIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Asyncio.run(
                () -> AsyncFiles.open(dir.resolve("x"), StandardCharsets.UTF_16)));
        assertTrue(e.getMessage().contains("UTF-16"), e.getMessage());
    }
}
