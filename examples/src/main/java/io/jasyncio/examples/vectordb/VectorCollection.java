package io.jasyncio.examples.vectordb;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One collection of the embedded store: vectors of a fixed dimension, stored row after row in one flat
 * {@code float[]} (no object per vector, no boxing), with their ids and, for cosine, their norms. Search is an
 * exact scan with a bounded heap ({@link TopK}); delete moves the last row into the hole. The arrays grow by
 * half when full, starting from room for {@link #INITIAL_BYTES} bytes of rows (at least one row), so what is
 * reserved follows what is stored; every byte is taken from the store's budget before it is allocated.
 *
 * <p>Threading: thread-safe. Searches share a read lock (several run in parallel); changes take the write lock.
 */
public final class VectorCollection {
    /** The most hits one search returns. */
    public static final int MAX_TOP_K = 10_000;
    /** The first arrays hold this many bytes of rows, or one row if a row is larger. */
    static final int INITIAL_BYTES = 4096;
    /** What an id costs beyond its characters: the String, its array, the map entry, the boxed row number. */
    private static final int ID_OVERHEAD = 96;

    private final VectorStore store;
    private final String name;
    private final int dim;
    private final Metric metric;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Integer> rowOf = new HashMap<>();
    private float[] data = new float[0];
    private double[] norms = new double[0];
    private String[] ids = new String[0];
    private int size;
    /** The budget taken for the ids stored. */
    private long idBytes;
    private boolean dropped;

    VectorCollection(VectorStore store, String name, int dim, Metric metric) {
        this.store = store;
        this.name = name;
        this.dim = dim;
        this.metric = metric;
    }

    public String name() {
        return name;
    }

    public int dimension() {
        return dim;
    }

    public Metric metric() {
        return metric;
    }

    /** How many vectors the collection holds. */
    public int size() {
        lock.readLock().lock();
        try {
            return size;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The bytes of the store's budget this collection holds: its arrays' capacity, and its ids. */
    public long reservedBytes() {
        lock.readLock().lock();
        try {
            return ids.length * rowBytes() + idBytes;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Stores {@code vector} under {@code id}, replacing any vector of that id; true if the id was new. */
    public boolean insert(String id, float[] vector) {
        check(id, vector, "vector");
        return store(Map.of(id, vector)) == 1;
    }

    /**
     * Stores every entry (all are checked first, and room for them taken from the budget: if one is bad, or
     * they do not fit, none is stored); returns how many there were.
     */
    public int batchInsert(Map<String, float[]> vectors) {
        vectors.forEach((id, v) -> check(id, v, "vector " + id));
        store(vectors);
        return vectors.size();
    }

    /** Stores checked vectors; returns how many ids were new. */
    private int store(Map<String, float[]> vectors) {
        lock.writeLock().lock();
        try {
            if (dropped) throw new IllegalArgumentException("collection '" + name + "' was dropped");
            Set<String> fresh = new HashSet<>();
            long freshIdBytes = 0;
            for (String id : vectors.keySet()) {
                if (!rowOf.containsKey(id) && fresh.add(id)) freshIdBytes += idBytes(id);
            }
            store.reserve(freshIdBytes, fresh.size() + " new ids in collection '" + name + "'");
            try {
                ensureCapacity(size + fresh.size());
            } catch (RuntimeException e) {
                store.release(freshIdBytes);
                throw e;
            }
            idBytes += freshIdBytes;
            vectors.forEach(this::put);
            return fresh.size();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Removes the vector {@code id}; false if there was none. */
    public boolean delete(String id) {
        lock.writeLock().lock();
        try {
            Integer row = rowOf.remove(id);
            if (row == null) return false;
            int last = --size;
            if (row != last) { // move the last row into the hole
                System.arraycopy(data, last * dim, data, row * dim, dim);
                norms[row] = norms[last];
                ids[row] = ids[last];
                rowOf.put(ids[row], row);
            }
            ids[last] = null;
            long freed = idBytes(id);
            idBytes -= freed;
            store.release(freed);
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The store dropped this collection: give back its budget, refuse changes from now on. */
    void drop() {
        lock.writeLock().lock();
        try {
            if (dropped) return;
            dropped = true;
            store.release(ids.length * rowBytes() + idBytes);
            data = new float[0];
            norms = new double[0];
            ids = new String[0];
            rowOf.clear();
            size = 0;
            idBytes = 0;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * The {@code topK} vectors closest to {@code query}, closest first (ties: smaller id first). Scores are
     * the cosine similarity, the dot product or the Euclidean distance, by the collection's metric.
     */
    public List<Hit> search(float[] query, int topK) {
        check("query", query, "query");
        if (topK < 1 || topK > MAX_TOP_K) {
            throw new IllegalArgumentException(topK < 1 ? "topK must be at least 1, got " + topK
                    : "topK must be at most " + MAX_TOP_K + ", got " + topK);
        }
        double qNorm = norm(query, 0, dim);
        double sign = metric.higherIsCloser() ? 1 : -1;
        lock.readLock().lock();
        try {
            TopK best = new TopK(Math.min(topK, size));
            for (int row = 0, off = 0; row < size; row++, off += dim) {
                double g = sign * score(query, qNorm, row, off);
                if (best.mayEnter(g)) best.offer(ids[row], g);
            }
            return best.drainBestFirst(sign);
        } finally {
            lock.readLock().unlock();
        }
    }

    private double score(float[] q, double qNorm, int row, int off) {
        float[] d = data;
        double s = 0;
        switch (metric) {
            case DOT -> {
                for (int j = 0; j < dim; j++) s += (double) q[j] * d[off + j];
                return s;
            }
            case COSINE -> {
                for (int j = 0; j < dim; j++) s += (double) q[j] * d[off + j];
                return s / (qNorm * norms[row]);
            }
            default -> {
                for (int j = 0; j < dim; j++) {
                    double diff = (double) q[j] - d[off + j];
                    s += diff * diff;
                }
                return Math.sqrt(s);
            }
        }
    }

    /** The Euclidean norm of {@code v[off, off + dim)}, summed in double in index order. */
    static double norm(float[] v, int off, int dim) {
        double s = 0;
        for (int j = 0; j < dim; j++) s += (double) v[off + j] * v[off + j];
        return Math.sqrt(s);
    }

    /** Stores one checked vector; there is room for it (see {@link #ensureCapacity}). */
    private void put(String id, float[] vector) {
        Integer existing = rowOf.get(id);
        int row = existing != null ? existing : size;
        if (existing == null) {
            ids[row] = id;
            rowOf.put(id, row);
            size++;
        }
        System.arraycopy(vector, 0, data, row * dim, dim);
        norms[row] = norm(vector, 0, dim);
    }

    /** Bytes of budget one row of the arrays takes: the vector, its norm, the id's slot. */
    private long rowBytes() {
        return 4L * dim + 8 + 8;
    }

    private static long idBytes(String id) {
        return ID_OVERHEAD + 2L * id.length();
    }

    /**
     * Makes room for {@code rows} rows: half as much again as now (or {@link #INITIAL_BYTES} at first), or
     * exactly {@code rows} when that is more, or when the budget has no room for the larger step.
     */
    private void ensureCapacity(int rows) {
        int cap = ids.length;
        if (rows <= cap) return;
        long maxRows = (Integer.MAX_VALUE - 8) / dim;
        if (rows > maxRows) {
            throw new IllegalArgumentException("collection '" + name + "' is full: at most " + maxRows
                    + " vectors of dimension " + dim + " fit in one array");
        }
        long step = cap == 0 ? Math.max(1, INITIAL_BYTES / rowBytes()) : cap + cap / 2;
        int newCap = (int) Math.min(maxRows, Math.max(rows, step));
        try {
            store.reserve((newCap - cap) * rowBytes(), "collection '" + name + "'");
        } catch (IllegalArgumentException full) {
            if (newCap == rows) throw full;
            newCap = rows;
            store.reserve((newCap - cap) * rowBytes(), "collection '" + name + "'");
        }
        data = Arrays.copyOf(data, newCap * dim);
        norms = Arrays.copyOf(norms, newCap);
        ids = Arrays.copyOf(ids, newCap);
    }

    private void check(String id, float[] v, String what) {
        if (id == null) throw new IllegalArgumentException("a vector id must not be null");
        if (id.length() > VectorStore.MAX_ID_BYTES || id.getBytes(StandardCharsets.UTF_8).length > VectorStore.MAX_ID_BYTES) {
            throw new IllegalArgumentException("a vector id is at most " + VectorStore.MAX_ID_BYTES + " bytes of UTF-8");
        }
        if (v == null) throw new IllegalArgumentException(what + " must not be null");
        if (v.length != dim) {
            throw new IllegalArgumentException(what + " has dimension " + v.length + " but collection '" + name
                    + "' holds vectors of dimension " + dim);
        }
        for (float x : v) {
            if (!Float.isFinite(x)) throw new IllegalArgumentException(what + " contains " + x + "; only finite numbers can be compared");
        }
        if (metric == Metric.COSINE && norm(v, 0, dim) == 0) {
            throw new IllegalArgumentException(what + " is all zeros: it has no direction, so cosine similarity "
                    + "is undefined; use the DOT or L2 metric for such vectors");
        }
    }

    @Override
    public String toString() {
        return "VectorCollection[" + name + ", dim=" + dim + ", " + metric + "]";
    }
}
