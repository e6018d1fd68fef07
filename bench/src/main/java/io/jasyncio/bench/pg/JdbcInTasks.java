package io.jasyncio.bench.pg;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link PgBench}'s {@code --conns jdbc}: PgJDBC called inside jasyncio tasks, one blocking connection per task, on
 * the query workloads (a, b). With the default engine each blocking call parks only its task (the JDK's socket I/O
 * under a loop-scheduled virtual thread); with the portable engine it would block the loop.
 *
 * <p>Threading: in tasks of the running loop.
 */
final class JdbcInTasks {
    private JdbcInTasks() {}

    static Map<String, Object> run(PgBench b, String w) throws Exception {
        String url = "jdbc:postgresql://" + b.args().getOrDefault("host", "127.0.0.1") + ":" + b.args().getOrDefault("port", "5432")
                + "/postgres?user=postgres&sslmode=disable";
        int n;
        String sql;
        int arg = 0;
        switch (w) {
            case "a1" -> {
                n = 1;
                sql = PgBench.Q_SELECT1;
            }
            case "a32" -> {
                n = 32;
                sql = PgBench.Q_SELECT1;
            }
            case "b" -> {
                n = PgBench.ROWS_CONC;
                sql = PgBench.Q_ROWS.replace("$1", "?");
                arg = PgBench.ROWS_N;
                try (Connection c = DriverManager.getConnection(url)) {
                    c.createStatement().execute(PgBench.Q_ROWS_SETUP);
                }
            }
            default -> throw new IllegalArgumentException("the jdbc mode runs a1, a32 and b, not " + w);
        }
        List<Connection> conns = new ArrayList<>();
        for (int i = 0; i < n; i++) conns.add(DriverManager.getConnection(url));
        try {
            phase(conns, sql, arg, b.warmup());
            ProcCpu.Snapshot s0 = ProcCpu.snapshot(b.postmaster());
            long t0 = System.nanoTime();
            PgBench.Latencies lat = phase(conns, sql, arg, b.duration());
            double wall = (System.nanoTime() - t0) / 1e9;
            ProcCpu.Snapshot s1 = ProcCpu.snapshot(b.postmaster());
            Map<String, Object> r = b.result(w, n, lat.count, lat.rows, wall, s0, s1, lat.sorted());
            r.put("conns", n);
            r.put("busy_backends", ProcCpu.busy(s0, s1));
            return r;
        } finally {
            for (Connection c : conns) c.close();
        }
    }

    private static PgBench.Latencies phase(List<Connection> conns, String sql, int arg, double seconds) throws Exception {
        PgBench.Latencies lat = new PgBench.Latencies();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        List<Task<Void>> ts = new ArrayList<>();
        for (Connection c : conns) {
            ts.add(Asyncio.createTask(() -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    if (arg != 0) ps.setInt(1, arg);
                    while (true) {
                        long t = System.nanoTime();
                        if (t >= deadline) return null;
                        long s = 0;
                        int rows = 0;
                        try (ResultSet rs = ps.executeQuery()) { // blocking: parks this task only (vthread engine)
                            while (rs.next()) {
                                rows++;
                                if (arg == 0) s += rs.getInt(1);
                                else s += rs.getInt(1) + rs.getLong(2) + (long) rs.getDouble(3) + rs.getString(4).length()
                                        + (rs.getBoolean(5) ? 1 : 0) + rs.getObject(6, OffsetDateTime.class).getSecond();
                            }
                        }
                        if (s == 42) System.err.print("");
                        lat.rows += rows;
                        lat.add((System.nanoTime() - t) / 1e3);
                    }
                }
            }));
        }
        for (Task<Void> t : ts) Asyncio.await(t);
        return lat;
    }
}
