package io.jasyncio.cli;

import io.jasyncio.Asyncio;
import io.jasyncio.examples.vectordb.Hit;
import io.jasyncio.examples.vectordb.Metric;
import io.jasyncio.examples.vectordb.VectorClient;
import io.jasyncio.examples.vectordb.VectorCollection;
import io.jasyncio.examples.vectordb.VectorDbDemo;
import io.jasyncio.examples.vectordb.VectorServer;
import io.jasyncio.examples.vectordb.VectorStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vectordb}: seed 004's async vector-database CLI, made real: embedded, served over TCP, or remote. */
@Command(name = "vectordb", mixinStandardHelpOptions = true,
        description = {"Seed 004's vector-database session: create a collection, batch-insert 100 vectors, search, "
                + "run 5 searches concurrently, close.",
                "Embedded by default; --remote serves the store over TCP in this process and talks to it; "
                        + "--connect HOST:PORT talks to a 'vectordb serve' elsewhere."},
        subcommands = {VectorDbCommand.Serve.class, VectorDbCommand.Bench.class})
public final class VectorDbCommand implements Callable<Integer> {
    @Option(names = "--remote", description = "Serve the store over TCP in this process and use it remotely.")
    boolean remote;

    @Option(names = "--connect", paramLabel = "HOST:PORT", description = "Use the server at HOST:PORT.")
    String connect;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random vectors. Default ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() {
        Random rnd = new Random(seed);
        Map<String, float[]> vectors = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) vectors.put("vec_" + i, random(rnd, 4));
        List<float[]> more = new ArrayList<>();
        for (int i = 0; i < 5; i++) more.add(random(rnd, 4));
        float[] query = {0.5f, 0.5f, 0.5f, 0.5f};
        Asyncio.run(() -> {
            VectorServer server = remote ? VectorServer.start(new VectorStore(), 0) : null;
            String where = connect != null ? connect : remote ? "127.0.0.1:" + server.port() + " (TCP, this process)"
                    : "the embedded store";
            System.out.println("connecting to " + where + "...");
            try (VectorClient db = open(server)) {
                return VectorDbDemo.cliMain(db, vectors, query, more, System.out::println);
            } finally {
                System.out.println("closing the connection...");
                if (server != null) server.close();
            }
        });
        return 0;
    }

    private VectorClient open(VectorServer server) throws java.io.IOException {
        if (connect != null) {
            int colon = connect.lastIndexOf(':');
            if (colon < 1) throw new IllegalArgumentException("--connect wants HOST:PORT, got '" + connect + "'");
            int port;
            try {
                port = Integer.parseInt(connect.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--connect wants HOST:PORT with a numeric port, got '" + connect + "'");
            }
            return VectorClient.connect(connect.substring(0, colon), port);
        }
        return server != null ? VectorClient.connect("127.0.0.1", server.port()) : VectorClient.connect(new VectorStore());
    }

    static float[] random(Random rnd, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) v[i] = rnd.nextFloat() * 2 - 1;
        return v;
    }

    /** {@code vectordb serve}: serves an empty store on 127.0.0.1 until Ctrl-C. */
    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Serves a vector store on 127.0.0.1 until Ctrl-C.")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "0", description = "Port (0: any free one). Default ${DEFAULT-VALUE}.")
        int port;

        @Override
        public Integer call() {
            Asyncio.run(() -> {
                try (VectorServer server = VectorServer.start(new VectorStore(), port)) {
                    System.out.println("vectordb serving on 127.0.0.1:" + server.port() + "; Ctrl-C stops it");
                    Asyncio.await(Asyncio.getRunningLoop().createFuture()); // until cancelled by Ctrl-C
                }
                return null;
            });
            return 0;
        }
    }

    /** {@code vectordb bench}: exact top-10 search over N random vectors, per metric. */
    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = "Times exact top-10 searches over N random vectors of dimension D (median of rounds).")
    static final class Bench implements Callable<Integer> {
        @Option(names = "--n", defaultValue = "100000", description = "Vectors. Default ${DEFAULT-VALUE}.")
        int n;

        @Option(names = "--dim", defaultValue = "128", description = "Dimension. Default ${DEFAULT-VALUE}.")
        int dim;

        @Option(names = "--queries", defaultValue = "50", description = "Measured queries per metric. Default ${DEFAULT-VALUE}.")
        int queries;

        @Override
        public Integer call() {
            Random rnd = new Random(42);
            VectorStore store = new VectorStore();
            for (Metric metric : Metric.values()) {
                VectorCollection c = store.createCollection("bench_" + metric, dim, metric);
                Map<String, float[]> batch = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) batch.put("v" + i, random(new Random(i), dim));
                c.batchInsert(batch);
                for (int i = 0; i < 10; i++) c.search(random(rnd, dim), 10); // warm-up
                double[] ms = new double[queries];
                for (int q = 0; q < queries; q++) {
                    float[] query = random(rnd, dim);
                    long t0 = System.nanoTime();
                    List<Hit> hits = c.search(query, 10);
                    ms[q] = (System.nanoTime() - t0) / 1e6;
                    if (hits.size() != 10) throw new IllegalStateException("expected 10 hits, got " + hits.size());
                }
                java.util.Arrays.sort(ms);
                System.out.printf("vectordb_search_%s_ms %.2f ms  (n=%d, dim=%d, top 10, median of %d; p90 %.2f ms)%n",
                        metric.name().toLowerCase(), ms[queries / 2], n, dim, queries, ms[queries * 9 / 10]);
                store.dropCollection("bench_" + metric);
            }
            return 0;
        }
    }
}
