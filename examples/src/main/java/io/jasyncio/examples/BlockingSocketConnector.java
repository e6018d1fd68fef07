package io.jasyncio.examples;

import io.jasyncio.Asyncio;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link EchoConnector} on blocking {@link java.net.Socket}s: each blocking call runs on a thread of an
 * unbounded pool through the loop's {@code runInExecutor}, so the calling task suspends while the loop goes on
 * (asyncio's {@code to_thread}, but not on the bounded default pool, so that a hundred clients waiting for
 * echoes do not queue behind each other). The threads are platform threads on purpose: a virtual thread
 * started from a task of the {@code vthread} engine inherits the loop's scheduler, and so would the JDK's
 * socket pollers it starts, which then stall once that loop is gone.
 *
 * <p>Threading: see {@link EchoConnector}. {@link #close} waits until every blocking call has ended; close
 * the connections first.
 */
public final class BlockingSocketConnector implements EchoConnector, AutoCloseable {
    private final List<Thread> started = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger n = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "echo-client-io-" + n.incrementAndGet());
            t.setDaemon(true);
            started.add(t);
            return t;
        }
    });

    @Override
    public Connection connect(String host, int port) {
        Socket socket = blocking(() -> new Socket(host, port));
        return new Connection() {
            @Override
            public void send(byte[] bytes) {
                blocking(() -> {
                    socket.getOutputStream().write(bytes);
                    return null;
                });
            }

            @Override
            public byte[] receive(int n) {
                return blocking(() -> {
                    byte[] got = socket.getInputStream().readNBytes(n);
                    if (got.length < n) {
                        throw new EOFException("the server closed the connection after " + got.length + " of the "
                                + n + " bytes expected");
                    }
                    return got;
                });
            }

            @Override
            public void close() {
                try {
                    socket.close(); // also ends a receive() blocked in another task
                } catch (IOException e) {
                    throw new UncheckedIOException("closing " + socket + " failed", e);
                }
            }
        };
    }

    private <T> T blocking(Callable<T> call) {
        return Asyncio.await(Asyncio.getRunningLoop().runInExecutor(threads, call));
    }

    @Override
    public void close() {
        threads.close(); // waits until the pool has terminated...
        for (Thread t : started) {
            try {
                t.join(); // ...and its threads have finished exiting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + t.getName() + " to end", e);
            }
        }
    }
}
