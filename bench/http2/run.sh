#!/usr/bin/env bash
# HTTP/2 "Hello, World!" throughput over h2c (cleartext, prior knowledge), side by side, one h2load for all:
# jasyncio's web server (bin/jasyncio web-server: its TcpSite answers the HTTP/2 preface), Netty's HTTP/2 frame
# codec on one event-loop thread (bench/peers/netty, "h2"), and nginx with one worker (listen ... http2). Each
# server is pinned to CPU 0 and h2load (-t1) to CPU 1. Printed per server: requests/s, the server's CPU time
# per request (user + system, from /proc, over the measured run) and its read and write system calls per request
# (syscr + syscw of /proc/PID/io: the read(2)/readv/write(2)/writev family only, not recv/send/sendmsg, so
# compare a server with itself across changes rather than with a peer that may use the others); then jasyncio's ratios to each peer within each round, in requests/s and in
# requests per server CPU-second.
#
#   bench/http2/run.sh    (knobs: ROUNDS=3 REQUESTS=200000 CONNS="1 4 32" STREAMS=10 WARMUP=50000 PORT=18290
#                          SERVERS="jasyncio netty-h2 nginx" INSTALL=1 (apt-get what is missing))
#   ROUNDS=1 REQUESTS=20000 WARMUP=5000 CONNS=4 bench/http2/run.sh     (a smoke run)
#
# h2load -n REQUESTS -c CONNS -m STREAMS (streams in flight per connection). A run where h2load fails, or where
# any request fails or gets an answer but 2xx, is FAIL and left out. Loopback only; every process is bounded by
# timeout(1) and stopped at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tag=bench/http2
. "$root/bench/peers/peers.sh"
work=${WORK:-/tmp/jasyncio-http2-bench}
ROUNDS=${ROUNDS:-3}; REQUESTS=${REQUESTS:-200000}; CONNS=${CONNS:-"1 4 32"}; STREAMS=${STREAMS:-10}
WARMUP=${WARMUP:-50000}; PORT=${PORT:-18290}; SERVERS=${SERVERS:-"jasyncio netty-h2 nginx"}
KNOWN="jasyncio netty-h2 nginx"
die() { say "$*"; exit 1; }
for s in $SERVERS; do [[ " $KNOWN " == *" $s "* ]] || die "unknown server $s (known: $KNOWN)"; done
have_cmd h2load nghttp2-client "the HTTP/2 load generator" || exit 1
have_cmd taskset util-linux "to pin the servers and h2load to their CPUs" || exit 1
have_cmd timeout coreutils "to bound every process" || exit 1
have_cmd ss iproute2 "to check that the ports are free" || exit 1
have_python "for the summary table" || exit 1
wanted() { [[ " $SERVERS " == *" $1 "* ]]; }
drop() { SERVERS=$(tr ' ' '\n' <<<"$SERVERS" | { grep -vx -- "$1" || true; } | xargs); }
mkdir -p "$work"
if wanted nginx; then have_cmd nginx nginx-light "nginx left out" || drop nginx; fi
jdk=$(find_jdk) || die "no JDK 25 or newer found (JAVA_HOME or /usr/lib/jvm), for jasyncio and the Netty peer"
netty_jar=""
if wanted netty-h2; then netty_jar=$(netty_jar "$jdk" "$work/netty-build.log" netty-h2) || drop netty-h2; fi
[[ -n $SERVERS ]] || die "no server left to measure"
"$root/bin/jasyncio" --version >/dev/null   # builds jasyncio if needed

