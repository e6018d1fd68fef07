package pgpeer;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The Java peers of bench/pg/run.sh, on the workloads of ../workloads.py (constants repeated here):
 * {@code --driver jdbc}: PgJDBC, one connection per virtual thread ({@code --rewrite}: reWriteBatchedInserts, batch
 * only); {@code --driver vertx}: vertx-pg-client 5 on one event-loop thread, {@code --conns 1} one pipelined
 * connection, {@code --conns 0} a pipelined pool client of as many connections as queries in flight,
 * {@code --pool} a classic pool (no pipelining). One JSON object per workload on stdout.
 */
public final class PgPeer {
    static final String Q_SELECT1 = "SELECT 1";
    static final String Q_ROWS_SETUP = "CREATE TABLE IF NOT EXISTS bench_rows AS SELECT i AS a, i::int8 * 1000 AS b, "
            + "i::float8 / 7 AS c, 'row-' || i AS d, (i % 2 = 0) AS e, "
            + "timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second' AS f FROM generate_series(1, 1000) AS i";
    static final String Q_ROWS = "SELECT a, b, c, d, e, f FROM bench_rows WHERE a <= $1";
    static final String DDL = "CREATE UNLOGGED TABLE IF NOT EXISTS %s (a int, b int, c int, d text, e float8, f int, g text)";
    static final String Q_INSERT = "INSERT INTO bench_insert (a, b, c, d, e, f, g) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    static final String Q_COPY = "COPY bench_copy (a, b, c, d, e, f, g) FROM STDIN";
    static final int ROWS_N = 1000, ROWS_CONC = 10, INSERT_N = 100_000, COPY_N = 1_000_000;
    static final int TICK = Integer.parseInt(System.getenv().getOrDefault("PGBENCH_CLK_TCK", "100"));
    static volatile long sink;

    final Map<String, String> a = new HashMap<>();
    String peer;
    double duration, warmup;
    int postmaster;

