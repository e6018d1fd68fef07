package io.jasyncio.examples.vectordb;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One collection of the embedded store: vectors of a fixed dimension, stored row after row in one flat
 * {@code float[]} (no object per vector, no boxing), with their ids and, for cosine, their norms. Search is an
 * exact scan with a bounded heap ({@link TopK}); delete moves the last row into the hole.
 *
 * <p>Threading: thread-safe. Searches share a read lock (several run in parallel); changes take the write lock.
 */
public final class VectorCollection {
    private final String name;
    private final int dim;
    private final Metric metric;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Integer> rowOf = new HashMap<>();
    private float[] data = new float[0];
    private double[] norms = new double[0];
    private String[] ids = new String[0];
    private int size;

    VectorCollection(String name, int dim, Metric metric) {
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

    /** Stores {@code vector} under {@code id}, replacing any vector of that id; true if the id was new. */
    public boolean insert(String id, float[] vector) {
        check(id, vector, "vector");
        lock.writeLock().lock();
        try {
            return put(id, vector);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Stores every entry (all are checked first: a bad one stores none); returns how many there were. */
    public int batchInsert(Map<String, float[]> vectors) {
        vectors.forEach((id, v) -> check(id, v, "vector " + id));
        lock.writeLock().lock();
        try {
            vectors.forEach(this::put);
            return vectors.size();
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
            return true;
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
        if (topK < 1) throw new IllegalArgumentException("topK must be at least 1, got " + topK);
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

    private boolean put(String id, float[] vector) {
        Integer existing = rowOf.get(id);
        int row = existing != null ? existing : size;
        if (existing == null) {
            if (size == ids.length) grow();
            ids[row] = id;
            rowOf.put(id, row);
            size++;
        }
        System.arraycopy(vector, 0, data, row * dim, dim);
        norms[row] = norm(vector, 0, dim);
        return existing == null;
    }

    private void grow() {
        int cap = Math.max(16, ids.length * 2);
        if ((long) cap * dim > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("collection '" + name + "' is full: at most "
                    + (Integer.MAX_VALUE - 8) / dim + " vectors of dimension " + dim + " fit in one array");
        }
        data = Arrays.copyOf(data, cap * dim);
        norms = Arrays.copyOf(norms, cap);
        ids = Arrays.copyOf(ids, cap);
    }

    private void check(String id, float[] v, String what) {
        if (id == null) throw new IllegalArgumentException("a vector id must not be null");
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
