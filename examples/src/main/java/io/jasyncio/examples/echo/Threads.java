package io.jasyncio.examples.echo;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Small helpers the blocking servers share. Stateless; any thread. */
final class Threads {
    private Threads() {}

    /** A started platform thread named {@code name}. */
    static Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits for {@code t}; a server's close must not return while its threads still run. */
    static void join(Thread t) {
        if (t == null) return;
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for thread " + t.getName() + " to end", e);
        }
    }

    /** Closes {@code c}; a failure to close is reported, not hidden. */
    static void close(Closeable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + c + " failed", e);
        }
    }
}