declare -A CMD=(
  [jasyncio]="env JASYNCIO_JAVA_OPTS=-XX:+UseG1GC $root/bin/jasyncio web-server --port @PORT@"
  [netty-h2]="$jdk/bin/java -XX:+UseG1GC -jar $netty_jar h2 --port @PORT@ --threads 1"
  [nginx]="nginx -e stderr -p $work/nginx-@PORT@/ -c $work/nginx-@PORT@/nginx.conf"
)
declare -A SPORT=() SPID=(); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 143' TERM
i=0
for s in $SERVERS; do
  p=$((PORT + i)); i=$((i + 1)); SPORT[$s]=$p
  ss -ltnH "sport = :$p" | grep -q . && die "port $p is busy"
  if [[ $s == nginx ]]; then
    rm -rf "$work/nginx-$p"; mkdir -p "$work/nginx-$p"
    sed -e "s|@PORT@|$p|g" -e "s|@DIR@|$work/nginx-$p|g" "$here/nginx-h2.conf.in" >"$work/nginx-$p/nginx.conf"
  fi
  timeout 3600 taskset -c 0 ${CMD[$s]//@PORT@/$p} >"$work/$s.log" 2>&1 &
  pids+=($!); SPID[$s]=$!
done
# CPU ticks (user + system) of a process and all its descendants (nginx's worker, the JVM's threads are its own)
cpu_ticks() {
  local total=0 p
  for p in $1 $(descendants "$1"); do
    [[ -r /proc/$p/stat ]] || continue
    total=$((total + $(awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$p/stat")))
  done
  echo "$total"
}
# read and write system calls (syscr + syscw) of a process and its descendants
syscalls() {
  local total=0 p
  for p in $1 $(descendants "$1"); do
    [[ -r /proc/$p/io ]] || continue
    total=$((total + $(awk '/^sysc[rw]:/{n += $2} END {print n + 0}' "/proc/$p/io")))
  done
  echo "$total"
}
descendants() { local c; for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do echo "$c"; descendants "$c"; done; }
hz=$(getconf CLK_TCK)
h2() { timeout 300 taskset -c 1 h2load -t1 -n "$1" -c "$2" -m "$STREAMS" "http://127.0.0.1:${SPORT[$3]}$4" 2>&1; }
# A server that does not answer is left out (saying so), not measured.
for s in $SERVERS; do
  ok=""
  for _ in $(seq 60); do
    if h2 10 1 "$s" / | grep -q "10 succeeded, 0 failed" && h2 1 1 "$s" /nope | grep -q "1 4xx"; then ok=1; break; fi
    sleep 1
  done
  [[ -n $ok ]] || { say "$s left out: it does not answer 200 on / and 404 on /nope over h2c (see $work/$s.log)"; drop "$s"; }
done
[[ -n $SERVERS ]] || die "no server answered"
raw=${RAW:-$work/raw-$(date +%Y%m%d-%H%M%S).tsv}
printf 'round\tserver\tconns\treq_per_s\tcpu_us_per_req\tsyscalls_per_req\n' >"$raw"
measure() { # server conns requests -> req/s cpu-us-per-request syscalls-per-request, or FAIL - -
  local before after sys0 sys1 out rps
  before=$(cpu_ticks "${SPID[$1]}"); sys0=$(syscalls "${SPID[$1]}")
  out=$(h2 "$3" "$2" "$1" /) || { echo "FAIL - -"; return; }
  after=$(cpu_ticks "${SPID[$1]}"); sys1=$(syscalls "${SPID[$1]}")
  if ! grep -q "$3 succeeded, 0 failed, 0 errored" <<<"$out" || ! grep -q "status codes: $3 2xx" <<<"$out"; then
    echo "bench/http2: $1 -c$2: $(grep -E '^requests:|^status codes:' <<<"$out" | xargs)" >&2; echo "FAIL - -"; return
  fi
  rps=$(awk '/^finished in/{gsub(",", "", $4); print $4}' <<<"$out")
  echo "$rps $(awk -v t=$((after - before)) -v hz="$hz" -v n="$3" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}') $(awk -v s=$((sys1 - sys0)) -v n="$3" 'BEGIN {printf "%.3f", s / n}')"
}
for s in $SERVERS; do echo "warm-up $s ($WARMUP requests)" >&2; measure "$s" 4 "$WARMUP" >/dev/null; done
read -r -a order <<<"$SERVERS"
for r in $(seq 1 "$ROUNDS"); do
  n=${#order[@]}; rot=$(( (r - 1) % n )); this=("${order[@]:rot}" "${order[@]:0:rot}")
  for c in $CONNS; do
    for s in "${this[@]}"; do
      read -r rps cpu sys <<<"$(measure "$s" "$c" "$REQUESTS")"
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$s" "$c" "$rps" "$cpu" "$sys" >>"$raw"
      printf '[%s] %-9s -c%-3s -m%-3s %10s req/s  %6s us CPU/request  %6s syscalls/request\n' "$r" "$s" "$c" "$STREAMS" "$rps" "$cpu" "$sys" >&2
    done
  done
done
echo "raw rows: $raw" >&2
"$PY" - "$raw" "$STREAMS" <<'PYEOF'
import csv, statistics, sys
every = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
rows = [r for r in every if r["req_per_s"] != "FAIL"]
servers = list(dict.fromkeys(r["server"] for r in every)); conns = list(dict.fromkeys(r["conns"] for r in every))
rounds = list(dict.fromkeys(r["round"] for r in every))
rps = {(r["round"], r["server"], r["conns"]): float(r["req_per_s"]) for r in rows}
cpu = {(r["round"], r["server"], r["conns"]): float(r["cpu_us_per_req"]) for r in rows}
sysc = {(r["round"], r["server"], r["conns"]): float(r["syscalls_per_req"]) for r in rows}
print(f"\nMedian over {len(rounds)} round(s): requests/s (server CPU us/request; server read+write syscalls/request); h2load -t1 -m{sys.argv[2]} on CPU 1, server on CPU 0, h2c, loopback")
print("| server | " + " | ".join(f"-c{c}" for c in conns) + " |\n|---|" + "---:|" * len(conns))
for s in servers:
    cells = []
    for c in conns:
        r = [rps[k] for rd in rounds if (k := (rd, s, c)) in rps]; u = [cpu[k] for rd in rounds if (k := (rd, s, c)) in cpu]
        y = [sysc[k] for rd in rounds if (k := (rd, s, c)) in sysc]
        cells.append(f"{statistics.median(r):,.0f} ({statistics.median(u):.1f}; {statistics.median(y):.2f})" if r else "FAIL")
    print(f"| {s} | " + " | ".join(cells) + " |")
def ratios(title, of):
    print(f"\njasyncio / peer {title}, median of the within-round ratios [lowest-highest]")
    print("| peer | " + " | ".join(f"-c{c}" for c in conns) + " |\n|---|" + "---:|" * len(conns))
    for s in servers:
        if s == "jasyncio": continue
        cells = []
        for c in conns:
            rs = [of(rd, "jasyncio", c) / of(rd, s, c) for rd in rounds if (rd, "jasyncio", c) in rps and (rd, s, c) in rps and cpu[(rd, s, c)] > 0 and cpu[(rd, "jasyncio", c)] > 0]
            cells.append(f"{statistics.median(rs):.2f} [{min(rs):.2f}-{max(rs):.2f}]" if rs else "-")
        print(f"| {s} | " + " | ".join(cells) + " |")
if "jasyncio" in servers:
    ratios("requests/s", lambda rd, s, c: rps[(rd, s, c)])
    ratios("requests per server CPU-second", lambda rd, s, c: 1 / cpu[(rd, s, c)])
PYEOF
