package io.jasyncio.examples.echo;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 002, section 3: one OS thread per client. Clients are served at once (≈ 1 s for the seed's three), but
 * every connection costs a thread and its stack, so many clients (or an attacker) exhaust the machine.
 * Threading: see {@link EchoServer}.
 */
public final class ThreadPerClientEchoServer implements EchoServer {
    private final ClientRegistry<Socket> clients = new ClientRegistry<>();
    private final List<Thread> handlers = new ArrayList<>();
    private ServerSocket listener;
    private Thread acceptor;
    private int served;

    @Override
    public synchronized int start(int port) throws IOException {
        if (listener != null) throw new IllegalStateException("this server was already started");
        listener = BlockingEcho.listen(port);
        ServerSocket l = listener;
        acceptor = Threads.start("echo-thread-accept", () -> serve(l));
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
            synchronized (this) {
                handlers.removeIf(t -> !t.isAlive());
                handlers.add(Threads.start("echo-thread-" + ++served, () -> {
                    BlockingEcho.handleClient(client);
                    clients.remove(client);
                }));
            }
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
        Threads.join(a); // no new handler threads after this
        clients.closeAll();
        List<Thread> copy;
        synchronized (this) {
            copy = new ArrayList<>(handlers);
        }
        copy.forEach(Threads::join);
    }
}
