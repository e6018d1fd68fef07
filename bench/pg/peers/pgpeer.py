#!/usr/bin/python3
"""The Python peers of bench/pg/run.sh: asyncpg (on uvloop or asyncio) and psycopg 3 async, on the workloads of
workloads.py. One JSON object per workload on stdout, a line per try on stderr. Debian's packages only
(python3-asyncpg, python3-psycopg, python3-uvloop); run with /usr/bin/python3.

    /usr/bin/python3 pgpeer.py --driver asyncpg --loop uvloop --port 5432 --postmaster PID
"""
import argparse
import array
import asyncio
import json
import sys
import time

import workloads as W


class Asyncpg:
    async def connect(self, a):
        import asyncpg
        return await asyncpg.connect(host=a.host, port=a.port, user='postgres', database='postgres', ssl=False)

    def select1(self, c):
        async def op():
            await c.fetchval(W.Q_SELECT1)
            return 1
        return op

    def rows(self, c):
        async def op():
            return len(await c.fetch(W.Q_ROWS, W.ROWS_N))  # asyncpg decodes every value into Python objects
        return op

    async def insert(self, c, rows):
        async with c.transaction():
            await c.executemany(W.Q_INSERT, rows)

    async def copy(self, c, rows):
        await c.copy_records_to_table('bench_copy', records=rows, columns=W.COLS)

    async def execute(self, c, sql):
        await c.execute(sql)


class Psycopg:
    async def connect(self, a):
        import psycopg
        return await psycopg.AsyncConnection.connect(host=a.host, port=a.port, user='postgres', dbname='postgres',
                                                     sslmode='disable', autocommit=True)

    def select1(self, c):
        cur = c.cursor()

        async def op():
            await cur.execute(W.Q_SELECT1)
            await cur.fetchone()
            return 1
        return op

    def rows(self, c):
        cur = c.cursor()
        q = W.Q_ROWS.replace('$1', '%s')

        async def op():
            await cur.execute(q, (W.ROWS_N,))
            return len(await cur.fetchall())
        return op

    async def insert(self, c, rows):
        q = W.Q_INSERT
        for i in range(7, 0, -1):
            q = q.replace('$%d' % i, '%s')
        async with c.transaction():
            async with c.cursor() as cur:
                await cur.executemany(q, rows)

    async def copy(self, c, rows):
        async with c.cursor() as cur:
            async with cur.copy(W.Q_COPY) as cp:
                for r in rows:
                    await cp.write_row(r)

    async def execute(self, c, sql):
        await c.execute(sql)


async def queries(a, d, name, n, make):
    conns = [await d.connect(a) for _ in range(n)]
    ops = [make(c) for c in conns]
    perf = time.perf_counter

    async def worker(op, deadline, lat):
        rows = 0
        while perf() < deadline:
            t = perf()
            rows += await op()
            lat.append(perf() - t)
        return rows

    async def phase(seconds):
        lat = array.array('d')
        start = perf()
        rows = await asyncio.gather(*(worker(op, start + seconds, lat) for op in ops))
        return lat, sum(rows), perf() - start

    await phase(a.warmup)
    s0 = W.snapshot(a.postmaster)
    lat, rows, wall = await phase(a.duration)
    s1 = W.snapshot(a.postmaster)
    for c in conns:
        await c.close()
    busy = sum(1 for p, t in s1[3].items() if t - s0[3].get(p, 0) >= 2)
    return W.result(a.peer, name, n, n, len(lat), rows, wall, [s1[i] - s0[i] for i in range(3)],
                    sorted(x * 1e6 for x in lat), busy)


async def bulk(a, d, name, table, n, fn):
    c = await d.connect(a)
    await d.execute(c, W.DDL.format(table))
    warm, full = [W.ROW] * (n // 10), [W.ROW] * n
    end = time.perf_counter() + a.warmup
    while True:
        await d.execute(c, 'TRUNCATE ' + table)
        await fn(c, warm)
        if time.perf_counter() >= end:
            break
    cpu, wall, ops, op_us = [0, 0, 0], 0.0, 0, []
    while wall < a.duration and ops < 100:
        await d.execute(c, 'TRUNCATE ' + table)
        s0 = W.snapshot(a.postmaster)
        t0 = time.perf_counter()
        await fn(c, full)
        t1 = time.perf_counter()
        s1 = W.snapshot(a.postmaster)
        cpu = [cpu[i] + s1[i] - s0[i] for i in range(3)]
        wall += t1 - t0
        ops += 1
        op_us.append((t1 - t0) * 1e6)
    await d.execute(c, 'DROP TABLE ' + table)
    await c.close()
    return W.result(a.peer, name, 1, 1, ops, ops * n, wall, cpu, sorted(op_us))


async def workload(a, d, w):
    if w == 'a1':
        return await queries(a, d, 'a1', 1, d.select1)
    if w == 'a32':
        return await queries(a, d, 'a32', 32, d.select1)
    if w == 'b':
        c = await d.connect(a)
        await d.execute(c, W.Q_ROWS_SETUP)
        await c.close()
        return await queries(a, d, 'b', W.ROWS_CONC, d.rows)
    if w == 'c':
        return await bulk(a, d, 'c', 'bench_insert', W.INSERT_N, d.insert)
    if w == 'd':
        return await bulk(a, d, 'd', 'bench_copy', W.COPY_N, d.copy)
    raise SystemExit('unknown workload ' + w)


async def main(a):
    d = Asyncpg() if a.driver == 'asyncpg' else Psycopg()
    for w in a.workloads.split(','):
        best = None
        for t in range(1, a.retries + 2):
            waited = W.wait_quiet(a.quiet_pct, a.quiet_max)
            r = await workload(a, d, w)
            r['tries'], r['waited_s'] = t, waited
            print('%-18s %-4s ops/s=%s rows/s=%s p50=%sus client=%.2fs server=%.2fs other=%.2fs try=%d' % (
                r['peer'], w, r['ops_per_s'], r['rows_per_s'], r['p50_us'], r['client_cpu_s'], r['server_cpu_s'],
                r['other_cpu_s'], t), file=sys.stderr, flush=True)
            if best is None or r['other_cpu_s'] / r['wall_s'] < best['other_cpu_s'] / best['wall_s']:
                best = r
            if r['other_cpu_s'] / r['wall_s'] <= a.other_max:
                break
        print(json.dumps(best), flush=True)


if __name__ == '__main__':
    p = argparse.ArgumentParser()
    p.add_argument('--driver', choices=['asyncpg', 'psycopg'], required=True)
    p.add_argument('--loop', choices=['uvloop', 'asyncio'], default='asyncio')
    p.add_argument('--peer')
    p.add_argument('--host', default='127.0.0.1')
    p.add_argument('--port', type=int, default=5432)
    p.add_argument('--duration', type=float, default=10)
    p.add_argument('--warmup', type=float, default=5)
    p.add_argument('--workloads', default='a1,a32,b,c,d')
    p.add_argument('--postmaster', type=int, default=0)
    p.add_argument('--quiet-pct', type=float, default=10)
    p.add_argument('--quiet-max', type=float, default=60)
    p.add_argument('--other-max', type=float, default=0.15)
    p.add_argument('--retries', type=int, default=2)
    a = p.parse_args()
    a.peer = a.peer or '%s-%s' % (a.driver, a.loop)
    if a.loop == 'uvloop':
        import uvloop
        uvloop.install()
    asyncio.run(main(a))
