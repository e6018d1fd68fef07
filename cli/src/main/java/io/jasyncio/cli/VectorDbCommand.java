package io.jasyncio.cli;

import io.jasyncio.Asyncio;
import io.jasyncio.TimeoutError;
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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vectordb}: seed 004's async vector-database CLI, made real: embedded, served over TCP, or remote. */
@Command(name = "vectordb", mixinStandardHelpOptions = true,
        description = {"Seed 004's vector-database session: create a collection, batch-insert 100 vectors, search, "
                + "run 5 searches concurrently, close.",
                "Embedded by default; --remote serves the store over TCP in this process and talks to it; "
                        + "--connect HOST:PORT talks to a 'vectordb serve' elsewhere (in a collection of its own, "
                        + "dropped at the end, so that sessions can follow or overlap each other).",
                "The store is in memory only (nothing is written to disk), unless --pg keeps the collections in PostgreSQL."},
        subcommands = {VectorDbCommand.Serve.class, VectorDbCommand.Bench.class})
public final class VectorDbCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--remote", description = "Serve the store over TCP in this process and use it remotely.")
    boolean remote;

    @Option(names = "--connect", paramLabel = "HOST:PORT", description = "Use the server at HOST:PORT.")
    String connect;

    @Option(names = "--pg", paramLabel = "DSN", description = "Keep the collections in PostgreSQL at DSN (tables "
            + "jasyncio_vector_collections and jasyncio_vectors, float4[] vectors; search in the client), through "
            + "jasyncio's driver.")
    String pg;

    @Option(names = "--timeout", defaultValue = "10", paramLabel = "SECONDS",
            description = "With --connect: the most seconds to connect, then to wait for each reply. "
                    + "Default ${DEFAULT-VALUE}.")
    double timeout;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random vectors. Default ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() {
        if (remote && connect != null) {
            throw Check.fail(spec, "--remote and --connect exclude each other: --remote serves a store in this process, "
                    + "--connect uses one served elsewhere");
        }
        Object[] target = connect != null ? Check.hostPort(spec, "--connect", connect) : null;
        if (pg != null && (remote || connect != null)) {
            throw Check.fail(spec, "--pg stores in PostgreSQL: it goes with neither --remote nor --connect");
        }
        if (pg != null) {
            try {
                io.jasyncio.pg.ConnectOptions.parse(pg);
            } catch (IllegalArgumentException e) {
                throw Check.fail(spec, "--pg: " + e.getMessage());
            }
        }
        Check.seconds(spec, "--timeout", timeout, 3600);
        Random rnd = new Random(seed);
        Map<String, float[]> vectors = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) vectors.put("vec_" + i, random(rnd, 4));
        List<float[]> more = new ArrayList<>();
        for (int i = 0; i < 5; i++) more.add(random(rnd, 4));
        float[] query = {0.5f, 0.5f, 0.5f, 0.5f};
        // A shared server may hold other sessions' collections: this one gets a name of its own.
        String collection = target != null || pg != null
                ? "documents-" + java.util.HexFormat.of().toHexDigits(new java.security.SecureRandom().nextInt())
                : "documents";
        Asyncio.run(() -> {
            VectorServer server = remote ? VectorServer.start(new VectorStore(), 0) : null;
            String where = connect != null ? connect : remote ? "127.0.0.1:" + server.port() + " (TCP, this process)"
                    : pg != null ? "PostgreSQL (" + io.jasyncio.pg.ConnectOptions.parse(pg) + ")" : "the embedded store";
            System.out.println("connecting to " + where + "...");
            try (VectorClient db = target != null ? VectorClient.connect((String) target[0], (int) target[1], timeout)
                    : pg != null ? io.jasyncio.examples.vectordb.PgVectorClient.connect(pg)
                    : server != null ? VectorClient.connect("127.0.0.1", server.port()) : VectorClient.connect(new VectorStore())) {
                VectorDbDemo.Result r;
                try {
                    r = VectorDbDemo.cliMain(db, collection, vectors, query, more, System.out::println);
                } catch (Exception e) {
                    // A shared server keeps no half-done session's collection (unless it stopped answering:
                    // then asking it to drop would only wait out another timeout).
                    if ((target != null || pg != null) && !(e instanceof TimeoutError)) {
                        try {
                            db.dropCollection(collection);
                        } catch (RuntimeException again) {
                            e.addSuppressed(again);
                        }
                    }
                    throw e;
                }
                if (target != null || pg != null) {
                    System.out.println("dropping collection '" + collection + "'...");
                    db.dropCollection(collection);
                }
                return r;
            } finally {
                System.out.println("closing the connection...");
                if (server != null) server.close();
            }
        });
        return 0;
    }

    static float[] random(Random rnd, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) v[i] = rnd.nextFloat() * 2 - 1;
        return v;
    }

    /** {@code vectordb serve}: serves an empty store on 127.0.0.1 until Ctrl-C. */
    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"Serves an empty vector store on 127.0.0.1 until Ctrl-C.",
                    "In memory only: everything stored is lost when the server stops. Limits: dimension "
                            + VectorStore.MAX_DIMENSION + ", " + (VectorServer.MAX_FRAME_BYTES >> 20) + " MiB per request, "
                            + (int) VectorServer.FRAME_TIMEOUT_SECONDS + " s to send one, the budget below."})
    static final class Serve implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--port", defaultValue = "0", description = "Port, 0 (any free one) to 65535. Default ${DEFAULT-VALUE}.")
        int port;

        @Option(names = "--max-mib", paramLabel = "MIB",
                description = "The most MiB of collections, vectors and ids the store holds (default: a quarter of the heap).")
        Long maxMib;

        @Override
        public Integer call() {
            Check.listenPort(spec, "--port", port);
            long heapMib = Runtime.getRuntime().maxMemory() >> 20;
            long mib = maxMib != null ? Check.count(spec, "--max-mib", maxMib, 1, heapMib) : Math.max(1, heapMib / 4);
            Asyncio.run(() -> {
                try (VectorServer server = VectorServer.start(new VectorStore(mib << 20), port)) {
                    System.out.println("vectordb serving on 127.0.0.1:" + server.port() + ", in memory only (budget "
                            + mib + " MiB; the data is lost when it stops); Ctrl-C stops it");
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
        static final int TOP_K = 10;
        static final int MAX_N = 100_000_000;
        static final int MAX_QUERIES = 100_000;
        /** Vectors inserted per batch: the batch is a copy, so it is kept small. */
        static final int BATCH = 10_000;

        @Spec
        CommandSpec spec;

        @Option(names = "--n", defaultValue = "100000", description = "Vectors, " + TOP_K + " to " + MAX_N + ". Default ${DEFAULT-VALUE}.")
        int n;

        @Option(names = "--dim", defaultValue = "128",
                description = "Dimension, 1 to " + VectorStore.MAX_DIMENSION + ". Default ${DEFAULT-VALUE}.")
        int dim;

        @Option(names = "--queries", defaultValue = "50",
                description = "Measured queries per metric, 1 to " + MAX_QUERIES + ". Default ${DEFAULT-VALUE}.")
        int queries;

        @Override
        public Integer call() {
            Check.count(spec, "--n", n, TOP_K, MAX_N);
            Check.count(spec, "--dim", dim, 1, VectorStore.MAX_DIMENSION);
            Check.count(spec, "--queries", queries, 1, MAX_QUERIES);
            // The collection's arrays (up to 2.5 rows per vector while they grow), its ids, one batch.
            long need = (long) (2.5 * n * (4L * dim + 16)) + 128L * n + BATCH * (4L * dim + 128);
            long heap = Runtime.getRuntime().maxMemory();
            if (need > heap * 0.8) {
                throw Check.fail(spec, "--n " + n + " vectors of --dim " + dim + " need about " + (need >> 20)
                        + " MiB of heap; this JVM has " + (heap >> 20) + " MiB: lower them (or raise the heap, "
                        + "e.g. JASYNCIO_JAVA_OPTS=-Xmx8g)");
            }
            Random rnd = new Random(42);
            VectorStore store = new VectorStore(heap);
            for (Metric metric : Metric.values()) {
                VectorCollection c = store.createCollection("bench_" + metric, dim, metric);
                Map<String, float[]> batch = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    batch.put("v" + i, random(new Random(i), dim));
                    if (batch.size() == BATCH || i == n - 1) {
                        c.batchInsert(batch);
                        batch.clear();
                    }
                }
                for (int i = 0; i < 10; i++) c.search(random(rnd, dim), TOP_K); // warm-up
                double[] ms = new double[queries];
                for (int q = 0; q < queries; q++) {
                    float[] query = random(rnd, dim);
                    long t0 = System.nanoTime();
                    List<Hit> hits = c.search(query, TOP_K);
                    ms[q] = (System.nanoTime() - t0) / 1e6;
                    if (hits.size() != TOP_K) throw new IllegalStateException("expected " + TOP_K + " hits, got " + hits.size());
                }
                java.util.Arrays.sort(ms);
                System.out.printf("vectordb_search_%s_ms %.2f ms  (n=%d, dim=%d, top %d, median of %d; p90 %.2f ms)%n",
                        metric.name().toLowerCase(), ms[queries / 2], n, dim, TOP_K, queries, ms[queries * 9 / 10]);
                store.dropCollection("bench_" + metric);
            }
            return 0;
        }
    }
}
