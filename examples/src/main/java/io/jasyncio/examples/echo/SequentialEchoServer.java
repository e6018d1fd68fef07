package io.jasyncio.examples.echo;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Seed 002, section 2: the blocking echo server. One thread accepts a client and echoes to it until it
 * disconnects; only then does it accept the next one, so clients are served strictly one after another
 * (the seed's three clients take ≈ 3 s in all). Threading: see {@link EchoServer}.
 */
public final class SequentialEchoServer implements EchoServer {
    private final ClientRegistry<Socket> clients = new ClientRegistry<>();
    private ServerSocket listener;
    private Thread acceptor;

    @Override
    public synchronized int start(int port) throws IOException {
        if (listener != null) throw new IllegalStateException("this server was already started");
        listener = BlockingEcho.listen(port);
        ServerSocket l = listener;
        acceptor = Threads.start("echo-sequential", () -> serve(l));
        return l.getLocalPort();
    }

    private void serve(ServerSocket l) {
        while (!l.isClosed()) {
            Socket client;
            try {
                client = l.accept();
            } catch (IOException e) {
                return; // the listener was closed by close()
            }
            if (!clients.add(client)) return;
            BlockingEcho.handleClient(client); // nobody else is served meanwhile
            clients.remove(client);
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (listener == null) return;
            Threads.close(listener);
            t = acceptor;
        }
        clients.closeAll();
        Threads.join(t);
    }
}
