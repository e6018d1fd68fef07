#!/usr/bin/env bash
# HTTP/1.1 "Hello, World!" throughput, side by side, one wrk for all: jasyncio's web server (bin/jasyncio
# web-server), aiohttp on asyncio and on uvloop, and Netty epoll on one event-loop thread (the last three from
# ../shared/bench/peers/http). Every server is pinned to CPU 0 and wrk (-t1) to CPU 1, as in the peers' own runs.
#
#   bench/http/run.sh     (knobs in the environment: ROUNDS=3 DURATION=5s WARMUP=15s CONNS="50 200"
#                          SERVERS="jasyncio aiohttp aiohttp-uvloop netty-epoll" PORT=18190 RAW=FILE)
#
# All servers start at once, each on its own port; each gets a WARMUP-long wrk run first (a JVM pinned to one
# CPU compiles slowly; both JVMs get G1, as the peers' own runs give Netty, where one CPU would pick Serial); then in each round every server is measured at every connection count, in an order
# rotated from round to round. Ratios are taken within a round and the median over rounds is printed. A
# measurement where wrk fails or gets any answer but 2xx/3xx is recorded as FAIL and left out.
# Loopback only; every process is bounded by timeout(1) and stopped at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
peers=${PEERS:-$root/../shared/bench/peers/http}
work=${WORK:-/tmp/jasyncio-http-bench}
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-5s}; WARMUP=${WARMUP:-15s}; CONNS=${CONNS:-"50 200"}
PORT=${PORT:-18190}; SERVERS=${SERVERS:-"jasyncio aiohttp aiohttp-uvloop netty-epoll"}
PY=/usr/bin/python3
die() { echo "bench/http: $*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk is missing: apt-get install wrk"
command -v taskset >/dev/null || die "taskset is missing: apt-get install util-linux"
command -v curl >/dev/null || die "curl is missing: apt-get install curl"
$PY -c "import aiohttp, uvloop" 2>/dev/null || die "Debian's python3 needs aiohttp and uvloop: apt-get install python3-aiohttp python3-uvloop"
[ -d "$peers" ] || die "no peers at $peers (set PEERS)"
mkdir -p "$work"
jdk=$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1 || true); [ -n "${JAVA_HOME:-}" ] && "$JAVA_HOME/bin/java" -version 2>&1 | grep -q '"25' && jdk=$JAVA_HOME
[ -x "$jdk/bin/java" ] || die "no JDK 25 found (JAVA_HOME or /usr/lib/jvm)"
if [[ " $SERVERS " == *" netty-epoll "* && ! -f "$work/java-http/target/java-http.jar" ]]; then
  rm -rf "$work/java-http"; cp -r "$peers/java-http" "$work/"
  (cd "$work/java-http" && JAVA_HOME=$jdk mvn -q -B package) >&2 || die "building the Netty peer failed"
fi
"$root/bin/jasyncio" --version >/dev/null   # builds jasyncio if needed

