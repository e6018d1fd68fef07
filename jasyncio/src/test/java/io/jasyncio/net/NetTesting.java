package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Runner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Helpers shared by the networking tests. */
final class NetTesting {
    private NetTesting() {}

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Runs {@code main} on a fresh real-time loop and returns the exception-handler contexts it reported. */
    static List<ExceptionContext> runCollectingErrors(Coroutine<?> main) {
        List<ExceptionContext> messages = new ArrayList<>();
        try (Runner r = Runner.builder().build()) {
            r.run(() -> {
                Asyncio.getRunningLoop().setExceptionHandler((loop, ctx) -> messages.add(ctx));
                return main.call();
            });
        }
        return messages;
    }

    /** Runs {@code main} on a loop with a virtual clock (for tests without sockets). */
    static <T> T runVirtual(Coroutine<T> main) {
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            return r.run(main);
        }
    }

    /** Open file descriptors of this process. */
    static long openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh path for a Unix socket in a new temporary directory. */
    static Path tempSocketPath() {
        try {
            return Files.createTempDirectory("jasyncio-net").resolve("s.sock");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteSocketPath(Path p) {
        try {
            Files.deleteIfExists(p);
            Files.deleteIfExists(p.getParent());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
