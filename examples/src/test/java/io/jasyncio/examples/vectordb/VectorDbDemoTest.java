package io.jasyncio.examples.vectordb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jasyncio.Runner;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VectorDbDemoTest {
    @ParameterizedTest(name = "remote={0}")
    @ValueSource(booleans = {false, true})
    void theSeedsSessionFindsTheTrueNearestVectors(boolean remote) {
        Random rnd = new Random(5);
        BruteForce expected = new BruteForce(Metric.COSINE);
        for (int i = 0; i < 100; i++) expected.vectors.put("vec_" + i, BruteForce.randomVector(rnd, 4));
        float[] query = {0.5f, 0.5f, 0.5f, 0.5f};
        List<float[]> more = List.of(BruteForce.randomVector(rnd, 4), BruteForce.randomVector(rnd, 4));
        List<String> lines = new ArrayList<>();
        VectorDbDemo.Result result;
        try (Runner r = new Runner()) {
            result = r.run(() -> {
                VectorStore store = new VectorStore();
                VectorServer server = remote ? VectorServer.start(store, 0) : null;
                try (VectorClient db = remote ? VectorClient.connect("127.0.0.1", server.port())
                        : VectorClient.connect(store)) {
                    return VectorDbDemo.cliMain(db, "documents", expected.vectors, query, more, lines::add);
                } finally {
                    if (server != null) server.close();
                }
            });
        }
        assertEquals(100, result.inserted());
        assertEquals(expected.search(query, 3).stream().map(Hit::id).toList(),
                result.hits().stream().map(Hit::id).toList());
        for (int i = 0; i < more.size(); i++) {
            assertEquals(expected.search(more.get(i), 3).stream().map(Hit::id).toList(),
                    result.concurrentHits().get(i).stream().map(Hit::id).toList());
        }
        assertEquals("inserted 100 vectors", lines.get(2));
        assertEquals(String.format(java.util.Locale.ROOT, "  %s: %.3f", result.hits().get(0).id(),
                result.hits().get(0).score()), lines.get(5));
        assertEquals("finished 2 concurrent queries", lines.getLast());
    }
}
