#!/usr/bin/python3
"""Markdown tables from bench/pg/run.sh's JSON lines: one table per workload, a row per client (the median over
the rounds in the files given, with the min-max of throughput), and per workload how jasyncio's best mode
compares with the best peer (throughput, client CPU per query or row, and p50 at one in flight).

    /usr/bin/python3 bench/pg/report.py /tmp/jasyncio-pg-bench/results-*.jsonl
"""
import json
import statistics
import sys

TITLES = {
    'a1': '(a) `SELECT 1`, 1 query in flight',
    'a32': '(a) `SELECT 1`, 32 queries in flight',
    'b': '(b) 1,000-row result, 6 typed columns (every value decoded), 10 queries in flight',
    'c': '(c) executemany / batch INSERT, 100k rows in one transaction, 1 connection',
    'd': '(d) COPY FROM STDIN, 1M rows, 1 connection',
}


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def f(v, nd=0):
    return '—' if v is None else '{:,.{}f}'.format(v, nd)


def main(paths):
    rows, header = [], []
    for p in paths:
        for line in open(p):
            line = line.strip()
            if line.startswith('#'):
                header.append(line[1:].strip())
            elif line:
                rows.append(json.loads(line))
    for h in dict.fromkeys(header):
        print('- ' + h)
    order = list(dict.fromkeys(r['peer'] for r in rows))
    for w, title in TITLES.items():
        sel = [r for r in rows if r['workload'] == w]
        if not sel:
            continue
        bulk = w in ('c', 'd')
        print('\n### ' + title + '\n')
        if bulk:
            print('| client | rows/s | s per op | client CPU % | client ns/row | server CPU % | other CPU % | rounds (rows/s) |')
            print('|---|---:|---:|---:|---:|---:|---:|---|')
        else:
            print('| client | conns (busy) | queries/s | rows/s | p50 µs | p99 µs | client CPU % | client µs/query | server CPU % | other CPU % | rounds (q/s) |')
            print('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|')
        summary = {}
        for peer in order:
            rs = [r for r in sel if r['peer'] == peer]
            if not rs:
                continue
            m = {k: med([r.get(k) for r in rs]) for k in ('ops_per_s', 'rows_per_s', 'p50_us', 'p99_us', 'client_cpu_s',
                                                            'server_cpu_s', 'other_cpu_s', 'wall_s', 'client_us_per_op',
                                                            'client_ns_per_row', 'conns', 'busy_backends', 'ops')}
            cpu = lambda k: 100 * m[k] / m['wall_s'] if m[k] is not None and m['wall_s'] else None
            spread = '%d: %s–%s' % (len(rs), f(min(r['ops_per_s' if not bulk else 'rows_per_s'] for r in rs)),
                                    f(max(r['ops_per_s' if not bulk else 'rows_per_s'] for r in rs)))
            summary[peer] = m
            if bulk:
                print('| %s | %s | %s | %s | %s | %s | %s | %s |' % (peer, f(m['rows_per_s']), f(m['wall_s'] / m['ops'], 2),
                      f(cpu('client_cpu_s')), f(m['client_ns_per_row']), f(cpu('server_cpu_s')), f(cpu('other_cpu_s')), spread))
            else:
                busy = '%s (%s)' % (f(m['conns']), f(m['busy_backends'])) if m['busy_backends'] is not None else f(m['conns'])
                print('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (peer, busy, f(m['ops_per_s']), f(m['rows_per_s']),
                      f(m['p50_us']), f(m['p99_us']), f(cpu('client_cpu_s')), f(m['client_us_per_op'], 1),
                      f(cpu('server_cpu_s')), f(cpu('other_cpu_s')), spread))
        ours = {p: m for p, m in summary.items() if p.startswith('jasyncio')}
        peers = {p: m for p, m in summary.items() if not p.startswith('jasyncio')}
        if ours and peers:
            key = 'rows_per_s' if bulk else 'ops_per_s'
            cost = 'client_ns_per_row' if bulk else 'client_us_per_op'
            bo = max(ours, key=lambda p: ours[p][key])
            bp = max(peers, key=lambda p: peers[p][key])
            cp = min((p for p in peers if peers[p][cost]), key=lambda p: peers[p][cost], default=None)
            line = '\n%s vs the best peer (%s): %.2f× its throughput' % (bo, bp, ours[bo][key] / peers[bp][key])
            if cp and ours[bo][cost]:
                line += '; client CPU per %s %.2f× the cheapest peer\'s (%s)' % ('row' if bulk else 'query',
                                                                              ours[bo][cost] / peers[cp][cost], cp)
            if w == 'a1' and 'asyncpg-uvloop' in peers and ours[bo]['p50_us']:
                line += '; p50 %.0f µs vs asyncpg-uvloop %.0f µs' % (ours[bo]['p50_us'], peers['asyncpg-uvloop']['p50_us'])
            print(line + '.')


if __name__ == '__main__':
    main(sys.argv[1:])
