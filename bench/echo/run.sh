#!/usr/bin/env bash
# Echo-server throughput, side by side, one external client for all: jasyncio's protocol and streams servers,
# CPython asyncio and uvloop (streams and protocol, bench/echo/py_echo_server.py), Netty epoll on one thread
# and the C epoll server (both from ../shared/bench/peers), driven by the C one-thread client `echoload`.
#
#   bench/echo/run.sh            (knobs in the environment: ROUNDS=3 NUM=30000 SIZES="1000 10000" CONNS="3 100"
#                                 SERVERS="..." PORT=25300 RUN_TIMEOUT=120)
# Loopback only; every server and client run is bounded by timeout(1). Prints a Markdown table of medians.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
peers=${PEERS:-$root/../shared/bench/peers}
work=${WORK:-/tmp/jasyncio-echo-bench}
ROUNDS=${ROUNDS:-3}; NUM=${NUM:-30000}; SIZES=${SIZES:-"1000 10000"}; CONNS=${CONNS:-"3 100"}
PORT=${PORT:-25300}; RUN_TIMEOUT=${RUN_TIMEOUT:-120}
PY=/usr/bin/python3
die() { echo "echo-bench: $*" >&2; exit 1; }
[[ -d $peers ]] || die "peers not found at $peers (set PEERS=DIR)"
command -v gcc >/dev/null || die "gcc is needed for the C peers"

# ---- build the peers in a scratch copy (shared/ is read-only)
mkdir -p "$work"
for b in echo echoload; do
  [[ -x $work/$b && $work/$b -nt $peers/c-echo/$b.c ]] || gcc -O2 -Wall -o "$work/$b" "$peers/c-echo/$b.c"
done
java_home=$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)
netty_jar=$work/java-echo/target/java-echo.jar
if [[ ! -f $netty_jar ]]; then
  rm -rf "$work/java-echo"; cp -r "$peers/java-echo" "$work/java-echo"; chmod -R u+w "$work/java-echo"
  (cd "$work/java-echo" && JAVA_HOME=$java_home MAVEN_OPTS=--sun-misc-unsafe-memory-access=allow mvn -q -B package >/dev/null 2>&1) \
    || echo "echo-bench: Netty peer did not build; it is skipped" >&2
fi
"$root/bin/jasyncio" --version >/dev/null   # builds jasyncio if needed

declare -A CMD=(
  [jasyncio-protocol]="$root/bin/jasyncio echo-server --mode protocol --port @PORT@"
  [jasyncio-streams]="$root/bin/jasyncio echo-server --mode streams --port @PORT@"
  [asyncio-protocol]="$PY $here/py_echo_server.py --mode protocol --port @PORT@"
  [asyncio-streams]="$PY $here/py_echo_server.py --mode streams --port @PORT@"
  [uvloop-protocol]="$PY $here/py_echo_server.py --uvloop --mode protocol --port @PORT@"
  [uvloop-streams]="$PY $here/py_echo_server.py --uvloop --mode streams --port @PORT@"
  [netty-epoll-1t]="$java_home/bin/java -jar $netty_jar netty-epoll --port @PORT@ --threads 1"
  [c-epoll]="$work/echo @PORT@"
)
ORDER="jasyncio-protocol jasyncio-streams asyncio-protocol asyncio-streams uvloop-protocol uvloop-streams netty-epoll-1t c-epoll"
SERVERS=${SERVERS:-$ORDER}
$PY -c 'import uvloop' 2>/dev/null || { echo "echo-bench: no uvloop (apt-get install python3-uvloop): uvloop servers skipped" >&2; SERVERS=$(tr ' ' '\n' <<<"$SERVERS" | grep -v uvloop | xargs); }
[[ -f $netty_jar ]] || SERVERS=$(tr ' ' '\n' <<<"$SERVERS" | grep -v netty | xargs)

tpid=""
stop_server() { if [[ -n $tpid ]]; then kill -TERM "$tpid" 2>/dev/null || true; wait "$tpid" 2>/dev/null || true; tpid=""; fi; }
trap stop_server EXIT
trap 'stop_server; exit 130' INT TERM
wait_port() { for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

raw=$work/raw.tsv
printf 'round\tserver\tconns\tmsize\treq_per_s\n' > "$raw"
for round in $(seq "$ROUNDS"); do
  for s in $SERVERS; do
    cmd=${CMD[$s]//@PORT@/$PORT}
    timeout $((RUN_TIMEOUT * 8)) $cmd > "$work/server-$s.log" 2>&1 &
    tpid=$!
    wait_port "$PORT" || { echo "[$round] $s did not start: $work/server-$s.log" >&2; stop_server; continue; }
    timeout "$RUN_TIMEOUT" "$work/echoload" -a "127.0.0.1:$PORT" -c 3 -n 10000 -s 1000 >/dev/null 2>&1 || true  # warm-up
    for conns in $CONNS; do
      for size in $SIZES; do
        out=$(timeout "$RUN_TIMEOUT" "$work/echoload" -a "127.0.0.1:$PORT" -c "$conns" -n $((NUM * 3 / conns + 1)) -s "$size" 2>&1) || out="FAIL"
        reqs=$(awk '/requests\/sec/ {printf "%.0f", $1}' <<<"$out"); reqs=${reqs:-FAIL}
        printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$s" "$conns" "$size" "$reqs" >> "$raw"
        printf '[%s] %-18s conns=%-4s msize=%-6s %10s req/s\n' "$round" "$s" "$conns" "$size" "$reqs" >&2
      done
    done
    stop_server
  done
done

$PY - "$raw" <<'PYEOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
keys = list(dict.fromkeys((r["conns"], r["msize"]) for r in rows))
servers = list(dict.fromkeys(r["server"] for r in rows))
def med(s, k):
    v = [float(r["req_per_s"]) for r in rows if r["server"] == s and (r["conns"], r["msize"]) == k and r["req_per_s"] != "FAIL"]
    return statistics.median(v) if v else None
print(f"\nMedian requests/s over {len({r['round'] for r in rows})} round(s), C client (echoload), loopback")
print("| server | " + " | ".join(f"{c} conns, {m} B" for c, m in keys) + " |")
print("|---|" + "---:|" * len(keys))
for s in servers:
    print(f"| {s} | " + " | ".join("FAIL" if med(s, k) is None else f"{med(s, k):,.0f}" for k in keys) + " |")
base = "jasyncio-protocol"
if base in servers:
    print(f"\nRatios {base} / peer (higher is better for jasyncio)")
    for s in servers:
        if s == base: continue
        print(f"| {s} | " + " | ".join("-" if not med(s, k) or not med(base, k) else f"{med(base, k) / med(s, k):.2f}x" for k in keys) + " |")
PYEOF