declare -A CMD=(
  [jasyncio]="env JASYNCIO_JAVA_OPTS=-XX:+UseG1GC $root/bin/jasyncio web-server --port @PORT@"
  [aiohttp]="$PY $peers/aiohttp_hello.py @PORT@"
  [aiohttp-uvloop]="$PY $peers/aiohttp_hello.py @PORT@ --uvloop"
  [netty-epoll]="$jdk/bin/java -XX:+UseG1GC -jar $work/java-http/target/java-http.jar netty-epoll @PORT@"
)
declare -A SPORT=(); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 143' TERM
i=0
for s in $SERVERS; do
  [ -n "${CMD[$s]:-}" ] || die "unknown server $s"
  p=$((PORT + i)); i=$((i + 1)); SPORT[$s]=$p
  ss -ltnH "sport = :$p" | grep -q . && die "port $p is busy"
  timeout 3600 taskset -c 0 ${CMD[$s]//@PORT@/$p} >"$work/$s.log" 2>&1 &
  pids+=($!)
done
for s in $SERVERS; do
  for _ in $(seq 60); do [ "$(curl -s "http://127.0.0.1:${SPORT[$s]}/" || true)" = "Hello, World!" ] && break; sleep 1; done
  [ "$(curl -s "http://127.0.0.1:${SPORT[$s]}/")" = "Hello, World!" ] || die "$s does not answer Hello, World! (see $work/$s.log)"
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${SPORT[$s]}/nope")" = 404 ] || die "$s does not answer 404 for /nope"
done
raw=${RAW:-$work/raw-$(date +%Y%m%d-%H%M%S).tsv}
printf 'round\tserver\tconns\treq_per_s\tlat_avg\tlat_p99\n' >"$raw"
measure() { # server conns duration -> req/s avg p99; FAIL if wrk failed or got any answer but 2xx/3xx
  local out; out=$(timeout 120 taskset -c 1 wrk -t1 -c"$2" -d"$3" --latency "http://127.0.0.1:${SPORT[$1]}/" 2>&1) || { echo "FAIL - -"; return; }
  # wrk counts error answers in Requests/sec; a server answering 4xx/5xx under load must not look fast
  if grep -q 'Non-2xx' <<<"$out"; then echo "bench/http: $1 -c$2:$(grep 'Non-2xx' <<<"$out")" >&2; echo "FAIL - -"; return; fi
  if grep -q 'Socket errors' <<<"$out"; then echo "bench/http: $1 -c$2:$(grep 'Socket errors' <<<"$out")" >&2; fi
  echo "$(echo "$out" | awk '/Requests\/sec/{print $2}') $(echo "$out" | awk '/^    Latency/{print $2}') $(echo "$out" | awk '/ 99%/{print $2}')"
}
for s in $SERVERS; do echo "warm-up $s ($WARMUP)" >&2; measure "$s" 50 "$WARMUP" >/dev/null; done
read -r -a order <<<"$SERVERS"
for r in $(seq 1 "$ROUNDS"); do
  n=${#order[@]}; rot=$(( (r - 1) % n )); this=("${order[@]:rot}" "${order[@]:0:rot}")
  for c in $CONNS; do
    for s in "${this[@]}"; do
      read -r rps avg p99 <<<"$(measure "$s" "$c" "$DURATION")"
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$s" "$c" "$rps" "$avg" "$p99" >>"$raw"
      printf '[%s] %-15s -c%-4s %10s req/s  avg %s  p99 %s\n' "$r" "$s" "$c" "$rps" "$avg" "$p99" >&2
    done
  done
done
echo "raw rows: $raw" >&2
$PY - "$raw" <<'PYEOF'
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1]), delimiter="\t") if r["req_per_s"] != "FAIL"]
servers = list(dict.fromkeys(r["server"] for r in rows)); conns = list(dict.fromkeys(r["conns"] for r in rows))
val = {(r["round"], r["server"], r["conns"]): float(r["req_per_s"]) for r in rows}
rounds = list(dict.fromkeys(r["round"] for r in rows))
print(f"\nMedian requests/s over {len(rounds)} round(s); wrk -t1 on CPU 1, server on CPU 0, loopback")
print("| server | " + " | ".join(f"-c{c}" for c in conns) + " |\n|---|" + "---:|" * len(conns))
for s in servers:
    meds = [[val[k] for rd in rounds if (k := (rd, s, c)) in val] for c in conns]  # empty: failed in every round
    print(f"| {s} | " + " | ".join(f"{statistics.median(m):,.0f}" if m else "FAIL" for m in meds) + " |")
if "jasyncio" in servers:
    print("\njasyncio / peer, median of the within-round ratios [lowest-highest]")
    print("| peer | " + " | ".join(f"-c{c}" for c in conns) + " |\n|---|" + "---:|" * len(conns))
    for s in servers:
        if s == "jasyncio": continue
        cells = []
        for c in conns:
            rs = [val[(rd, "jasyncio", c)] / val[(rd, s, c)] for rd in rounds if (rd, "jasyncio", c) in val and (rd, s, c) in val]
            cells.append(f"{statistics.median(rs):.2f} [{min(rs):.2f}-{max(rs):.2f}]" if rs else "-")
        print(f"| {s} | " + " | ".join(cells) + " |")
PYEOF
