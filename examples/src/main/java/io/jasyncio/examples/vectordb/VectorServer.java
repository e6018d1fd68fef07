package io.jasyncio.examples.vectordb;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import io.jasyncio.net.Server;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.StreamWriter;
import io.jasyncio.net.Streams;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * A {@link VectorStore} served over TCP in the {@link Wire} protocol, on jasyncio streams
 * ({@link Streams#startServer}): one task per connection reads a request, answers it through an embedded
 * {@link VectorClient} (so the store's work runs off the loop, as for in-process clients), writes the reply,
 * and repeats, so replies keep the order of the requests.
 *
 * <p>Threading: {@link #start} and {@link #close} are called from a task's code on the loop that serves;
 * closing stops accepting, cancels the connections' tasks and aborts their connections; {@link #waitClosed}
 * then waits until they are closed.
 */
public final class VectorServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.jasyncio.examples.vectordb");
    private final VectorClient store;
    private final Set<Task<?>> connectionTasks = new HashSet<>();
    private final Server server;
    private final int port;

    private VectorServer(VectorStore store, int port) {
        this.store = VectorClient.connect(store);
        this.server = Streams.startServer(this::serve, "127.0.0.1", port);
        this.port = server.getSockets().get(0).socket().getLocalPort();
    }

    /**
     * Serves {@code store} on 127.0.0.1:{@code port} (0: a free port; see {@link #port()}). Fails with the
     * JDK's {@link java.net.BindException} if the port is taken.
     */
    public static VectorServer start(VectorStore store, int port) {
        return new VectorServer(store, port);
    }

    public int port() {
        return port;
    }

    /** One connection's task: request, reply, until the client hangs up or breaks the protocol. */
    private void serve(StreamReader in, StreamWriter out) {
        Task<?> me = Asyncio.currentTask();
        connectionTasks.add(me);
        try {
            ByteBuffer request;
            while ((request = Wire.readFrame(in)) != null) {
                out.write(answer(new Wire.Reader(request)));
                out.drain();
            }
        } catch (CancelledError e) {
            throw e;
        } catch (Exception e) { // I/O errors, a frame cut short, a peer speaking another protocol
            LOG.log(System.Logger.Level.WARNING, "vector database connection dropped: " + e);
        } finally {
            connectionTasks.remove(me);
            out.close();
        }
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

    /** Stops listening, cancels the connections' tasks and aborts their connections (unsent replies are dropped). */
    @Override
    public void close() {
        for (Task<?> t : Set.copyOf(connectionTasks)) t.cancel();
        store.close();
        server.close();
        server.abortClients();
    }

    /** After {@link #close}: waits until every connection has closed. */
    public void waitClosed() {
        server.waitClosed();
    }
}
