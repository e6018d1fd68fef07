package io.jasyncio.examples.vectordb;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded, in-process vector database of seed 004 made real: named {@link VectorCollection}s, each with a
 * fixed dimension and metric. This is the synchronous core; {@link VectorClient} is the async API over it
 * (embedded or across the network).
 *
 * <p>In memory only: nothing is written to disk, and everything is gone when the process ends.
 *
 * <p>Limits, so that no client can make the store take more memory than it was given: a dimension of at most
 * {@link #MAX_DIMENSION}; collection names of 1 to {@link #MAX_NAME_BYTES} and vector ids of at most
 * {@link #MAX_ID_BYTES} UTF-8 bytes; a search asks for at most {@link VectorCollection#MAX_TOP_K} hits; and the
 * whole store holds at most {@link #maxBytes()} bytes of collections, vectors, norms and ids (its budget; a change
 * that would go over it fails and stores nothing; an empty collection counts too, so that creating collections
 * cannot exhaust the memory either). Collections grow geometrically from what they hold, so the memory held
 * stays within about 1.5 times what is stored.
 *
 * <p>Threading: thread-safe.
 */
public final class VectorStore {
    /** The largest dimension a collection may have (a vector of it is 256 KiB). */
    public static final int MAX_DIMENSION = 65_536;
    /** The longest collection name, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 256;
    /** The longest vector id, in UTF-8 bytes. */
    public static final int MAX_ID_BYTES = 1024;
    /** What an empty collection costs beyond its name's characters: its object, lock, map and entry here (≈ 340–380 B measured). */
    static final int COLLECTION_OVERHEAD = 384;

    private final Map<String, VectorCollection> collections = new ConcurrentHashMap<>();
    private final long maxBytes;
    private final AtomicLong reserved = new AtomicLong();

    /** A store whose budget is a quarter of the JVM's maximum heap. */
    public VectorStore() {
        this(Runtime.getRuntime().maxMemory() / 4);
    }

    /** A store that holds at most {@code maxBytes} bytes of collections, vectors, norms and ids. */
    public VectorStore(long maxBytes) {
        if (maxBytes < 1) throw new IllegalArgumentException("a store's budget must be at least 1 byte, got " + maxBytes);
        this.maxBytes = maxBytes;
    }

    /** Creates an empty collection; fails if the name is taken or invalid, or the dimension out of range. */
    public VectorCollection createCollection(String name, int dim, Metric metric) {
        checkName(name);
        if (dim < 1 || dim > MAX_DIMENSION) {
            throw new IllegalArgumentException("the dimension of collection '" + name + "' must be from 1 to "
                    + MAX_DIMENSION + ", got " + dim);
        }
        if (metric == null) throw new IllegalArgumentException("collection '" + name + "' needs a metric");
        if (collections.containsKey(name)) throw new IllegalArgumentException("collection '" + name + "' already exists");
        reserve(collectionBytes(name), "collection '" + name + "'");
        VectorCollection c = new VectorCollection(this, name, dim, metric);
        if (collections.putIfAbsent(name, c) != null) {
            release(collectionBytes(name));
            throw new IllegalArgumentException("collection '" + name + "' already exists");
        }
        return c;
    }

    /**
     * The collection {@code name}; fails if there is none. (The message names only that collection: over the
     * network it goes to any client, which need not learn what else the store holds.)
     */
    public VectorCollection collection(String name) {
        VectorCollection c = name == null ? null : collections.get(name);
        if (c != null) return c;
        checkName(name); // a name that cannot exist is refused without repeating it
        throw new IllegalArgumentException("unknown collection '" + name + "' (create it first)");
    }

    /** Removes the collection {@code name} and frees its share of the budget; false if there was none. */
    public boolean dropCollection(String name) {
        VectorCollection c = name == null ? null : collections.remove(name);
        if (c == null) return false;
        c.drop();
        release(collectionBytes(name));
        return true;
    }

    /** The store's budget: the most bytes of collections, vectors, norms and ids it holds. */
    public long maxBytes() {
        return maxBytes;
    }

    /** The bytes its collections hold now (each collection itself, its arrays' capacity, and its ids). */
    public long reservedBytes() {
        return reserved.get();
    }

    /** Takes {@code bytes} of the budget for {@code what}; fails, taking nothing, if they are not left. */
    void reserve(long bytes, String what) {
        long now;
        do {
            now = reserved.get();
            if (now + bytes > maxBytes) {
                throw new IllegalArgumentException("the store is full: " + what + " needs " + bytes + " more bytes, "
                        + (maxBytes - now) + " of its " + maxBytes + " are left (drop a collection, or give the "
                        + "store a larger budget)");
            }
        } while (!reserved.compareAndSet(now, now + bytes));
    }

    /** Gives back {@code bytes} taken with {@link #reserve}. */
    void release(long bytes) {
        reserved.addAndGet(-bytes);
    }

    private static long collectionBytes(String name) {
        return COLLECTION_OVERHEAD + 2L * name.length();
    }

    static void checkName(String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("a collection needs a non-empty name");
        int n = name.getBytes(StandardCharsets.UTF_8).length;
        if (n > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("a collection name is at most " + MAX_NAME_BYTES + " bytes of UTF-8, got " + n);
        }
    }
}
