package io.jasyncio.examples.echo;

import java.io.Closeable;
import java.util.HashSet;
import java.util.Set;

/**
 * The open client sockets of a blocking server, so that {@link #closeAll} can unblock the threads reading
 * them. Once closed, it refuses (and closes) new sockets. Thread-safe.
 */
final class ClientRegistry<C extends Closeable> {
    private final Set<C> open = new HashSet<>();
    private boolean closed;

    /** Remembers {@code c}; false (and {@code c} is closed) if the registry is already closed. */
    synchronized boolean add(C c) {
        if (closed) {
            Threads.close(c);
            return false;
        }
        return open.add(c);
    }

    synchronized void remove(C c) {
        open.remove(c);
    }

    synchronized void closeAll() {
        closed = true;
        for (C c : open) Threads.close(c);
        open.clear();
    }
}
