package io.jasyncio.examples.vectordb;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Task;
import io.jasyncio.streams.StreamReader;
import io.jasyncio.streams.StreamWriter;
import io.jasyncio.streams.Streams;
import io.jasyncio.transport.Server;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * A {@link VectorStore} (in memory only) served over TCP in the {@link Wire} protocol, on jasyncio streams
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
    /** The largest request (or reply) a connection carries, in bytes. */
    public static final int MAX_FRAME_BYTES = Wire.MAX_FRAME;
    /**
     * How long a request may take to arrive, from its first byte to its last (a peer that stalls or trickles is
     * then answered with a bad request and hung up on); between requests a connection may stay idle.
     */
    public static final double FRAME_TIMEOUT_SECONDS = 30;
    private final VectorClient store;
    private final Set<Task<?>> connectionTasks = new HashSet<>();
    private final Server server;
    private final int port;

    private VectorServer(VectorStore store, int port) throws IOException {
        this.store = VectorClient.connect(store);
        this.server = Streams.startServer(this::serve, "127.0.0.1", port);
        this.port = server.getSockets().get(0).socket().getLocalPort();
    }

    /**
     * Serves {@code store} on 127.0.0.1:{@code port} (0: a free port; see {@link #port()}). Fails with the
     * JDK's {@link java.net.BindException} if the port is taken.
     */
    public static VectorServer start(VectorStore store, int port) throws IOException {
        return new VectorServer(store, port);
    }

    public int port() {
        return port;
    }

    /**
     * One connection's task: request, reply, until the client hangs up or breaks the protocol. A client going
     * away (a reset, a frame cut short) is its own business: one DEBUG line, as asyncio treats a peer's reset.
     */
    private void serve(StreamReader in, StreamWriter out) {
        Task<?> me = Asyncio.currentTask();
        connectionTasks.add(me);
        try {
            while (true) {
                ByteBuffer request;
                try {
                    request = Wire.readFrame(in, FRAME_TIMEOUT_SECONDS);
                } catch (Wire.ProtocolException refused) { // too large, or too slow: say why, hang up
                    out.write(new Wire.Writer().i8(Wire.BAD_REQUEST).str(refused.getMessage()).finish());
                    out.drain();
                    LOG.log(System.Logger.Level.DEBUG, () -> "vector database client " + peer(out) + " hung up on: "
                            + refused.getMessage());
                    return;
                }
                if (request == null) return;
                out.write(answer(new Wire.Reader(request)));
                out.drain();
            }
        } catch (CancelledError e) {
            throw e;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "vector database client " + peer(out) + " gone: " + e);
        } finally {
            connectionTasks.remove(me);
            out.close();
        }
    }

    private static Object peer(StreamWriter out) {
        return out.getExtraInfo("peername");
    }

    /** Runs one request; a caller's mistake becomes a BAD_REQUEST reply, anything else a SERVER_ERROR one. */
    private ByteBuffer answer(Wire.Reader r) {
        Wire.Writer ok = new Wire.Writer().i8(Wire.OK);
        try {
            int op = r.i8();
            switch (op) {
                case Wire.CREATE -> {
                    String name = r.str();
                    int dim = r.i32();
                    Metric metric = metric(r.i8());
                    r.expectEnd();
                    store.createCollection(name, dim, metric);
                }
                case Wire.INSERT -> {
                    String coll = r.str(), id = r.str();
                    float[] v = r.vec();
                    r.expectEnd();
                    ok.i8(store.insert(coll, id, v) ? 1 : 0);
                }
                case Wire.BATCH -> {
                    String coll = r.str();
                    var batch = r.batch();
                    r.expectEnd();
                    ok.i32(store.batchInsert(coll, batch));
                }
                case Wire.SEARCH -> {
                    String coll = r.str();
                    float[] q = r.vec();
                    int topK = r.i32();
                    r.expectEnd();
                    var hits = store.search(coll, q, topK);
                    ok.i32(hits.size());
                    for (Hit h : hits) ok.str(h.id()).f64(h.score());
                }
                case Wire.DELETE -> {
                    String coll = r.str(), id = r.str();
                    r.expectEnd();
                    ok.i8(store.delete(coll, id) ? 1 : 0);
                }
                case Wire.DROP -> {
                    String coll = r.str();
                    r.expectEnd();
                    ok.i8(store.dropCollection(coll) ? 1 : 0);
                }
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
