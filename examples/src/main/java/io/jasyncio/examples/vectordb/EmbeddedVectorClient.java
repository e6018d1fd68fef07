package io.jasyncio.examples.vectordb;

import io.jasyncio.Asyncio;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@link VectorClient} over an in-process {@link VectorStore}.
 *
 * <p>Where the work runs, and why: calls that touch a collection run on the loop's default executor
 * ({@link Asyncio#toThread}), not on the loop thread. A search is a CPU-bound scan (a million 128-d vectors
 * take tens of milliseconds) and would stall every other task if it ran on the loop; a change waits for the
 * collection's write lock, i.e. for any search in progress on another thread, and the loop must never wait
 * for a lock. Off the loop, several searches also use several cores. The price is one thread hop per call
 * (tens of microseconds), which {@link #batchInsert} amortises. {@link #createCollection} only touches a
 * concurrent map and runs inline.
 *
 * <p>Threading: see {@link VectorClient}.
 */
final class EmbeddedVectorClient implements VectorClient {
    private final VectorStore store;
    private boolean closed;

    EmbeddedVectorClient(VectorStore store) {
        this.store = store;
    }

    @Override
    public void createCollection(String name, int dim, Metric metric) {
        checkOpen();
        store.createCollection(name, dim, metric);
    }

    @Override
    public boolean insert(String collection, String id, float[] vector) {
        return offLoop(() -> store.collection(collection).insert(id, vector));
    }

    @Override
    public int batchInsert(String collection, Map<String, float[]> vectors) {
        return offLoop(() -> store.collection(collection).batchInsert(vectors));
    }

    @Override
    public List<Hit> search(String collection, float[] query, int topK) {
        return offLoop(() -> store.collection(collection).search(query, topK));
    }

    @Override
    public boolean delete(String collection, String id) {
        return offLoop(() -> store.collection(collection).delete(id));
    }

    @Override
    public boolean dropCollection(String name) {
        return offLoop(() -> store.dropCollection(name)); // waits for the collection's lock, like a change
    }

    private <T> T offLoop(Callable<T> op) {
        checkOpen();
        return Asyncio.toThread(op);
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("this vector database client is closed; connect a new one");
    }

    @Override
    public void close() {
        closed = true;
    }
}
