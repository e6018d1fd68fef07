"""The benchmark's workloads (MagicStack/pgbench's, resized) and /proc CPU accounting, for pgpeer.py and report.py.

The Java programs (../../src/main/java/io/jasyncio/bench/pg/PgBench.java, java/.../PgPeer.java) repeat these
constants: change them together.
"""
import os
import time

Q_SELECT1 = 'SELECT 1'
ROWS_N, ROWS_CONC = 1000, 10
Q_ROWS_SETUP = ("CREATE TABLE IF NOT EXISTS bench_rows AS SELECT i AS a, i::int8 * 1000 AS b, "
                "i::float8 / 7 AS c, 'row-' || i AS d, (i % 2 = 0) AS e, "
                "timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second' AS f "
                "FROM generate_series(1, 1000) AS i")
Q_ROWS = "SELECT a, b, c, d, e, f FROM bench_rows WHERE a <= $1"
COLS = ['a', 'b', 'c', 'd', 'e', 'f', 'g']
ROW = (10, 11, 10, 'TESTTESTTEST', 10.333, 12341234, '123412341234')
DDL = 'CREATE UNLOGGED TABLE IF NOT EXISTS {} (a int, b int, c int, d text, e float8, f int, g text)'
Q_INSERT = 'INSERT INTO bench_insert (a, b, c, d, e, f, g) VALUES ($1, $2, $3, $4, $5, $6, $7)'
Q_COPY = 'COPY bench_copy (a, b, c, d, e, f, g) FROM STDIN'
INSERT_N, COPY_N = 100_000, 1_000_000
TICK = os.sysconf('SC_CLK_TCK')


def _stat(pid):
    with open('/proc/%s/stat' % pid, 'rb') as f:
        s = f.read()
    return s[s.rindex(b')') + 2:].split()


def machine():
    with open('/proc/stat') as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return sum(v) - v[3] - v[4], sum(v)


def snapshot(postmaster):
    """(client ticks, server ticks, machine busy ticks, {backend pid: ticks})."""
    f = _stat('self')
    client = int(f[11]) + int(f[12])
    server, per = 0, {}
    if postmaster:
        for d in os.listdir('/proc'):
            if not d.isdigit():
                continue
            try:
                s = _stat(d)
            except (OSError, ValueError):
                continue
            if int(d) == postmaster or int(s[1]) == postmaster:
                t = int(s[11]) + int(s[12])
                server += t
                if int(d) != postmaster:
                    per[int(d)] = t
    return client, server, machine()[0], per


def wait_quiet(pct, max_wait):
    waited = 0.0
    while True:
        b0, t0 = machine()
        time.sleep(2)
        b1, t1 = machine()
        if 100.0 * (b1 - b0) / max(1, t1 - t0) <= pct or waited >= max_wait:
            return waited
        waited += 2


def result(peer, workload, conc, conns, ops, rows, wall, cpu, lat_us, busy=None):
    """cpu: (client, server, machine busy) ticks used in the window."""
    c, s = cpu[0] / TICK, cpu[1] / TICK
    other = max(0.0, cpu[2] / TICK - c - s)
    pct = lambda q: round(lat_us[min(len(lat_us) - 1, int(q * len(lat_us)))], 1) if lat_us else None
    return {'peer': peer, 'workload': workload, 'conc': conc, 'conns': conns, 'ops': ops, 'rows': rows,
            'wall_s': round(wall, 3), 'ops_per_s': round(ops / wall, 1), 'rows_per_s': round(rows / wall, 1),
            'p50_us': pct(0.5), 'p99_us': pct(0.99), 'client_cpu_s': round(c, 2), 'server_cpu_s': round(s, 2),
            'other_cpu_s': round(other, 2), 'client_us_per_op': round(c * 1e6 / ops, 2) if ops else None,
            'client_ns_per_row': round(c * 1e9 / rows, 1) if rows else None, 'busy_backends': busy,
            'loadavg': open('/proc/loadavg').read().split()[0]}
