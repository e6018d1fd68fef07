package io.jasyncio.bench.pg;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time from /proc for the PostgreSQL benchmark: this process (all its threads), the server (the postmaster and
 * all its children) and the whole machine, in clock ticks; a snapshot at each edge of a measured window.
 *
 * <p>Threading: stateless; call from any thread.
 */
final class ProcCpu {
    private ProcCpu() {}

    static final int TICK = Integer.parseInt(System.getenv().getOrDefault("PGBENCH_CLK_TCK", "100"));

    /** Ticks at one moment: client, server, machine busy, machine total, and per client backend. */
    record Snapshot(long client, long server, long busy, long total, Map<Integer, Long> backends) {}

    static Snapshot snapshot(int postmaster) {
        long client = ticks("self");
        long server = 0;
        Map<Integer, Long> per = new HashMap<>();
        if (postmaster > 0) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
                for (Path d : ds) {
                    int pid = Integer.parseInt(d.getFileName().toString());
                    String[] f = fields(String.valueOf(pid));
                    if (f == null) continue;
                    if (pid == postmaster || Integer.parseInt(f[1]) == postmaster) {
                        long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                        server += t;
                        if (pid != postmaster) per.put(pid, t);
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("reading /proc: " + e, e);
            }
        }
        long[] m = machine();
        return new Snapshot(client, server, m[0], m[1], per);
    }

    /** Backends that used at least 2 ticks between the snapshots. */
    static int busy(Snapshot a, Snapshot b) {
        int n = 0;
        for (Map.Entry<Integer, Long> e : b.backends().entrySet()) {
            if (e.getValue() - a.backends().getOrDefault(e.getKey(), 0L) >= 2) n++;
        }
        return n;
    }

    private static long ticks(String pid) {
        String[] f = fields(pid);
        return f == null ? 0 : Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** The fields of /proc/PID/stat after the command name, or null if the process is gone. */
    private static String[] fields(String pid) {
        try {
            String s = Files.readString(Path.of("/proc", pid, "stat"));
            return s.substring(s.lastIndexOf(')') + 2).split(" ");
        } catch (IOException e) {
            return null;
        }
    }

    /** {busy, total} ticks of the whole machine. */
    static long[] machine() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i <= 8; i++) total += Long.parseLong(f[i]);
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException e) {
            throw new IllegalStateException("reading /proc/stat: " + e, e);
        }
    }

    /** Waits until the machine is at most {@code pct} % busy over 2 s, at most {@code maxWait} s; returns the wait. */
    static double waitQuiet(double pct, double maxWait) throws InterruptedException {
        double waited = 0;
        while (true) {
            long[] a = machine();
            Thread.sleep(2000);
            long[] b = machine();
            double busy = 100.0 * (b[0] - a[0]) / Math.max(1, b[1] - a[1]);
            if (busy <= pct || waited >= maxWait) return waited;
            waited += 2;
        }
    }
}
