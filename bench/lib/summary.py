"""The summary tables of a side-by-side benchmark (bench/http/run.sh, https.sh, bench/http2/run.sh).

Reads the raw TSV the script wrote (columns round, server, conns, then one column a metric; FAIL in the
first metric where the measurement failed) and prints, in Markdown:
- the median of each metric over the rounds, a row a server and a column a connection count: the first
  metric's median, then the others' in parentheses ("12,345 (8.1; 0.52)"), or FAIL where every round failed;
- for each --ratio, jasyncio's ratio to every peer, taken within each round, as the median and the range over
  the rounds. A metric named as 1/COLUMN is compared by its inverse (CPU per request -> requests per
  CPU-second); a round where such a column is not above 0 for either server is left out of every ratio.

  python3 summary.py RAW --title 'Median over {rounds} round(s): ...' --cell req_per_s:,.0f --cell cpu_us_per_req:.1f \\
      --ratio req_per_s 'jasyncio / peer, requests/s: ...' --ratio 1/cpu_us_per_req '...'
"""
import argparse
import csv
import statistics

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("raw", help="the raw TSV")
ap.add_argument("--title", required=True, help="the first table's title; {rounds} is the number of rounds")
ap.add_argument("--cell", action="append", required=True, metavar="COLUMN:FORMAT",
                help="a metric and its format (Python's format spec); the first is the main one")
ap.add_argument("--ratio", action="append", nargs=2, default=[], metavar=("COLUMN", "HEADING"),
                help="a table of jasyncio / peer for COLUMN (or 1/COLUMN), under HEADING")
args = ap.parse_args()

every = list(csv.DictReader(open(args.raw), delimiter="\t"))  # a server that failed everywhere still gets its row
cells = [c.rsplit(":", 1) for c in args.cell]
first = cells[0][0]
rows = [r for r in every if r[first] != "FAIL"]
servers = list(dict.fromkeys(r["server"] for r in every))
conns = list(dict.fromkeys(r["conns"] for r in every))
rounds = list(dict.fromkeys(r["round"] for r in every))
columns = {name for name, _ in cells} | {what.removeprefix("1/") for what, _ in args.ratio}
val = {name: {(r["round"], r["server"], r["conns"]): float(r[name]) for r in rows} for name in columns}
header = " | ".join(f"-c{c}" for c in conns) + " |\n|---|" + "---:|" * len(conns)

print("\n" + args.title.replace("{rounds}", str(len(rounds))))
print("| server | " + header)
for s in servers:
    out = []
    for c in conns:
        meds = [statistics.median(m) for name, _ in cells if (m := [val[name][k] for rd in rounds if (k := (rd, s, c)) in val[name]])]
        if not meds:
            out.append("FAIL")
            continue
        text = [format(m, fmt) for m, (_, fmt) in zip(meds, cells)]
        out.append(text[0] + (f" ({'; '.join(text[1:])})" if len(text) > 1 else ""))
    print(f"| {s} | " + " | ".join(out) + " |")

inverted = [what[2:] for what, _ in args.ratio if what.startswith("1/")]
def comparable(rd, s, c):
    k = (rd, s, c)
    return k in val[first] and all(val[name][k] > 0 for name in inverted)

if "jasyncio" in servers and len(servers) > 1:
    for what, heading in args.ratio:
        name = what.removeprefix("1/")
        of = (lambda k: 1 / val[name][k]) if what.startswith("1/") else (lambda k: val[name][k])
        print("\n" + heading)
        print("| peer | " + header)
        for s in servers:
            if s == "jasyncio":
                continue
            out = []
            for c in conns:
                q = [of((rd, "jasyncio", c)) / of((rd, s, c)) for rd in rounds
                     if comparable(rd, "jasyncio", c) and comparable(rd, s, c)]
                out.append(f"{statistics.median(q):.2f} [{min(q):.2f}-{max(q):.2f}]" if q else "-")
            print(f"| {s} | " + " | ".join(out) + " |")
