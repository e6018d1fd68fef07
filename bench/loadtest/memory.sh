#!/usr/bin/env bash
# The load tester's memory (G4/G5 of the load-tester issue; docs/BENCHMARKS.md, "Load tester"):
#   flat  a closed-model run (-c CONNS, FLAT_SECONDS long) against jasyncio's web-server; the generator's RSS
#         sampled every 10 s: memory is flat when the last minute's mean is within a few % of the first's
#   idle  memory per idle virtual user: the IdleUser scenario (one keep-alive GET, then an hour of think time) at
#         1,000 users and at each of IDLE_USERS; RSS once every user is connected; bytes per user = the RSS
#         difference over the user difference. Above ~28,000 users the connections come from several source
#         addresses (127.0.0.1, .2, .3: --source-addresses), and the fd limit is raised (ulimit -n).
# Loopback only; every process is bounded by timeout(1) and stopped at the end; rows go to a TSV.
#
#   bench/loadtest/memory.sh          (knobs: PARTS="flat idle" FLAT_SECONDS=600 CONNS=50 IDLE_USERS="10000 50000"
#                                       PORT=18295 NICE=0 WORK=/tmp/...)
# A smoke run: PARTS="flat idle" FLAT_SECONDS=30 IDLE_USERS=3000 bench/loadtest/memory.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${WORK:-/tmp/jasyncio-loadtest-memory}
PARTS=${PARTS:-"flat idle"}; FLAT_SECONDS=${FLAT_SECONDS:-600}; CONNS=${CONNS:-50}; IDLE_USERS=${IDLE_USERS:-"10000 50000"}
PORT=${PORT:-18295}; NICE=${NICE:-0}
mkdir -p "$work"
ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)"   # the hard limit caps it where raising it is not allowed
say() { echo "[memory] $*" >&2; }
"$root/bin/jasyncio" --version >/dev/null   # builds if needed
# The programs run from copies of the jars: a rebuild of the tree during a 10-minute run changes nothing under it
mkdir -p "$work/lib"; rm -f "$work/lib/"*.jar
cp "$root"/cli/target/jasyncio-cli-*.jar $(tr ':' ' ' <"$root/cli/target/classpath.txt") "$work/lib/"
export JASYNCIO_CLASSPATH=$(ls "$work"/lib/*.jar | tr '\n' ':')
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 143' TERM INT
rss_kb() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }
jvm_of() { for _ in $(seq 50); do c=$(pgrep -P "$1" | head -1 || true); [ -n "$c" ] && { echo "$c"; return; }; sleep 0.1; done; }  # under timeout(1)

ss -ltnH "sport = :$PORT" | grep -q . && { say "port $PORT is busy"; exit 1; }
timeout 7200 nice -n "$NICE" taskset -c 0 "$root/bin/jasyncio" web-server --port "$PORT" >"$work/server.log" 2>&1 &
server=$!; pids+=($server)
for _ in $(seq 60); do [ "$(curl -s "http://127.0.0.1:$PORT/" || true)" = "Hello, World!" ] && break; sleep 1; done
[ "$(curl -s "http://127.0.0.1:$PORT/" || true)" = "Hello, World!" ] || { say "the server does not answer (see $work/server.log)"; exit 1; }

raw=$work/memory-$(date +%Y%m%d-%H%M%S).tsv
printf 'part\tusers\tseconds\trss_kb\textra\n' >"$raw"

if [[ " $PARTS " == *" flat "* ]]; then
  timeout $((FLAT_SECONDS + 120)) nice -n "$NICE" taskset -c 1 "$root/bin/jasyncio" loadtest "http://127.0.0.1:$PORT/" \
    -c "$CONNS" -d "${FLAT_SECONDS}s" --max-busy 100 -q --json "$work/flat.json" >"$work/flat.out" 2>&1 &
  gen=$!; pids+=($gen); jvm=$(jvm_of "$gen")
  t=0
  while kill -0 "$gen" 2>/dev/null; do
    sleep 10; t=$((t + 10))
    r=$(rss_kb "$jvm" 2>/dev/null) || break
    printf 'flat\t%s\t%s\t%s\t-\n' "$CONNS" "$t" "$r" >>"$raw"
    say "flat: ${t}s RSS ${r} kB"
  done
  wait "$gen" || true
  /usr/bin/python3 - "$raw" "$work/flat.json" <<'PYEOF'
import csv, json, sys
rows = [(int(r["seconds"]), int(r["rss_kb"])) for r in csv.DictReader(open(sys.argv[1]), delimiter="\t") if r["part"] == "flat"]
j = json.load(open(sys.argv[2]))
if len(rows) >= 12:
    first = [v for t, v in rows if t <= 60]; last = [v for t, v in rows if t > rows[-1][0] - 60]
    a, b = sum(first) / len(first), sum(last) / len(last)
    print(f"flat: {j['requests']:,} requests, {j['errors']} errors in {j['durationSeconds']:.0f} s; RSS first minute "
          f"{a/1024:.1f} MB, last minute {b/1024:.1f} MB ({100*(b-a)/a:+.1f}%), max {max(v for _, v in rows)/1024:.1f} MB")
else:
    print("flat: too few samples", rows)
PYEOF
fi

if [[ " $PARTS " == *" idle "* ]]; then
  declare -A RSS=()
  users=""
  for n in $IDLE_USERS; do
    if [ "$n" -gt $(( $(ulimit -n) - 100 )) ]; then say "idle: $n users need $n fds; the limit here is $(ulimit -n) (ulimit -Hn): left out"
    else users+=" $n"; fi
  done
  for n in 1000 $users; do
    src=127.0.0.1; [ "$n" -gt 25000 ] && src=127.0.0.1,127.0.0.2,127.0.0.3
    timeout 900 nice -n "$NICE" taskset -c 1 "$root/bin/jasyncio" loadtest "http://127.0.0.1:$PORT" \
      --scenario io.jasyncio.loadtest.examples.IdleUser -c "$n" -d 600s --source-addresses "$src" -q >"$work/idle-$n.out" 2>&1 &
    gen=$!; pids+=($gen); jvm=$(jvm_of "$gen")
    # every user connected: as many sockets as users (and a few of the JVM's own fds), then 5 s to settle
    for _ in $(seq 300); do
      fds=$(ls "/proc/$jvm/fd" 2>/dev/null | wc -l); [ "$fds" -ge "$n" ] && break; sleep 1
    done
    sleep 5
    r=$(rss_kb "$jvm"); tcp=$(awk '/^TCP:/{print $NF}' /proc/net/sockstat)
    kill "$gen" 2>/dev/null; wait "$gen" 2>/dev/null || true
    RSS[$n]=$r
    printf 'idle\t%s\t-\t%s\tfds=%s tcp_mem_pages=%s\n' "$n" "$r" "$fds" "$tcp" >>"$raw"
    say "idle: $n users ($fds fds): RSS $r kB, kernel TCP memory $tcp pages"
    sleep 5   # the closed sockets leave TIME_WAIT on the server's side only
  done
  for n in $users; do
    echo "idle: $(( (RSS[$n] - RSS[1000]) * 1024 / (n - 1000) )) bytes per idle virtual user (RSS ${RSS[1000]} kB at 1,000 users -> ${RSS[$n]} kB at $n)"
  done
fi
say "raw rows: $raw"
