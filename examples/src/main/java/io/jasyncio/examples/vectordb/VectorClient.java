package io.jasyncio.examples.vectordb;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The async vector-database API of seed 004 ({@code connect}, {@code create_collection}, {@code insert},
 * {@code batch_insert}, {@code search}, {@code close}), over an embedded {@link VectorStore} or a remote
 * {@link VectorServer}; both behave the same, errors included. The store is in memory only (see
 * {@link VectorStore}). Errors a caller can fix (unknown or duplicate
 * collection, wrong dimension, bad topK) are {@link IllegalArgumentException}s with the same message either way.
 *
 * <p>Threading: every method is a coroutine: call it from a task's code on the loop the client was connected
 * on. Several tasks may use one client at once (the remote client pipelines their requests).
 */
public interface VectorClient extends AutoCloseable {
    /** A client of the in-process {@code store}. */
    static VectorClient connect(VectorStore store) {
        return new EmbeddedVectorClient(store);
    }

    /** The time {@link #connect(String, int)} allows to connect, and then each call to be answered. */
    double DEFAULT_TIMEOUT_SECONDS = 30;

    /** {@link #connect(String, int, double)} with {@link #DEFAULT_TIMEOUT_SECONDS}. */
    static VectorClient connect(String host, int port) throws IOException {
        return connect(host, port, DEFAULT_TIMEOUT_SECONDS);
    }

    /**
     * A client of the {@link VectorServer} at {@code host:port}; suspends until connected. Connecting, and then
     * each call, fails with a {@link io.jasyncio.TimeoutError} naming the server if it takes more than
     * {@code timeoutSeconds}. Connection failures are the JDK's (for instance {@link java.net.ConnectException}
     * when nothing listens there).
     */
    static VectorClient connect(String host, int port, double timeoutSeconds) throws IOException {
        return RemoteVectorClient.open(host, port, timeoutSeconds);
    }

    /** Creates an empty collection of {@code dim}-dimensional vectors compared by {@code metric}. */
    void createCollection(String name, int dim, Metric metric);

    /** Stores {@code vector} under {@code id} (replacing an older one); true if the id was new. */
    boolean insert(String collection, String id, float[] vector);

    /** Stores all of {@code vectors} (none if one is invalid); returns how many. */
    int batchInsert(String collection, Map<String, float[]> vectors);

    /** The {@code topK} closest vectors to {@code query}, closest first. */
    List<Hit> search(String collection, float[] query, int topK);

    /** Removes vector {@code id}; false if there was none. */
    boolean delete(String collection, String id);

    /** Removes collection {@code name} and everything in it; false if there was none. */
    boolean dropCollection(String name);

    /** Releases the client (for a remote one: closes the connection; pending calls fail). */
    @Override
    void close();
}
