package io.jasyncio.examples.vectordb;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.examples.pg.LocalCluster;
import io.jasyncio.pg.Connection;
import io.jasyncio.pg.Pg;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The vector database stored in PostgreSQL ({@code vectordb --pg}) gives exactly what the embedded store gives. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PgVectorClientTest {
    @Test
    void givesExactlyWhatTheEmbeddedStoreGivesAndKeepsTheDataInTables() {
        try {
            LocalCluster.binaries();
        } catch (IllegalStateException e) {
            Assumptions.abort(e.getMessage());
        }
        List<Object> embedded = Asyncio.run(() -> {
            try (VectorClient db = VectorClient.connect(new VectorStore())) {
                return VectorClientTest.session(db, 99);
            }
        });
        Asyncio.run(() -> {
            try (LocalCluster pg = LocalCluster.start()) {
                List<Object> stored;
                try (VectorClient db = PgVectorClient.connect(pg.dsn())) {
                    stored = VectorClientTest.session(db, 99);
                }
                assertEquals(embedded.size(), stored.size());
                for (int i = 0; i < embedded.size(); i++) assertEquals(embedded.get(i), stored.get(i), "call " + i);
                assertTrue(embedded.contains("IllegalArgumentException: unknown collection 'c_DOT' (create it first)"));
                try (Connection c = Pg.connect(pg.dsn())) {
                    // The session left c_COSINE and c_L2 (c_DOT was dropped, its vectors with it), as float4[] rows.
                    assertEquals(List.of("c_COSINE", "c_L2"), c.fetch("SELECT name FROM jasyncio_vector_collections ORDER BY name")
                            .stream().map(r -> r.getString(0)).toList());
                    assertEquals(0L, (long) c.fetchval("SELECT count(*) FROM jasyncio_vectors WHERE collection = 'c_DOT'"));
                    assertEquals("real[]", c.fetchval("SELECT pg_typeof(vec)::text FROM jasyncio_vectors LIMIT 1"));
                }
                // A second client finds the collections the first one made; concurrent searches share the pool.
                try (VectorClient db = PgVectorClient.connect(pg.dsn())) {
                    Random rnd = new Random(7);
                    Map<String, float[]> more = new LinkedHashMap<>();
                    for (int i = 0; i < 2000; i++) more.put("m" + i, BruteForce.randomVector(rnd, 8));
                    assertEquals(2000, db.batchInsert("c_L2", more));
                    List<Task<List<Hit>>> ts = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        float[] q = BruteForce.randomVector(rnd, 8);
                        ts.add(Asyncio.createTask(() -> db.search("c_L2", q, 5)));
                    }
                    for (Task<List<Hit>> t : ts) assertEquals(5, Asyncio.await(t).size());
                }
            }
            return null;
        });
    }
}
