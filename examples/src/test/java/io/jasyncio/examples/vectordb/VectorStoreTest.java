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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
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
        // issue 13, item 5: the message names only the collection asked for, not every one the store holds
        assertEquals("unknown collection 'nope' (create it first)",
                assertThrows(IllegalArgumentException.class, () -> store.collection("nope")).getMessage());
        assertEquals("vector has dimension 3 but collection 'docs' holds vectors of dimension 4",
                assertThrows(IllegalArgumentException.class, () -> c.insert("x", new float[3])).getMessage());
        assertEquals("query has dimension 5 but collection 'docs' holds vectors of dimension 4",
                assertThrows(IllegalArgumentException.class, () -> c.search(new float[5], 1)).getMessage());
        assertEquals("topK must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> c.search(new float[] {1, 0, 0, 0}, 0)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.insert("zero", new float[4]))
                .getMessage().startsWith("vector is all zeros"));
        assertEquals("the dimension of collection 'flat' must be from 1 to 65536, got 0",
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

    // ---- issue 13, item 5: memory follows what is stored, within documented limits

    @Test
    void theFirstInsertReservesRoomForOneLargeVectorNotSixteen() {
        VectorCollection c = new VectorStore().createCollection("big", VectorStore.MAX_DIMENSION, Metric.DOT);
        float[] v = new float[VectorStore.MAX_DIMENSION];
        v[0] = 1;
        c.insert("only", v);
        long vectorBytes = 4L * VectorStore.MAX_DIMENSION;
        // one row (the vector, its norm, its id's slot) and the id: was 16 rows, 4 MiB for a 256 KiB vector
        assertTrue(c.reservedBytes() < vectorBytes + 1024, c.reservedBytes() + " bytes reserved for one vector of "
                + vectorBytes);
    }

    @Test
    void whatIsReservedStaysWithinHalfAgainWhatIsStored() {
        int dim = 256; // 1 KiB rows: the first arrays hold 3 of them (4 KiB)
        VectorCollection c = new VectorStore().createCollection("docs", dim, Metric.L2);
        Random rnd = new Random(5);
        long row = 4L * dim + 16;
        for (int i = 1; i <= 2000; i++) {
            c.insert("v" + i, BruteForce.randomVector(rnd, dim));
            long stored = i * (row + 100); // the rows, and ~100 bytes per id
            assertTrue(c.reservedBytes() <= 1.5 * stored + 4096, i + " vectors: " + c.reservedBytes() + " bytes reserved");
        }
    }

    @Test
    void aDimensionAboveTheLimitIsRefused() {
        VectorStore store = new VectorStore();
        assertEquals("the dimension of collection 'huge' must be from 1 to 65536, got 4000000",
                assertThrows(IllegalArgumentException.class, () -> store.createCollection("huge", 4_000_000, Metric.DOT))
                        .getMessage());
        assertEquals("a collection name is at most 256 bytes of UTF-8, got 257",
                assertThrows(IllegalArgumentException.class, () -> store.createCollection("n".repeat(257), 2, Metric.DOT))
                        .getMessage());
        VectorCollection c = store.createCollection("docs", 2, Metric.DOT);
        assertEquals("a vector id is at most 1024 bytes of UTF-8",
                assertThrows(IllegalArgumentException.class, () -> c.insert("é".repeat(513), new float[] {1, 0}))
                        .getMessage());
        assertEquals("topK must be at most 10000, got 10001",
                assertThrows(IllegalArgumentException.class, () -> c.search(new float[] {1, 0}, 10_001)).getMessage());
    }

    @Test
    void theStoreRefusesWhatWouldGoOverItsBudgetAndDroppingGivesItBack() {
        VectorStore store = new VectorStore(1 << 20);
        VectorCollection c = store.createCollection("docs", 1024, Metric.DOT); // 4 KiB rows: about 250 fit
        Random rnd = new Random(9);
        Map<String, float[]> batch = new LinkedHashMap<>();
        for (int i = 0; i < 200; i++) batch.put("v" + i, BruteForce.randomVector(rnd, 1024));
        assertEquals(200, c.batchInsert(batch));
        Map<String, float[]> tooMany = new LinkedHashMap<>();
        for (int i = 200; i < 300; i++) tooMany.put("v" + i, BruteForce.randomVector(rnd, 1024));
        var e = assertThrows(IllegalArgumentException.class, () -> c.batchInsert(tooMany));
        assertTrue(e.getMessage().startsWith("the store is full: "), e.getMessage());
        assertEquals(200, c.size(), "a batch that does not fit stores nothing");
        assertTrue(store.reservedBytes() <= store.maxBytes());
        // where growing by half would not fit, room is made for exactly what comes: the budget fills up
        try {
            for (int i = 200; i < 300; i++) c.insert("v" + i, BruteForce.randomVector(rnd, 1024));
        } catch (IllegalArgumentException full) {
            assertTrue(full.getMessage().startsWith("the store is full: "), full.getMessage());
        }
        assertTrue(c.size() > 240 && c.size() < 255, "filled to " + c.size());
        assertTrue(store.reservedBytes() <= store.maxBytes());
        assertTrue(store.dropCollection("docs"));
        assertEquals(0, store.reservedBytes());
        store.createCollection("docs", 1024, Metric.DOT).batchInsert(batch);
    }

    // A collection costs memory before it holds a vector (its object, lock, map and name): without a charge on the
    // budget, a client could create empty collections until the heap ran out, one small CREATE request each.
    @Test
    void emptyCollectionsAreChargedToTheBudgetToo() {
        VectorStore store = new VectorStore(64 << 10);
        int created = 0;
        IllegalArgumentException full = null;
        for (int i = 0; i < 100_000 && full == null; i++) {
            try {
                store.createCollection("c" + i, 2, Metric.DOT);
                created++;
            } catch (IllegalArgumentException e) {
                full = e;
            }
        }
        assertTrue(full != null && full.getMessage().startsWith("the store is full: "),
                created + " empty collections in a 64 KiB store" + (full == null ? "" : ": " + full.getMessage()));
        assertTrue(store.reservedBytes() <= store.maxBytes());
        assertEquals("collection 'c0' already exists", assertThrows(IllegalArgumentException.class,
                () -> store.createCollection("c0", 2, Metric.DOT)).getMessage(), "a refused duplicate");
        for (int i = 0; i < created; i++) assertTrue(store.dropCollection("c" + i));
        assertEquals(0, store.reservedBytes(), "dropping gives every byte back");
    }
}
