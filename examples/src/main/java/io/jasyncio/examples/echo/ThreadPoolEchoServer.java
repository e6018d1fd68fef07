package io.jasyncio.examples.echo;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Seed 002, section 3: a bounded pool of threads (the seed's {@code ThreadPoolExecutor(max_workers=10)}).
 * At most {@code poolSize} clients are served at once; the others wait in the queue until a worker is free,
 * so one slow client can still hold a worker for as long as it likes. Threading: see {@link EchoServer}.
 */
public final class ThreadPoolEchoServer implements EchoServer {
    private final int poolSize;
    private final ClientRegistry<Socket> clients = new ClientRegistry<>();
    private final List<Thread> workers = new CopyOnWriteArrayList<>();
    private ExecutorService pool;
    private ServerSocket listener;
    private Thread acceptor;

    /** A server whose pool has {@code poolSize} worker threads. */
    public ThreadPoolEchoServer(int poolSize) {
        if (poolSize < 1) throw new IllegalArgumentException("poolSize must be at least 1, got " + poolSize);
        this.poolSize = poolSize;
    }

    /** A server with the seed's 10 workers. */
    public ThreadPoolEchoServer() {
        this(10);
    }

    @Override
    public synchronized int start(int port) throws IOException {
        if (listener != null) throw new IllegalStateException("this server was already started");
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(poolSize, r -> {
            Thread t = new Thread(r, "echo-pool-" + n.incrementAndGet());
            t.setDaemon(true);
            workers.add(t);
            return t;
        });
        listener = BlockingEcho.listen(port);
        ServerSocket l = listener;
        acceptor = Threads.start("echo-pool-accept", () -> serve(l));
        return l.getLocalPort();
    }

    private void serve(ServerSocket l) {
        while (true) {
            Socket client;
            try {
                client = l.accept();
            } catch (IOException e) {
                return; // the listener was closed by close()
            }
            if (!clients.add(client)) return;
            pool.execute(() -> {
                BlockingEcho.handleClient(client);
                clients.remove(client);
            });
        }
    }

    @Override
    public void close() {
        Thread a;
        synchronized (this) {
            if (listener == null) return;
            Threads.close(listener);
            a = acceptor;
        }
        Threads.join(a);
        pool.shutdown();   // queued clients still get a worker, which finds their socket closed below
        clients.closeAll();
        try {
            if (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
                throw new IllegalStateException("echo pool threads did not end within a minute of close()");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while closing the echo pool", e);
        }
        workers.forEach(Threads::join); // a terminated pool's threads may still be finishing their exit
    }
}