    public static void main(String[] args) throws Exception {
        PgPeer p = new PgPeer();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--rewrite") || args[i].equals("--pool")) p.a.put(args[i].substring(2), "true");
            else p.a.put(args[i].substring(2), args[++i]);
        }
        p.duration = Double.parseDouble(p.a.getOrDefault("duration", "10"));
        p.warmup = Double.parseDouble(p.a.getOrDefault("warmup", "5"));
        p.postmaster = Integer.parseInt(p.a.getOrDefault("postmaster", "0"));
        p.peer = p.a.get("peer");
        if (p.a.getOrDefault("driver", "jdbc").equals("jdbc")) p.jdbc();
        else p.vertx();
        System.exit(0);
    }

    interface Work {
        Map<String, Object> run(String w) throws Exception;
    }

    /** Each workload, measured again (keeping the cleanest window) while other work spoiled it. */
    void measure(Work work) throws Exception {
        int retries = Integer.parseInt(a.getOrDefault("retries", "2"));
        double otherMax = Double.parseDouble(a.getOrDefault("other-max", "0.15"));
        for (String w : a.getOrDefault("workloads", "a1,a32,b,c,d").split(",")) {
            Map<String, Object> best = null;
            for (int t = 1; t <= 1 + retries; t++) {
                double waited = waitQuiet(Double.parseDouble(a.getOrDefault("quiet-pct", "10")),
                        Double.parseDouble(a.getOrDefault("quiet-max", "60")));
                Map<String, Object> r = work.run(w);
                r.put("tries", t);
                r.put("waited_s", waited);
                System.err.printf(Locale.ROOT, "%-18s %-4s ops/s=%s rows/s=%s p50=%sus client=%ss server=%ss other=%ss try=%d%n",
                        peer, w, r.get("ops_per_s"), r.get("rows_per_s"), r.get("p50_us"), r.get("client_cpu_s"),
                        r.get("server_cpu_s"), r.get("other_cpu_s"), t);
                double other = (double) r.get("other_cpu_s") / (double) r.get("wall_s");
                if (best == null || other < (double) best.get("other_cpu_s") / (double) best.get("wall_s")) best = r;
                if (other <= otherMax) break;
            }
            System.out.println(json(best));
            System.out.flush();
        }
    }

    // ================================================================ PgJDBC on virtual threads

    String jdbcUrl() {
        return "jdbc:postgresql://" + a.getOrDefault("host", "127.0.0.1") + ":" + a.getOrDefault("port", "5432")
                + "/postgres?user=postgres&sslmode=disable" + (a.containsKey("rewrite") ? "&reWriteBatchedInserts=true" : "");
    }

    void jdbc() throws Exception {
        if (peer == null) peer = a.containsKey("rewrite") ? "jdbc-vt-rewrite" : "jdbc-vt";
        measure(w -> switch (w) {
            case "a1" -> jdbcLoop("a1", 1, Q_SELECT1, 0);
            case "a32" -> jdbcLoop("a32", 32, Q_SELECT1, 0);
            case "b" -> {
                try (Connection c = DriverManager.getConnection(jdbcUrl())) {
                    c.createStatement().execute(Q_ROWS_SETUP);
                }
                yield jdbcLoop("b", ROWS_CONC, Q_ROWS.replace("$1", "?"), ROWS_N);
            }
            case "c" -> bulk("c", "bench_insert", INSERT_N, this::jdbcBatch);
            case "d" -> bulk("d", "bench_copy", COPY_N, this::jdbcCopy);
            default -> throw new IllegalArgumentException(w);
        });
    }

    /** N virtual threads, each on its own connection with a reused PreparedStatement, loop until the deadline. */
    Map<String, Object> jdbcLoop(String name, int n, String sql, int arg) throws Exception {
        List<Connection> conns = new ArrayList<>();
        for (int i = 0; i < n; i++) conns.add(DriverManager.getConnection(jdbcUrl()));
        try {
            jdbcPhase(conns, sql, arg, warmup);
            long[] s0 = cpu();
            long t0 = System.nanoTime();
            Lat lat = jdbcPhase(conns, sql, arg, duration);
            double wall = (System.nanoTime() - t0) / 1e9;
            long[] s1 = cpu();
            return result(name, n, n, lat.n, lat.rows, wall, diff(s0, s1), lat.sortedMicros());
        } finally {
            for (Connection c : conns) c.close();
        }
    }

    Lat jdbcPhase(List<Connection> conns, String sql, int arg, double seconds) throws Exception {
        Lat all = new Lat();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> ts = new ArrayList<>();
        List<Lat> lats = new ArrayList<>();
        for (Connection c : conns) {
            Lat l = new Lat();
            lats.add(l);
            ts.add(Thread.ofVirtual().start(() -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    if (arg != 0) ps.setInt(1, arg);
                    while (true) {
                        long t = System.nanoTime();
                        if (t >= deadline) return;
                        long s = 0;
                        int rows = 0;
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                rows++;
                                if (arg == 0) s += rs.getInt(1);
                                else s += rs.getInt(1) + rs.getLong(2) + (long) rs.getDouble(3) + rs.getString(4).length()
                                        + (rs.getBoolean(5) ? 1 : 0) + rs.getObject(6, OffsetDateTime.class).getSecond();
                            }
                        }
                        sink += s;
                        l.rows += rows;
                        l.add(System.nanoTime() - t);
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        for (Thread t : ts) t.join();
        for (Lat l : lats) all.merge(l);
        return all;
    }

    void jdbcBatch(Connection c, int n) throws Exception {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(Q_INSERT.replaceAll("\\$\\d", "?"))) {
            for (int i = 0; i < n; i++) {
                ps.setInt(1, 10);
                ps.setInt(2, 11);
                ps.setInt(3, 10);
                ps.setString(4, "TESTTESTTEST");
                ps.setDouble(5, 10.333);
                ps.setInt(6, 12341234);
                ps.setString(7, "123412341234");
                ps.addBatch();
            }
            ps.executeBatch();
        }
        c.commit();
        c.setAutoCommit(true);
    }

    /** COPY text format, each row formatted by the client (PgJDBC's CopyManager takes bytes), 64 KiB writes. */
    void jdbcCopy(Connection c, int n) throws Exception {
        CopyIn ci = c.unwrap(PGConnection.class).getCopyAPI().copyIn(Q_COPY);
        ByteArrayOutputStream buf = new ByteArrayOutputStream(1 << 17);
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < n; i++) {
            sb.setLength(0);
            sb.append(10).append('\t').append(11).append('\t').append(10).append('\t').append("TESTTESTTEST").append('\t')
                    .append(10.333).append('\t').append(12341234).append('\t').append("123412341234").append('\n');
            buf.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
            if (buf.size() >= 1 << 16) {
                ci.writeToCopy(buf.toByteArray(), 0, buf.size());
                buf.reset();
            }
        }
        if (buf.size() > 0) ci.writeToCopy(buf.toByteArray(), 0, buf.size());
        ci.endCopy();
    }

    interface BulkOp {
        void run(Connection c, int n) throws Exception;
    }

    Map<String, Object> bulk(String name, String table, int n, BulkOp op) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl())) {
            c.createStatement().execute(String.format(DDL, table));
            long end = System.nanoTime() + (long) (warmup * 1e9);
            do {
                c.createStatement().execute("TRUNCATE " + table);
                op.run(c, n / 10);
            } while (System.nanoTime() < end);
            long[] acc = new long[3];
            double wall = 0;
            int ops = 0;
            List<Long> opNs = new ArrayList<>();
            while (wall < duration && ops < 100) {
                c.createStatement().execute("TRUNCATE " + table);
                long[] s0 = cpu();
                long t0 = System.nanoTime();
                op.run(c, n);
                long t1 = System.nanoTime();
                long[] d = diff(s0, cpu());
                for (int i = 0; i < 3; i++) acc[i] += d[i];
                wall += (t1 - t0) / 1e9;
                ops++;
                opNs.add(t1 - t0);
            }
            c.createStatement().execute("DROP TABLE " + table);
            double[] us = opNs.stream().mapToDouble(x -> x / 1e3).sorted().toArray();
            return result(name, 1, 1, ops, (long) ops * n, wall, acc, us);
        }
    }

    // ================================================================ vertx-pg-client on one event loop

    Vertx vertx;
    PgConnectOptions vopts;

    void vertx() throws Exception {
        int conns = Integer.parseInt(a.getOrDefault("conns", "1"));
        boolean pool = a.containsKey("pool");
        if (peer == null) peer = pool ? "vertx-poolN" : conns == 1 ? "vertx-pipe1" : "vertx-pipeN";
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
        vopts = new PgConnectOptions().setHost(a.getOrDefault("host", "127.0.0.1")).setPort(Integer.parseInt(a.getOrDefault("port", "5432")))
                .setDatabase("postgres").setUser("postgres").setCachePreparedStatements(true).setPipeliningLimit(256);
        try {
            measure(w -> switch (w) {
                case "a1" -> vertxLoop("a1", 1, conns, pool, Q_SELECT1, Tuple.tuple());
                case "a32" -> vertxLoop("a32", 32, conns, pool, Q_SELECT1, Tuple.tuple());
                case "b" -> {
                    PgConnection c = await(PgConnection.connect(vertx, vopts));
                    await(c.query(Q_ROWS_SETUP).execute());
                    await(c.close());
                    yield vertxLoop("b", ROWS_CONC, conns, pool, Q_ROWS, Tuple.of(ROWS_N));
                }
                case "c" -> vertxBatch();
                default -> throw new IllegalArgumentException(w + ": vertx-pg-client 5 has no COPY FROM STDIN");
            });
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    }

    SqlClient client(int conc, int conns, boolean pool) throws Exception {
        int n = conns == 0 ? conc : conns;
        if (pool) return PgBuilder.pool().with(new PoolOptions().setMaxSize(n)).connectingTo(vopts).using(vertx).build();
        if (n == 1) return await(PgConnection.connect(vertx, vopts));
        return PgBuilder.client().with(new PoolOptions().setMaxSize(n)).connectingTo(vopts).using(vertx).build();
    }

    static int consume(RowSet<Row> rs) {
        int n = 0;
        long s = 0;
        for (Row r : rs) {
            if (r.size() == 1) s += r.getInteger(0);
            else s += r.getInteger(0) + r.getLong(1) + (long) r.getDouble(2).doubleValue() + r.getString(3).length()
                    + (r.getBoolean(4) ? 1 : 0) + r.getOffsetDateTime(5).getSecond();
            n++;
        }
        sink += s;
        return n;
    }

    /** {@code conc} callback chains on the event loop, each issuing its next query when the last completes. */
    Lat vertxPhase(SqlClient c, String sql, Tuple args, int conc, double seconds) throws Exception {
        PreparedQuery<RowSet<Row>> q = c.preparedQuery(sql);
        Lat lat = new Lat();
        CompletableFuture<Void> done = new CompletableFuture<>();
        int[] active = {conc};
        long[] deadline = new long[1];
        Runnable[] issue = new Runnable[1];
        issue[0] = () -> {
            long t = System.nanoTime();
            if (t >= deadline[0]) {
                if (--active[0] == 0) done.complete(null);
                return;
            }
            q.execute(args).onComplete(ar -> {
                if (ar.failed()) {
                    done.completeExceptionally(ar.cause());
                    return;
                }
                lat.rows += consume(ar.result());
                lat.add(System.nanoTime() - t);
                issue[0].run();
            });
        };
        vertx.runOnContext(v -> {
            deadline[0] = System.nanoTime() + (long) (seconds * 1e9);
            for (int i = 0; i < conc; i++) issue[0].run();
        });
        done.get((long) seconds + 120, TimeUnit.SECONDS);
        return lat;
    }

    Map<String, Object> vertxLoop(String name, int conc, int conns, boolean pool, String sql, Tuple args) throws Exception {
        SqlClient c = client(conc, conns, pool);
        vertxPhase(c, sql, args, conc, warmup);
        long[] s0 = cpu();
        long t0 = System.nanoTime();
        Lat lat = vertxPhase(c, sql, args, conc, duration);
        double wall = (System.nanoTime() - t0) / 1e9;
        long[] s1 = cpu();
        await(c.close());
        return result(name, conc, conns == 0 ? conc : conns, lat.n, lat.rows, wall, diff(s0, s1), lat.sortedMicros());
    }

    Map<String, Object> vertxBatch() throws Exception {
        PgConnection c = await(PgConnection.connect(vertx, vopts));
        await(c.query(String.format(DDL, "bench_insert")).execute());
        List<Tuple> full = new ArrayList<>(INSERT_N);
        for (int i = 0; i < INSERT_N; i++) full.add(Tuple.of(10, 11, 10, "TESTTESTTEST", 10.333, 12341234, "123412341234"));
        List<Tuple> warm = full.subList(0, INSERT_N / 10);
        long end = System.nanoTime() + (long) (warmup * 1e9);
        do {
            await(c.query("TRUNCATE bench_insert").execute());
            await(txBatch(c, warm));
        } while (System.nanoTime() < end);
        long[] acc = new long[3];
        double wall = 0;
        int ops = 0;
        List<Long> opNs = new ArrayList<>();
        while (wall < duration && ops < 100) {
            await(c.query("TRUNCATE bench_insert").execute());
            long[] s0 = cpu();
            long t0 = System.nanoTime();
            await(txBatch(c, full));
            long t1 = System.nanoTime();
            long[] d = diff(s0, cpu());
            for (int i = 0; i < 3; i++) acc[i] += d[i];
            wall += (t1 - t0) / 1e9;
            ops++;
            opNs.add(t1 - t0);
        }
        await(c.query("DROP TABLE bench_insert").execute());
        await(c.close());
        double[] us = opNs.stream().mapToDouble(x -> x / 1e3).sorted().toArray();
        return result("c", 1, 1, ops, (long) ops * INSERT_N, wall, acc, us);
    }

    static Future<Void> txBatch(PgConnection c, List<Tuple> batch) {
        return c.begin().compose(tx -> c.preparedQuery(Q_INSERT).executeBatch(batch)
                .compose(r -> tx.commit(), e -> tx.rollback().compose(v -> Future.failedFuture(e))));
    }

    // ================================================================ measurement

    /** Latencies in ns, and rows. */
    static final class Lat {
        long[] ns = new long[1 << 14];
        int n;
        long rows;

        void add(long v) {
            if (n == ns.length) ns = Arrays.copyOf(ns, n * 2);
            ns[n++] = v;
        }

        void merge(Lat o) {
            for (int i = 0; i < o.n; i++) add(o.ns[i]);
            rows += o.rows;
        }

        double[] sortedMicros() {
            double[] us = new double[n];
            for (int i = 0; i < n; i++) us[i] = ns[i] / 1e3;
            Arrays.sort(us);
            return us;
        }
    }

    /** {client, server, machine busy} ticks now. */
    long[] cpu() throws Exception {
        long client = procTicks("self");
        long server = 0;
        if (postmaster > 0) {
            try (var ds = Files.newDirectoryStream(Path.of("/proc"))) {
                for (Path d : ds) {
                    String pid = d.getFileName().toString();
                    if (!pid.chars().allMatch(Character::isDigit)) continue;
                    String[] f = stat(pid);
                    if (f != null && (Integer.parseInt(pid) == postmaster || Integer.parseInt(f[1]) == postmaster)) {
                        server += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                }
            }
        }
        return new long[] {client, server, machine()[0]};
    }

    static long[] diff(long[] a, long[] b) {
        return new long[] {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    }

    static long procTicks(String pid) {
        String[] f = stat(pid);
        return f == null ? 0 : Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static String[] stat(String pid) {
        try {
            String s = Files.readString(Path.of("/proc", pid, "stat"));
            return s.substring(s.lastIndexOf(')') + 2).split(" ");
        } catch (Exception e) {
            return null;
        }
    }

    static long[] machine() throws Exception {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i <= 8; i++) total += Long.parseLong(f[i]);
        return new long[] {total - Long.parseLong(f[4]) - Long.parseLong(f[5]), total};
    }

    static double waitQuiet(double pct, double maxWait) throws Exception {
        double waited = 0;
        while (true) {
            long[] x = machine();
            Thread.sleep(2000);
            long[] y = machine();
            if (100.0 * (y[0] - x[0]) / Math.max(1, y[1] - x[1]) <= pct || waited >= maxWait) return waited;
            waited += 2;
        }
    }

    Map<String, Object> result(String w, int conc, int conns, long ops, long rows, double wall, long[] cpu, double[] us) throws Exception {
        double c = (double) cpu[0] / TICK, s = (double) cpu[1] / TICK;
        double other = Math.max(0, (double) cpu[2] / TICK - c - s);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("peer", peer);
        r.put("workload", w);
        r.put("conc", conc);
        r.put("conns", conns);
        r.put("ops", ops);
        r.put("rows", rows);
        r.put("wall_s", round(wall, 3));
        r.put("ops_per_s", round(ops / wall, 1));
        r.put("rows_per_s", round(rows / wall, 1));
        r.put("p50_us", us.length == 0 ? null : round(us[Math.min(us.length - 1, (int) (0.5 * us.length))], 1));
        r.put("p99_us", us.length == 0 ? null : round(us[Math.min(us.length - 1, (int) (0.99 * us.length))], 1));
        r.put("client_cpu_s", round(c, 2));
        r.put("server_cpu_s", round(s, 2));
        r.put("other_cpu_s", round(other, 2));
        r.put("client_us_per_op", ops == 0 ? null : round(c * 1e6 / ops, 2));
        r.put("client_ns_per_row", rows == 0 ? null : round(c * 1e9 / rows, 1));
        r.put("loadavg", Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        return r;
    }

    static double round(double v, int d) {
        double m = Math.pow(10, d);
        return Math.round(v * m) / m;
    }

    static String json(Map<String, Object> r) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : r.entrySet()) {
            if (sb.length() > 1) sb.append(", ");
            sb.append('"').append(e.getKey()).append("\": ");
            Object v = e.getValue();
            sb.append(v == null ? "null" : v instanceof Number ? v.toString() : "\"" + v + "\"");
        }
        return sb.append('}').toString();
    }
}
