package io.jasyncio.bench.pg;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.pg.Connection;
import io.jasyncio.pg.ConnectOptions;
import io.jasyncio.pg.Pg;
import io.jasyncio.pg.Record;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * jasyncio's PostgreSQL driver on the benchmark workloads of {@code bench/pg/run.sh} (MagicStack pgbench's, resized as
 * the peers': {@code bench/pg/peers/}): (a) {@code SELECT 1} at 1 and 32 in flight, (b) a 1,000-row six-column result
 * at 10 in flight, every value decoded, (c) executemany of 100k rows in a transaction, (d) binary COPY of 1M rows.
 * Prints one JSON object per workload (the peers' fields) on stdout, a summary line per try on stderr.
 *
 * <pre>
 * java -cp ... io.jasyncio.bench.pg.PgBench --port 5432 --postmaster PID [--conns pipe|each] [--workloads a1,a32,b,c,d]
 * </pre>
 *
 * {@code --conns pipe}: the in-flight queries are tasks sharing one connection (pipelined); {@code each}: one
 * connection per task, as asyncpg's and PgJDBC's peers; {@code jdbc}: the other route, PgJDBC called (blocking)
 * inside each task, one connection per task (with the default engine the blocking call parks only its task).
 *
 * <p>Threading: runs one event loop per workload on the main thread.
 */
public final class PgBench {
    static final String Q_SELECT1 = "SELECT 1";
    static final String Q_ROWS_SETUP = "CREATE TABLE IF NOT EXISTS bench_rows AS SELECT i AS a, i::int8 * 1000 AS b, "
            + "i::float8 / 7 AS c, 'row-' || i AS d, (i % 2 = 0) AS e, "
            + "timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second' AS f FROM generate_series(1, 1000) AS i";
    static final String Q_ROWS = "SELECT a, b, c, d, e, f FROM bench_rows WHERE a <= $1";
    static final String DDL = "CREATE UNLOGGED TABLE IF NOT EXISTS %s (a int, b int, c int, d text, e float8, f int, g text)";
    static final String Q_INSERT = "INSERT INTO bench_insert (a, b, c, d, e, f, g) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    static final List<String> COLS = List.of("a", "b", "c", "d", "e", "f", "g");
    static final Object[] ROW = {10, 11, 10, "TESTTESTTEST", 10.333, 12341234, "123412341234"};
    static final int ROWS_N = 1000, ROWS_CONC = 10, INSERT_N = 100_000, COPY_N = 1_000_000;

    private final Map<String, String> a;
    private final String dsn;
    private final double duration, warmup;
    private final int postmaster;
    private final boolean pipe;
    /** ConnectOptions.withGroupReads for the query workloads' connections ({@code --group-reads true}). */
    private final boolean groupReads;
    private final boolean jdbc;
    private final String peer;

    private PgBench(Map<String, String> a) {
        this.a = a;
        this.dsn = "postgresql://postgres@" + a.getOrDefault("host", "127.0.0.1") + ":" + a.getOrDefault("port", "5432")
                + "/postgres?sslmode=disable";
        this.duration = Double.parseDouble(a.getOrDefault("duration", "10"));
        this.warmup = Double.parseDouble(a.getOrDefault("warmup", "5"));
        this.postmaster = Integer.parseInt(a.getOrDefault("postmaster", "0"));
        this.pipe = a.getOrDefault("conns", "pipe").equals("pipe");
        this.groupReads = Boolean.parseBoolean(a.getOrDefault("group-reads", "false"));
        this.jdbc = a.getOrDefault("conns", "pipe").equals("jdbc");
        this.peer = a.getOrDefault("peer", pipe ? "jasyncio-pipe1" : jdbc ? "jasyncio-jdbc" : "jasyncio-connN");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected --name value, got " + args[i]);
            a.put(args[i].substring(2), args[i + 1]);
        }
        PgBench b = new PgBench(a);
        for (String w : a.getOrDefault("workloads", "a1,a32,b,c,d").split(",")) b.measure(w);
    }

    /** One workload, measured again (keeping the cleanest window) while other work on the machine spoiled it. */
    private void measure(String w) throws Exception {
        int retries = Integer.parseInt(a.getOrDefault("retries", "2"));
        double otherMax = Double.parseDouble(a.getOrDefault("other-max", "0.15"));
        Map<String, Object> best = null;
        for (int t = 1; t <= 1 + retries; t++) {
            double waited = ProcCpu.waitQuiet(Double.parseDouble(a.getOrDefault("quiet-pct", "10")),
                    Double.parseDouble(a.getOrDefault("quiet-max", "60")));
            Map<String, Object> r = Asyncio.run(() -> run(w));
            r.put("tries", t);
            r.put("waited_s", waited);
            System.err.println(oneLine(r) + " try=" + t);
            double other = (double) r.get("other_cpu_s") / (double) r.get("wall_s");
            if (best == null || other < (double) best.get("other_cpu_s") / (double) best.get("wall_s")) best = r;
            if (other <= otherMax) break;
        }
        System.out.println(json(best));
        System.out.flush();
    }

    private Map<String, Object> run(String w) throws Exception {
        if (jdbc) return JdbcInTasks.run(this, w);
        return switch (w) {
            case "a1" -> queries("a1", 1, c -> {
                c.fetchval(Q_SELECT1);
                return 1;
            });
            case "a32" -> queries("a32", 32, c -> {
                c.fetchval(Q_SELECT1);
                return 1;
            });
            case "b" -> {
                try (Connection c = Pg.connect(dsn)) {
                    c.execute(Q_ROWS_SETUP);
                }
                yield queries("b", ROWS_CONC, PgBench::rows);
            }
            case "c" -> bulk("c", "bench_insert", INSERT_N, (c, rows) -> c.transaction(() -> {
                c.executemany(Q_INSERT, rows);
                return null;
            }));
            case "d" -> bulk("d", "bench_copy", COPY_N, (c, rows) -> c.copyRecordsToTable("bench_copy", null, COLS, rows));
            default -> throw new IllegalArgumentException("unknown workload " + w);
        };
    }

    /** (b): every value decoded into a Java object, as the peers do. */
    private static int rows(Connection c) {
        List<Record> rs = c.fetch(Q_ROWS, ROWS_N);
        long sink = 0;
        for (Record r : rs) {
            sink += r.getInt(0) + r.getLong(1) + (long) r.getDouble(2) + r.getString(3).length() + (r.getBoolean(4) ? 1 : 0);
            OffsetDateTime f = r.getOffsetDateTime(5);
            sink += f.getSecond();
        }
        if (sink == 42) System.err.print("");
        return rs.size();
    }

    interface Op {
        int run(Connection c) throws Exception;
    }

    interface Bulk {
        Object run(Connection c, List<Object[]> rows) throws Exception;
    }

    /** N workers loop one query until the deadline: on one shared connection (pipe) or one each. */
    private Map<String, Object> queries(String name, int n, Op op) throws Exception {
        List<Connection> conns = new ArrayList<>();
        for (int i = 0; i < (pipe ? 1 : n); i++) conns.add(Pg.connect(ConnectOptions.parse(dsn).withGroupReads(groupReads)));
        try {
            phase(conns, n, op, warmup);
            ProcCpu.Snapshot s0 = ProcCpu.snapshot(postmaster);
            long t0 = System.nanoTime();
            Latencies lat = phase(conns, n, op, duration);
            double wall = (System.nanoTime() - t0) / 1e9;
            ProcCpu.Snapshot s1 = ProcCpu.snapshot(postmaster);
            Map<String, Object> r = result(name, n, lat.count, lat.rows, wall, s0, s1, lat.sorted());
            r.put("conns", conns.size());
            r.put("busy_backends", ProcCpu.busy(s0, s1));
            return r;
        } finally {
            for (Connection c : conns) c.close();
        }
    }

    /** Latencies in µs (a growable primitive array) and the rows counted. */
    double duration() {
        return duration;
    }

    double warmup() {
        return warmup;
    }

    int postmaster() {
        return postmaster;
    }

    Map<String, String> args() {
        return a;
    }

    static final class Latencies {
        double[] us = new double[1 << 16];
        int count;
        long rows;

        void add(double v) {
            if (count == us.length) us = Arrays.copyOf(us, count * 2);
            us[count++] = v;
        }

        double[] sorted() {
            double[] s = Arrays.copyOf(us, count);
            Arrays.sort(s);
            return s;
        }
    }

    private static Latencies phase(List<Connection> conns, int n, Op op, double seconds) throws Exception {
        Latencies lat = new Latencies();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        List<Task<Void>> workers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Connection c = conns.get(i % conns.size());
            workers.add(Asyncio.createTask(() -> {
                while (true) {
                    long t = System.nanoTime();
                    if (t >= deadline) return null;
                    int got = op.run(c); // not "lat.rows += op.run(c)": that reads lat.rows before the task waits
                    lat.rows += got;
                    lat.add((System.nanoTime() - t) / 1e3);
                }
            }));
        }
        for (Task<Void> w : workers) Asyncio.await(w);
        return lat;
    }

    /** One connection repeats a bulk operation (TRUNCATE before each, not timed) until {@code duration} of it. */
    private Map<String, Object> bulk(String name, String table, int n, Bulk fn) throws Exception {
        try (Connection c = Pg.connect(ConnectOptions.parse(dsn))) {
            c.execute(String.format(DDL, table));
            List<Object[]> warm = java.util.Collections.nCopies(n / 10, ROW);
            List<Object[]> full = java.util.Collections.nCopies(n, ROW);
            long end = System.nanoTime() + (long) (warmup * 1e9);
            do {
                c.execute("TRUNCATE " + table);
                fn.run(c, warm);
            } while (System.nanoTime() < end);
            long client = 0, server = 0, busy = 0;
            double wall = 0;
            int ops = 0;
            List<Double> opUs = new ArrayList<>();
            while (wall < duration && ops < 100) {
                c.execute("TRUNCATE " + table);
                ProcCpu.Snapshot s0 = ProcCpu.snapshot(postmaster);
                long t0 = System.nanoTime();
                fn.run(c, full);
                long t1 = System.nanoTime();
                ProcCpu.Snapshot s1 = ProcCpu.snapshot(postmaster);
                client += s1.client() - s0.client();
                server += s1.server() - s0.server();
                busy += s1.busy() - s0.busy();
                wall += (t1 - t0) / 1e9;
                ops++;
                opUs.add((t1 - t0) / 1e3);
            }
            c.execute("DROP TABLE " + table);
            double[] us = opUs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            ProcCpu.Snapshot z = new ProcCpu.Snapshot(0, 0, 0, 0, Map.of());
            Map<String, Object> r = result(name, 1, ops, (long) ops * n, wall, z, new ProcCpu.Snapshot(client, server, busy, 0, Map.of()), us);
            r.put("conns", 1);
            return r;
        }
    }

    Map<String, Object> result(String w, int conc, long ops, long rows, double wall, ProcCpu.Snapshot s0,
            ProcCpu.Snapshot s1, double[] latUs) throws Exception {
        double c = (double) (s1.client() - s0.client()) / ProcCpu.TICK;
        double s = (double) (s1.server() - s0.server()) / ProcCpu.TICK;
        double other = Math.max(0, (double) (s1.busy() - s0.busy()) / ProcCpu.TICK - c - s);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("peer", peer);
        r.put("workload", w);
        r.put("conc", conc);
        r.put("ops", ops);
        r.put("rows", rows);
        r.put("wall_s", round(wall, 3));
        r.put("ops_per_s", round(ops / wall, 1));
        r.put("rows_per_s", round(rows / wall, 1));
        r.put("p50_us", latUs.length == 0 ? null : round(latUs[Math.min(latUs.length - 1, (int) (0.50 * latUs.length))], 1));
        r.put("p99_us", latUs.length == 0 ? null : round(latUs[Math.min(latUs.length - 1, (int) (0.99 * latUs.length))], 1));
        r.put("client_cpu_s", round(c, 2));
        r.put("server_cpu_s", round(s, 2));
        r.put("other_cpu_s", round(other, 2));
        r.put("client_us_per_op", ops == 0 ? null : round(c * 1e6 / ops, 2));
        r.put("client_ns_per_row", rows == 0 ? null : round(c * 1e9 / rows, 1));
        r.put("loadavg", java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0]);
        return r;
    }

    private static double round(double v, int digits) {
        double m = Math.pow(10, digits);
        return Math.round(v * m) / m;
    }

    private static String oneLine(Map<String, Object> r) {
        return String.format(Locale.ROOT, "%-18s %-4s c=%-3s ops/s=%-10s rows/s=%-11s p50=%sus p99=%sus client=%.2fs server=%.2fs other=%.2fs wall=%.1fs",
                r.get("peer"), r.get("workload"), r.get("conc"), r.get("ops_per_s"), r.get("rows_per_s"), r.get("p50_us"),
                r.get("p99_us"), (double) r.get("client_cpu_s"), (double) r.get("server_cpu_s"), (double) r.get("other_cpu_s"),
                (double) r.get("wall_s"));
    }

    private static String json(Map<String, Object> r) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : r.entrySet()) {
            if (sb.length() > 1) sb.append(", ");
            sb.append('"').append(e.getKey()).append("\": ");
            Object v = e.getValue();
            if (v == null) sb.append("null");
            else if (v instanceof Number) sb.append(v);
            else sb.append('"').append(v).append('"');
        }
        return sb.append('}').toString();
    }
}
