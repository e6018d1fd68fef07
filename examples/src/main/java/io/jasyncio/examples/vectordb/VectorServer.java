package io.jasyncio.examples.vectordb;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.examples.net.AsyncServerSocket;
import io.jasyncio.examples.net.AsyncSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.util.HashSet;
import java.util.Set;

/**
 * A {@link VectorStore} served over TCP in the {@link Wire} protocol, on a jasyncio loop: one task accepts
 * connections, one task per connection reads a request, answers it through an embedded
 * {@link VectorClient} (so the store's work runs off the loop, as for in-process clients), writes the reply,
 * and repeats, so replies keep the order of the requests.
 *
 * <p>Threading: {@link #start} and {@link #close} are called from a task's code on the loop that serves;
 * closing stops accepting, disconnects every client and cancels their tasks.
 */
public final class VectorServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.jasyncio.examples.vectordb");
    private final AsyncServerSocket listener;
    private final VectorClient store;
    private final Set<AsyncSocket> connections = new HashSet<>();
    private final Set<Task<Void>> tasks = new HashSet<>();
    private final EventLoop loop;

    private VectorServer(AsyncServerSocket listener, VectorStore store) {
        this.listener = listener;
        this.store = VectorClient.connect(store);
        this.loop = Asyncio.getRunningLoop();
        track(loop.createTask(this::acceptLoop, "vectordb-server-accept"));
    }

    /** Serves {@code store} on 127.0.0.1:{@code port} (0: a free port; see {@link #port()}). */
    public static VectorServer start(VectorStore store, int port) throws IOException {
        return new VectorServer(AsyncServerSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)),
                store);
    }

    public int port() {
        return listener.port();
    }

    private Void acceptLoop() throws IOException {
        while (true) {
            AsyncSocket client;
            try {
                client = listener.accept();
            } catch (AsynchronousCloseException e) {
                return null; // close() closed the listener
            }
            connections.add(client);
            track(loop.createTask(() -> serve(client), "vectordb-server-connection"));
        }
    }

    private void track(Task<Void> t) {
        tasks.add(t);
        t.addDoneCallback(f -> tasks.remove(t));
    }

    private Void serve(AsyncSocket client) throws IOException {
        try (client) {
            ByteBuffer request;
            while ((request = Wire.readFrame(client)) != null) {
                client.writeAll(answer(new Wire.Reader(request)));
            }
        } catch (CancelledError e) {
            throw e;
        } catch (IOException | Wire.ProtocolException e) {
            LOG.log(System.Logger.Level.WARNING, "vector database connection dropped: " + e);
        } finally {
            connections.remove(client);
        }
        return null;
    }

    /** Runs one request; a caller's mistake becomes a BAD_REQUEST reply, anything else a SERVER_ERROR one. */
    private ByteBuffer answer(Wire.Reader r) {
        Wire.Writer ok = new Wire.Writer().i8(Wire.OK);
        try {
            int op = r.i8();
            switch (op) {
                case Wire.CREATE -> store.createCollection(r.str(), r.i32(), metric(r.i8()));
                case Wire.INSERT -> ok.i8(store.insert(r.str(), r.str(), r.vec()) ? 1 : 0);
                case Wire.BATCH -> ok.i32(store.batchInsert(r.str(), r.batch()));
                case Wire.SEARCH -> {
                    var hits = store.search(r.str(), r.vec(), r.i32());
                    ok.i32(hits.size());
                    for (Hit h : hits) ok.str(h.id()).f64(h.score());
                }
                case Wire.DELETE -> ok.i8(store.delete(r.str(), r.str()) ? 1 : 0);
                default -> throw new Wire.ProtocolException("unknown operation " + op);
            }
            return ok.finish();
        } catch (IllegalArgumentException | Wire.ProtocolException e) {
            return new Wire.Writer().i8(Wire.BAD_REQUEST).str(e.getMessage()).finish();
        } catch (CancelledError e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "a vector database request failed", e);
            return new Wire.Writer().i8(Wire.SERVER_ERROR).str(e.toString()).finish();
        }
    }

    private static Metric metric(int ordinal) {
        Metric[] all = Metric.values();
        if (ordinal < 0 || ordinal >= all.length) throw new Wire.ProtocolException("unknown metric " + ordinal);
        return all[ordinal];
    }

    /** Stops listening, closes every connection and cancels the server's tasks. */
    @Override
    public void close() {
        for (Task<Void> t : Set.copyOf(tasks)) t.cancel(); // first, so that no task wakes up to a closed socket
        store.close();
        try {
            listener.close();
            for (AsyncSocket c : Set.copyOf(connections)) c.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the vector database server failed", e);
        }
    }
}
