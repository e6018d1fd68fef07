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
. "$root/bench/lib/harness.sh"
work=${WORK:-/tmp/jasyncio-http2-bench}
ROUNDS=${ROUNDS:-3}; REQUESTS=${REQUESTS:-200000}; CONNS=${CONNS:-"1 4 32"}; STREAMS=${STREAMS:-10}
WARMUP=${WARMUP:-50000}; PORT=${PORT:-18290}; SERVERS=${SERVERS:-"jasyncio netty-h2 nginx"}
KNOWN="jasyncio netty-h2 nginx"
known_servers "$KNOWN"
have_cmd h2load nghttp2-client "the HTTP/2 load generator" || exit 1
pin_tools h2load || exit 1
have_python "for the summary table" || exit 1
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
start_servers "$here/nginx-h2.conf.in"
h2() { on_cpu 1 300 h2load -t1 -n "$1" -c "$2" -m "$STREAMS" "http://127.0.0.1:${SPORT[$3]}$4" 2>&1; }
# A server that does not answer is left out (saying so), not measured.
answers() { h2 10 1 "$1" / | grep -q "10 succeeded, 0 failed" && h2 1 1 "$1" /nope | grep -q "1 4xx"; }
for s in $SERVERS; do
  wait_until 60 1 answers "$s" || { say "$s left out: it does not answer 200 on / and 404 on /nope over h2c (see $work/$s.log)"; drop "$s"; }
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
    say "$1 -c$2: $(grep -E '^requests:|^status codes:' <<<"$out" | xargs)"; echo "FAIL - -"; return
  fi
  rps=$(awk '/^finished in/{gsub(",", "", $4); print $4}' <<<"$out")
  echo "$rps $(cpu_us_per $((after - before)) "$3" 1) $(awk -v s=$((sys1 - sys0)) -v n="$3" 'BEGIN {printf "%.3f", s / n}')"
}
for s in $SERVERS; do echo "warm-up $s ($WARMUP requests)" >&2; measure "$s" 4 "$WARMUP" >/dev/null; done
for r in $(seq 1 "$ROUNDS"); do
  round_order "$r"
  for c in $CONNS; do
    for s in "${this[@]}"; do
      read -r rps cpu sys <<<"$(measure "$s" "$c" "$REQUESTS")"
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$s" "$c" "$rps" "$cpu" "$sys" >>"$raw"
      printf '[%s] %-9s -c%-3s -m%-3s %10s req/s  %6s us CPU/request  %6s syscalls/request\n' "$r" "$s" "$c" "$STREAMS" "$rps" "$cpu" "$sys" >&2
    done
  done
done
echo "raw rows: $raw" >&2
"$PY" "$root/bench/lib/summary.py" "$raw" --cell 'req_per_s:,.0f' --cell 'cpu_us_per_req:.1f' --cell 'syscalls_per_req:.2f' \
  --title "Median over {rounds} round(s): requests/s (server CPU us/request; server read+write syscalls/request); h2load -t1 -m$STREAMS on CPU 1, server on CPU 0, h2c, loopback" \
  --ratio req_per_s 'jasyncio / peer requests/s, median of the within-round ratios [lowest-highest]' \
  --ratio 1/cpu_us_per_req 'jasyncio / peer requests per server CPU-second, median of the within-round ratios [lowest-highest]'
