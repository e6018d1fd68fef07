package io.jasyncio.examples.vectordb;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Seed 004's vector-database CLI ({@code cli_main}) and application ({@code application}), on the real
 * store instead of the seed's mock: connect, create a collection, batch-insert, search (one query, then
 * several concurrent ones as tasks), close. Run by {@code bin/jasyncio vectordb}; with {@code --remote} the
 * same code talks to a {@link VectorServer} started in-process on a free port.
 *
 * <p>Threading: {@link #cliMain} is a coroutine (call it from a task's code).
 */
public final class VectorDbDemo {
    private VectorDbDemo() {}

    /** What the session found: the single query's hits, then each concurrent query's hits. */
    public record Result(int inserted, List<Hit> hits, List<List<Hit>> concurrentHits) {}

    /**
     * Creates collection {@code collection} of {@code vectors}' dimension (cosine), inserts them in one batch,
     * searches {@code query} (top 3) and then every one of {@code moreQueries} concurrently, printing as the seed
     * does.
     */
    public static Result cliMain(VectorClient db, String collection, Map<String, float[]> vectors, float[] query,
            List<float[]> moreQueries, Consumer<String> out) {
        out.accept("creating collection" + (collection.equals("documents") ? "" : " '" + collection + "'") + "...");
        db.createCollection(collection, query.length, Metric.COSINE);
        out.accept("inserting vectors...");
        int count = db.batchInsert(collection, vectors);
        out.accept("inserted " + count + " vectors");
        out.accept("searching...");
        List<Hit> hits = db.search(collection, query, 3);
        out.accept("search results:");
        for (Hit h : hits) out.accept(String.format(Locale.ROOT, "  %s: %.3f", h.id(), h.score()));
        List<Task<List<Hit>>> tasks = new ArrayList<>();
        for (float[] q : moreQueries) tasks.add(Asyncio.createTask(() -> db.search(collection, q, 3)));
        List<List<Hit>> all = new ArrayList<>();
        for (Task<List<Hit>> t : tasks) all.add(Asyncio.await(t));
        if (!moreQueries.isEmpty()) out.accept("finished " + all.size() + " concurrent queries");
        return new Result(count, hits, all);
    }
}
