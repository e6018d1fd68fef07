package io.jasyncio.examples.vectordb;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.TimeoutError;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.StreamReader;
import io.jasyncio.streams.StreamWriter;
import io.jasyncio.streams.Streams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@link VectorClient} speaking {@link Wire} to a {@link VectorServer} over jasyncio streams. Calls from
 * several tasks are pipelined: each call queues its request frame and a future for its reply; one writer task
 * sends the queued frames in order (write, then drain), one reader task matches replies to futures in the same
 * order.
 *
 * <p>Threading: see {@link VectorClient}; all state is touched on the loop only.
 */
final class RemoteVectorClient implements VectorClient {
    private final EventLoop loop;
    private final StreamReader in;
    private final StreamWriter out;
    private final ArrayDeque<ByteBuffer> outbox = new ArrayDeque<>();
    private final ArrayDeque<Future<ByteBuffer>> awaitingReply = new ArrayDeque<>();
    private Future<Void> outboxNotEmpty;
    private final Task<Void> writer;
    private final Task<Void> reader;
    private RuntimeException broken; // why the connection is unusable, once it is
    private boolean closed;
    private final String server;
    private final double timeout;

    private RemoteVectorClient(StreamPair streams, String server, double timeout) {
        this.loop = Asyncio.getRunningLoop();
        this.server = server;
        this.timeout = timeout;
        this.in = streams.reader();
        this.out = streams.writer();
        writer = loop.createTask(this::writeLoop, "vectordb-client-writer");
        reader = loop.createTask(this::readLoop, "vectordb-client-reader");
    }

    /**
     * Connects within {@code timeout} seconds (else a {@link TimeoutError}); a refused connection is the JDK's
     * {@link java.net.ConnectException}.
     */
    static RemoteVectorClient open(String host, int port, double timeout) {
        if (!(timeout > 0)) throw new IllegalArgumentException("the timeout must be a positive number of seconds, got " + timeout);
        String server = host + ":" + port;
        StreamPair streams;
        try {
            streams = Asyncio.waitFor(() -> Streams.openConnection(host, port), timeout);
        } catch (TimeoutError e) {
            throw new TimeoutError("could not connect to the vector database at " + server + " within "
                    + seconds(timeout), e);
        }
        return new RemoteVectorClient(streams, server, timeout);
    }

    private static String seconds(double s) {
        return java.math.BigDecimal.valueOf(s).stripTrailingZeros().toPlainString() + " s";
    }

    @Override
    public void createCollection(String name, int dim, Metric metric) {
        call(new Wire.Writer().i8(Wire.CREATE).str(name).i32(dim).i8(metric.ordinal()), r -> null);
    }

    @Override
    public boolean insert(String collection, String id, float[] vector) {
        return call(new Wire.Writer().i8(Wire.INSERT).str(collection).str(id).vec(vector), r -> r.i8() == 1);
    }

    @Override
    public int batchInsert(String collection, Map<String, float[]> vectors) {
        Wire.Writer w = new Wire.Writer().i8(Wire.BATCH).str(collection).i32(vectors.size());
        vectors.forEach((id, v) -> w.str(id).vec(v));
        return call(w, Wire.Reader::i32);
    }

    @Override
    public List<Hit> search(String collection, float[] query, int topK) {
        return call(new Wire.Writer().i8(Wire.SEARCH).str(collection).vec(query).i32(topK), Wire.Reader::hits);
    }

    @Override
    public boolean delete(String collection, String id) {
        return call(new Wire.Writer().i8(Wire.DELETE).str(collection).str(id), r -> r.i8() == 1);
    }

    @Override
    public boolean dropCollection(String name) {
        return call(new Wire.Writer().i8(Wire.DROP).str(name), r -> r.i8() == 1);
    }

    /**
     * Queues the request, waits for its reply (at most the timeout: then the reply, if it ever comes, is
     * dropped), and decodes it (or rethrows the server's error).
     */
    private <T> T call(Wire.Writer request, Function<Wire.Reader, T> decode) {
        if (closed) throw new IllegalStateException("this vector database client is closed; connect a new one");
        if (broken != null) throw broken;
        Future<ByteBuffer> reply = loop.createFuture();
        awaitingReply.add(reply);
        outbox.add(request.finish());
        if (outboxNotEmpty != null && !outboxNotEmpty.done()) outboxNotEmpty.setResult(null);
        ByteBuffer body;
        try {
            body = Asyncio.waitFor(reply, timeout);
        } catch (TimeoutError e) {
            throw new TimeoutError("no reply from the vector database at " + server + " within " + seconds(timeout), e);
        }
        Wire.Reader r = new Wire.Reader(body);
        int status = r.i8();
        return switch (status) {
            case Wire.OK -> decode.apply(r);
            case Wire.BAD_REQUEST -> throw new IllegalArgumentException(r.str());
            case Wire.SERVER_ERROR -> throw new IllegalStateException("the vector database server failed: " + r.str());
            default -> throw new Wire.ProtocolException("unknown reply status " + status);
        };
    }

    private Void writeLoop() {
        try {
            while (true) {
                while (outbox.isEmpty()) {
                    outboxNotEmpty = loop.createFuture();
                    Asyncio.await(outboxNotEmpty);
                }
                out.write(outbox.poll());
                out.drain();
            }
        } catch (CancelledError e) {
            throw e;
        } catch (Exception e) { // drain's "Connection lost", a write error
            fail(e); // the callers get the error: they are the ones who can act on it
            return null;
        }
    }

    private Void readLoop() {
        try {
            while (true) {
                ByteBuffer body = Wire.readFrame(in);
                if (body == null) throw new IOException("the vector database server closed the connection");
                Future<ByteBuffer> reply = awaitingReply.poll();
                if (reply == null) throw new Wire.ProtocolException("a reply arrived for no request");
                if (!reply.done()) reply.setResult(body); // done: its caller was cancelled
            }
        } catch (CancelledError e) {
            throw e;
        } catch (Exception e) { // the reader's I/O errors, end of stream, a malformed reply
            fail(e); // the callers get the error: they are the ones who can act on it
            return null;
        }
    }

    /** Marks the connection broken and fails every call still waiting. */
    private void fail(Exception cause) {
        if (broken != null) return;
        broken = switch (cause) {
            case RuntimeException re -> re;
            case IOException io -> new UncheckedIOException("the connection to the vector database is lost: " + io, io);
            default -> new IllegalStateException("the connection to the vector database is lost: " + cause, cause);
        };
        for (Future<ByteBuffer> f : awaitingReply) {
            if (!f.done()) f.setException(broken);
        }
        awaitingReply.clear();
        loop.callSoon(() -> {
            writer.cancel();
            reader.cancel();
        });
    }

    @Override
    public void close() {
        closed = true;
        if (broken == null) fail(new IllegalStateException("this vector database client is closed; connect a new one"));
        writer.cancel();
        reader.cancel();
        out.close();
    }
}
