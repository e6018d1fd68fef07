package io.jasyncio.examples.vectordb;

import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded, in-process vector database of seed 004 made real: named {@link VectorCollection}s, each with a
 * fixed dimension and metric. This is the synchronous core; {@link VectorClient} is the async API over it
 * (embedded or across the network).
 *
 * <p>Threading: thread-safe.
 */
public final class VectorStore {
    private final Map<String, VectorCollection> collections = new ConcurrentHashMap<>();

    /** Creates an empty collection; fails if the name is taken or the dimension is not positive. */
    public VectorCollection createCollection(String name, int dim, Metric metric) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("a collection needs a non-empty name");
        if (dim < 1) throw new IllegalArgumentException("the dimension of collection '" + name + "' must be at least 1, got " + dim);
        if (metric == null) throw new IllegalArgumentException("collection '" + name + "' needs a metric");
        VectorCollection c = new VectorCollection(name, dim, metric);
        if (collections.putIfAbsent(name, c) != null) {
            throw new IllegalArgumentException("collection '" + name + "' already exists");
        }
        return c;
    }

    /** The collection {@code name}; fails, naming the existing ones, if there is none. */
    public VectorCollection collection(String name) {
        VectorCollection c = collections.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no collection named '" + name + "'; existing collections: "
                    + new TreeSet<>(collections.keySet()) + " (create it first)");
        }
        return c;
    }

    /** Removes the collection {@code name}; false if there was none. */
    public boolean dropCollection(String name) {
        return collections.remove(name) != null;
    }
}
