package io.jasyncio.examples.vectordb;

import io.jasyncio.pg.Connection;
import io.jasyncio.pg.Pg;
import io.jasyncio.pg.Pool;
import io.jasyncio.pg.PoolOptions;
import io.jasyncio.pg.PostgresErrors.ForeignKeyViolationError;
import io.jasyncio.pg.PostgresErrors.UniqueViolationError;
import io.jasyncio.pg.Record;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link VectorClient} whose collections live in PostgreSQL, through jasyncio's driver ({@code io.jasyncio.pg}):
 * {@code vectordb --pg DSN}. Two tables, made if missing: {@code jasyncio_vector_collections (name, dim, metric)}
 * and {@code jasyncio_vectors (collection, id, vec float4[])}, a collection's vectors going with it. Search is in
 * the client, as the embedded store's: an exact scan of the collection, streamed from a cursor 1,000 rows at a time
 * (bounded memory), scored and ranked exactly as {@link VectorCollection} does, so both give the same results;
 * errors a caller can fix have the same messages too. Each call takes a connection from a small pool, so concurrent
 * calls (a search's cursor needs a transaction of its own) run side by side.
 *
 * <p>Threading: see {@link VectorClient}. The scoring runs on the loop thread between cursor batches.
 */
public final class PgVectorClient implements VectorClient {
    private static final String SCHEMA = "CREATE TABLE IF NOT EXISTS jasyncio_vector_collections "
            + "(name text PRIMARY KEY, dim int NOT NULL, metric text NOT NULL); "
            + "CREATE TABLE IF NOT EXISTS jasyncio_vectors (collection text NOT NULL REFERENCES "
            + "jasyncio_vector_collections (name) ON DELETE CASCADE, id text NOT NULL, vec float4[] NOT NULL, "
            + "PRIMARY KEY (collection, id))";
    private static final String UPSERT = "INSERT INTO jasyncio_vectors (collection, id, vec) VALUES ($1, $2, $3) "
            + "ON CONFLICT (collection, id) DO UPDATE SET vec = EXCLUDED.vec RETURNING (xmax = 0) AS inserted";

    private record Meta(int dim, Metric metric) {}

    private final Pool pool;
    private final Map<String, Meta> known = new HashMap<>();
    private boolean closed;

    private PgVectorClient(Pool pool) {
        this.pool = pool;
    }

    /** Connects to {@code dsn} (a pool of up to 4 connections) and makes the tables if missing. */
    public static PgVectorClient connect(String dsn) {
        Pool pool = Pg.createPool(dsn, PoolOptions.defaults().withSize(1, 4).withReset(false, 10));
        try {
            pool.execute(SCHEMA);
        } catch (RuntimeException e) {
            pool.terminate();
            throw e;
        }
        return new PgVectorClient(pool);
    }

    @Override
    public void createCollection(String name, int dim, Metric metric) {
        checkOpen();
        VectorStore.checkName(name);
        if (dim < 1 || dim > VectorStore.MAX_DIMENSION) {
            throw new IllegalArgumentException("the dimension of collection '" + name + "' must be from 1 to "
                    + VectorStore.MAX_DIMENSION + ", got " + dim);
        }
        if (metric == null) throw new IllegalArgumentException("collection '" + name + "' needs a metric");
        try {
            pool.execute("INSERT INTO jasyncio_vector_collections VALUES ($1, $2, $3)", name, dim, metric.name());
        } catch (UniqueViolationError e) {
            throw new IllegalArgumentException("collection '" + name + "' already exists");
        }
        known.put(name, new Meta(dim, metric));
    }

    @Override
    public boolean insert(String collection, String id, float[] vector) {
        Meta m = meta(collection);
        check(collection, m, id, vector, "vector");
        try {
            Record r = pool.fetchrow(UPSERT, collection, id, vector);
            return r.getBoolean(0);
        } catch (ForeignKeyViolationError e) {
            throw gone(collection);
        }
    }

    @Override
    public int batchInsert(String collection, Map<String, float[]> vectors) {
        Meta m = meta(collection);
        vectors.forEach((id, v) -> check(collection, m, id, v, "vector " + id));
        List<Object[]> rows = new ArrayList<>(vectors.size());
        vectors.forEach((id, v) -> rows.add(new Object[] {collection, id, v}));
        try {
            pool.executemany(UPSERT, rows); // one batch: all stored or none
        } catch (ForeignKeyViolationError e) {
            throw gone(collection);
        }
        return vectors.size();
    }

    @Override
    public List<Hit> search(String collection, float[] query, int topK) {
        Meta m = meta(collection);
        check(collection, m, "query", query, "query");
        if (topK < 1 || topK > VectorCollection.MAX_TOP_K) {
            throw new IllegalArgumentException(topK < 1 ? "topK must be at least 1, got " + topK
                    : "topK must be at most " + VectorCollection.MAX_TOP_K + ", got " + topK);
        }
        double qNorm = VectorCollection.norm(query, 0, m.dim);
        double sign = m.metric.higherIsCloser() ? 1 : -1;
        TopK best = new TopK(topK);
        try (Connection c = pool.acquire()) {
            c.transaction(() -> {
                for (Record r : c.cursor(1000, "SELECT id, vec FROM jasyncio_vectors WHERE collection = $1", collection)) {
                    double g = sign * score(m, query, qNorm, r.getFloatArray(1));
                    if (best.mayEnter(g)) best.offer(r.getString(0), g);
                }
                return null;
            });
        }
        return best.drainBestFirst(sign);
    }

    /** {@link VectorCollection}'s scoring, summed in double in index order, so both stores rank alike. */
    private static double score(Meta m, float[] q, double qNorm, float[] v) {
        double s = 0;
        switch (m.metric) {
            case DOT -> {
                for (int j = 0; j < m.dim; j++) s += (double) q[j] * v[j];
                return s;
            }
            case COSINE -> {
                for (int j = 0; j < m.dim; j++) s += (double) q[j] * v[j];
                return s / (qNorm * VectorCollection.norm(v, 0, m.dim));
            }
            default -> {
                for (int j = 0; j < m.dim; j++) {
                    double diff = (double) q[j] - v[j];
                    s += diff * diff;
                }
                return Math.sqrt(s);
            }
        }
    }

    @Override
    public boolean delete(String collection, String id) {
        meta(collection);
        return pool.execute("DELETE FROM jasyncio_vectors WHERE collection = $1 AND id = $2", collection, id).equals("DELETE 1");
    }

    @Override
    public boolean dropCollection(String name) {
        checkOpen();
        known.remove(name);
        if (name == null) return false;
        return pool.execute("DELETE FROM jasyncio_vector_collections WHERE name = $1", name).equals("DELETE 1");
    }

    /** The collection's dimension and metric (asked of the server once per client). */
    private Meta meta(String collection) {
        checkOpen();
        Meta m = collection == null ? null : known.get(collection);
        if (m != null) return m;
        Record r = collection == null ? null
                : pool.fetchrow("SELECT dim, metric FROM jasyncio_vector_collections WHERE name = $1", collection);
        if (r == null) throw gone(collection);
        m = new Meta(r.getInt(0), Metric.valueOf(r.getString(1)));
        known.put(collection, m);
        return m;
    }

    private IllegalArgumentException gone(String collection) {
        known.remove(collection);
        VectorStore.checkName(collection); // a name that cannot exist is refused without repeating it
        return new IllegalArgumentException("unknown collection '" + collection + "' (create it first)");
    }

    /** The embedded store's checks, with its messages. */
    private static void check(String collection, Meta m, String id, float[] v, String what) {
        if (id == null) throw new IllegalArgumentException("a vector id must not be null");
        if (id.length() > VectorStore.MAX_ID_BYTES || id.getBytes(StandardCharsets.UTF_8).length > VectorStore.MAX_ID_BYTES) {
            throw new IllegalArgumentException("a vector id is at most " + VectorStore.MAX_ID_BYTES + " bytes of UTF-8");
        }
        if (v == null) throw new IllegalArgumentException(what + " must not be null");
        if (v.length != m.dim) {
            throw new IllegalArgumentException(what + " has dimension " + v.length + " but collection '" + collection
                    + "' holds vectors of dimension " + m.dim);
        }
        for (float x : v) {
            if (!Float.isFinite(x)) throw new IllegalArgumentException(what + " contains " + x + "; only finite numbers can be compared");
        }
        if (m.metric == Metric.COSINE && VectorCollection.norm(v, 0, m.dim) == 0) {
            throw new IllegalArgumentException(what + " is all zeros: it has no direction, so cosine similarity "
                    + "is undefined; use the DOT or L2 metric for such vectors");
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("this vector database client is closed; connect a new one");
    }

    /** Closes the pool (waiting for calls under way). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        pool.close();
    }
}
