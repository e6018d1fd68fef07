package io.jasyncio.examples.vectordb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VectorStoreTest {
    private static final int DIM = 16;

    private static void assertSameHits(List<Hit> expected, List<Hit> actual) {
        assertEquals(expected.stream().map(Hit::id).toList(), actual.stream().map(Hit::id).toList());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).score(), actual.get(i).score(), 1e-12, "score of " + expected.get(i).id());
        }
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void searchEqualsBruteForceOnRandomData(Metric metric) {
        Random rnd = new Random(42 + metric.ordinal());
        VectorCollection c = new VectorStore().createCollection("docs", DIM, metric);
        BruteForce expected = new BruteForce(metric);
        Map<String, float[]> batch = new LinkedHashMap<>();
        for (int i = 0; i < 800; i++) batch.put("vec_" + i, BruteForce.randomVector(rnd, DIM));
        assertEquals(800, c.batchInsert(batch));
        expected.vectors.putAll(batch);
        for (int i = 0; i < 40; i++) { // single inserts, some replacing an existing id
            String id = "vec_" + rnd.nextInt(1000);
            float[] v = BruteForce.randomVector(rnd, DIM);
            assertEquals(!expected.vectors.containsKey(id), c.insert(id, v));
            expected.vectors.put(id, v);
        }
        for (int i = 0; i < 100; i++) { // deletes, some of ids that are not there
            String id = "vec_" + rnd.nextInt(1000);
            assertEquals(expected.vectors.remove(id) != null, c.delete(id));
        }
        assertEquals(expected.vectors.size(), c.size());
        for (int q = 0; q < 30; q++) {
            float[] query = BruteForce.randomVector(rnd, DIM);
            for (int k : new int[] {1, 3, 10, 100, 5000}) {
                assertSameHits(expected.search(query, k), c.search(query, k));
            }
        }
    }

    @Test
    void tiesAreBrokenByIdWhateverTheInsertionOrder() {
        VectorCollection c = new VectorStore().createCollection("t", 2, Metric.DOT);
        for (String id : List.of("d", "b", "a", "c")) c.insert(id, new float[] {1, 1});
        c.insert("z", new float[] {2, 2});
        assertEquals(List.of(new Hit("z", 4), new Hit("a", 2), new Hit("b", 2)), c.search(new float[] {1, 1}, 3));
    }

    @Test
    void anEmptyCollectionFindsNothing() {
        VectorCollection c = new VectorStore().createCollection("empty", 3, Metric.L2);
        assertEquals(List.of(), c.search(new float[] {1, 2, 3}, 5));
    }

    @Test
    void errorsSayWhatWasWrong() {
        VectorStore store = new VectorStore();
        VectorCollection c = store.createCollection("docs", 4, Metric.COSINE);
        assertEquals("collection 'docs' already exists",
                assertThrows(IllegalArgumentException.class, () -> store.createCollection("docs", 4, Metric.L2)).getMessage());
        store.createCollection("images", 8, Metric.L2);
        assertEquals("no collection named 'nope'; existing collections: [docs, images] (create it first)",
                assertThrows(IllegalArgumentException.class, () -> store.collection("nope")).getMessage());
        assertEquals("vector has dimension 3 but collection 'docs' holds vectors of dimension 4",
                assertThrows(IllegalArgumentException.class, () -> c.insert("x", new float[3])).getMessage());
        assertEquals("query has dimension 5 but collection 'docs' holds vectors of dimension 4",
                assertThrows(IllegalArgumentException.class, () -> c.search(new float[5], 1)).getMessage());
        assertEquals("topK must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> c.search(new float[] {1, 0, 0, 0}, 0)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.insert("zero", new float[4]))
                .getMessage().startsWith("vector is all zeros"));
        assertEquals("the dimension of collection 'flat' must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> store.createCollection("flat", 0, Metric.DOT)).getMessage());
        assertEquals("vector contains NaN; only finite numbers can be compared",
                assertThrows(IllegalArgumentException.class, () -> c.insert("n", new float[] {1, Float.NaN, 0, 0})).getMessage());
    }

    @Test
    void aBatchWithOneBadVectorStoresNothing() {
        VectorCollection c = new VectorStore().createCollection("docs", 2, Metric.L2);
        Map<String, float[]> batch = new LinkedHashMap<>();
        batch.put("ok", new float[] {1, 2});
        batch.put("bad", new float[] {1, 2, 3});
        var e = assertThrows(IllegalArgumentException.class, () -> c.batchInsert(batch));
        assertEquals("vector bad has dimension 3 but collection 'docs' holds vectors of dimension 2", e.getMessage());
        assertEquals(0, c.size());
    }

    @Test
    void deletingEverythingAndRefillingWorks() {
        VectorCollection c = new VectorStore().createCollection("docs", 2, Metric.L2);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add("v" + i);
            c.insert("v" + i, new float[] {i, 0});
        }
        for (String id : ids) assertTrue(c.delete(id));
        assertFalse(c.delete("v0"));
        assertEquals(0, c.size());
        c.insert("again", new float[] {3, 4});
        assertEquals(List.of(new Hit("again", 5)), c.search(new float[] {0, 0}, 10));
    }
}
