#!/usr/bin/env bash
# HTTP/1.1 "Hello, World!" throughput, side by side, one wrk for all: jasyncio's web server (bin/jasyncio
# web-server), aiohttp on asyncio and on uvloop, and Netty epoll on one event-loop thread; nginx (one worker) on
# request. The peers are the project's own, in bench/peers/http and bench/peers/netty (bench/peers/README.md).
# Every server is pinned to CPU 0 and wrk (-t1) to CPU 1.
#
#   bench/http/run.sh     (knobs in the environment: ROUNDS=3 DURATION=5s WARMUP=15s CONNS="50 200"
#                          SERVERS="jasyncio aiohttp aiohttp-uvloop netty-epoll" (nginx also known) PORT=18190
#                          RAW=FILE PEERS=DIR (instead of bench/peers/http) INSTALL=1 (apt-get what is missing))
#   ROUNDS=1 DURATION=2s WARMUP=2s CONNS=50 bench/http/run.sh      (a smoke run, under a minute once built)
#   BASELINE=DIR bench/http/run.sh   (also measures the jasyncio of another checkout, e.g. one made with
#                                     git worktree add /tmp/before COMMIT, as "jasyncio-baseline": an A/B of two
#                                     versions within the same rounds)
#
# All servers start at once, each on its own port; each gets a WARMUP-long wrk run first (a JVM pinned to one
# CPU compiles slowly; both JVMs get G1, where one CPU would pick Serial); then in each round every server is
# measured at every connection count, in an order rotated from round to round. Ratios are taken within a round
# and the median over rounds is printed. A measurement where wrk fails, gets any answer but 2xx/3xx, or completes
# no request is recorded as FAIL and left out. A peer that cannot run here (no aiohttp, no uvloop, no nginx, no Maven Central
# for Netty) is left out with one line saying what to install; the rest is measured.
# Loopback only; every process is bounded by timeout(1) and stopped at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tag=bench/http
. "$root/bench/peers/peers.sh"
peers=${PEERS:-$peers_root/http}
work=${WORK:-/tmp/jasyncio-http-bench}
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-5s}; WARMUP=${WARMUP:-15s}; CONNS=${CONNS:-"50 200"}
PORT=${PORT:-18190}; SERVERS=${SERVERS:-"jasyncio aiohttp aiohttp-uvloop netty-epoll"}
KNOWN="jasyncio jasyncio-baseline aiohttp aiohttp-uvloop netty-epoll nginx"
die() { say "$*"; exit 1; }
if [[ -n ${BASELINE:-} ]]; then
  [[ -x $BASELINE/bin/jasyncio ]] || die "BASELINE=$BASELINE is not a jasyncio checkout (no bin/jasyncio there)"
  [[ " $SERVERS " == *" jasyncio-baseline "* ]] || SERVERS="$SERVERS jasyncio-baseline"
fi
for s in $SERVERS; do [[ " $KNOWN " == *" $s "* ]] || die "unknown server $s (known: $KNOWN)"; done
[[ -f $peers/aiohttp_hello.py ]] || die "no HTTP peers at $peers (bench/peers/http in the repository; PEERS=DIR overrides)"
have_cmd wrk wrk "the load generator" || exit 1
have_cmd taskset util-linux "to pin the server and wrk to their CPUs" || exit 1
have_cmd curl curl "to check each server's answers before measuring" || exit 1
have_cmd timeout coreutils "to bound every process" || exit 1
have_cmd ss iproute2 "to check that the ports are free" || exit 1
have_python "for the summary tables" || exit 1
wanted() { [[ " $SERVERS " == *" $1 "* ]]; }
drop() { SERVERS=$(tr ' ' '\n' <<<"$SERVERS" | { grep -vx -- "$1" || true; } | xargs); }
mkdir -p "$work"
if wanted aiohttp || wanted aiohttp-uvloop; then
  have_py aiohttp python3-aiohttp "aiohttp servers left out" || { drop aiohttp; drop aiohttp-uvloop; }
fi
if wanted aiohttp-uvloop; then have_py uvloop python3-uvloop "aiohttp-uvloop left out" || drop aiohttp-uvloop; fi
if wanted nginx; then have_cmd nginx nginx-light "nginx left out" || drop nginx; fi
jdk=$(find_jdk) || die "no JDK 25 or newer found (JAVA_HOME or /usr/lib/jvm), for jasyncio and the Netty peer"
netty_jar=""
if wanted netty-epoll; then netty_jar=$(netty_jar "$jdk" "$work/netty-build.log" netty-epoll) || drop netty-epoll; fi
[[ -n $SERVERS ]] || die "no server left to measure"
"$root/bin/jasyncio" --version >/dev/null   # builds jasyncio if needed
if [[ " $SERVERS " == *" jasyncio-baseline "* ]]; then
  [[ -n ${BASELINE:-} ]] || die "jasyncio-baseline needs BASELINE=DIR (another jasyncio checkout)"
  "$BASELINE/bin/jasyncio" --help >/dev/null || die "the baseline at $BASELINE does not build"
fi

declare -A CMD=(
  [jasyncio]="env JASYNCIO_JAVA_OPTS=-XX:+UseG1GC $root/bin/jasyncio web-server --port @PORT@"
  [jasyncio-baseline]="env JASYNCIO_JAVA_OPTS=-XX:+UseG1GC ${BASELINE:-}/bin/jasyncio web-server --port @PORT@"
  [aiohttp]="$PY $peers/aiohttp_hello.py --port @PORT@"
  [aiohttp-uvloop]="$PY $peers/aiohttp_hello.py --port @PORT@ --uvloop"
  [netty-epoll]="$jdk/bin/java -XX:+UseG1GC -jar $netty_jar http --port @PORT@ --threads 1"
  [nginx]="nginx -e stderr -p $work/nginx-@PORT@/ -c $work/nginx-@PORT@/nginx.conf"
)
declare -A SPORT=(); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 143' TERM
i=0
for s in $SERVERS; do
  p=$((PORT + i)); i=$((i + 1)); SPORT[$s]=$p
  ss -ltnH "sport = :$p" | grep -q . && die "port $p is busy"
  if [[ $s == nginx ]]; then # a fresh folder for its configuration, pid file and temporary paths
    rm -rf "$work/nginx-$p"; mkdir -p "$work/nginx-$p"
    sed -e "s|@PORT@|$p|g" -e "s|@DIR@|$work/nginx-$p|g" "$peers/nginx.conf.in" >"$work/nginx-$p/nginx.conf"
  fi
  timeout 3600 taskset -c 0 ${CMD[$s]//@PORT@/$p} >"$work/$s.log" 2>&1 &
  pids+=($!)
done
# A server that does not answer as the application says is left out (saying so), not measured.
for s in $SERVERS; do
  for _ in $(seq 60); do [ "$(curl -s "http://127.0.0.1:${SPORT[$s]}/" || true)" = "Hello, World!" ] && break; sleep 1; done
  if [ "$(curl -s "http://127.0.0.1:${SPORT[$s]}/" || true)" != "Hello, World!" ]; then
    say "$s left out: it does not answer Hello, World! on / (see $work/$s.log)"; drop "$s"
  elif [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${SPORT[$s]}/nope" || true)" != 404 ]; then
    say "$s left out: it does not answer 404 for /nope"; drop "$s"
  fi
done
[[ -n $SERVERS ]] || die "no server answered"
raw=${RAW:-$work/raw-$(date +%Y%m%d-%H%M%S).tsv}
printf 'round\tserver\tconns\treq_per_s\tlat_avg\tlat_p99\n' >"$raw"
measure() { # server conns duration -> req/s avg p99; FAIL if wrk failed or got any answer but 2xx/3xx
  local out; out=$(timeout 120 taskset -c 1 wrk -t1 -c"$2" -d"$3" --latency "http://127.0.0.1:${SPORT[$1]}/" 2>&1) || { echo "FAIL - -"; return; }
  # wrk counts error answers in Requests/sec; a server answering 4xx/5xx under load must not look fast
  if grep -q 'Non-2xx' <<<"$out"; then echo "bench/http: $1 -c$2:$(grep 'Non-2xx' <<<"$out")" >&2; echo "FAIL - -"; return; fi
  if grep -q 'Socket errors' <<<"$out"; then echo "bench/http: $1 -c$2:$(grep 'Socket errors' <<<"$out")" >&2; fi
  local rps; rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  # wrk exits 0 after a run in which no request completed (a server that accepts and never answers): that
  # measured nothing, and a 0 would make a ratio of 0 (or a division by zero)
  if ! awk -v r="${rps:-0}" 'BEGIN {exit !(r > 0)}'; then echo "bench/http: $1 -c$2: no request completed" >&2; echo "FAIL - -"; return; fi
  echo "$rps $(echo "$out" | awk '/^    Latency/{print $2}') $(echo "$out" | awk '/ 99%/{print $2}')"
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
"$PY" - "$raw" <<'PYEOF'
import csv, statistics, sys
every = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))  # a server that failed everywhere still gets its row
rows = [r for r in every if r["req_per_s"] != "FAIL"]
servers = list(dict.fromkeys(r["server"] for r in every)); conns = list(dict.fromkeys(r["conns"] for r in every))
val = {(r["round"], r["server"], r["conns"]): float(r["req_per_s"]) for r in rows}
rounds = list(dict.fromkeys(r["round"] for r in every))
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
