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
. "$root/bench/lib/harness.sh"
peers=${PEERS:-$peers_root/http}
work=${WORK:-/tmp/jasyncio-http-bench}
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-5s}; WARMUP=${WARMUP:-15s}; CONNS=${CONNS:-"50 200"}
PORT=${PORT:-18190}; SERVERS=${SERVERS:-"jasyncio aiohttp aiohttp-uvloop netty-epoll"}
KNOWN="jasyncio jasyncio-baseline aiohttp aiohttp-uvloop netty-epoll nginx"
if [[ -n ${BASELINE:-} ]]; then
  [[ -x $BASELINE/bin/jasyncio ]] || die "BASELINE=$BASELINE is not a jasyncio checkout (no bin/jasyncio there)"
  [[ " $SERVERS " == *" jasyncio-baseline "* ]] || SERVERS="$SERVERS jasyncio-baseline"
fi
known_servers "$KNOWN"
[[ -f $peers/aiohttp_hello.py ]] || die "no HTTP peers at $peers (bench/peers/http in the repository; PEERS=DIR overrides)"
have_cmd wrk wrk "the load generator" || exit 1
pin_tools wrk || exit 1
have_cmd curl curl "to check each server's answers before measuring" || exit 1
have_python "for the summary tables" || exit 1
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
start_servers "$peers/nginx.conf.in"
# A server that does not answer as the application says is left out (saying so), not measured.
hello() { [ "$(curl -s "http://127.0.0.1:${SPORT[$1]}/" || true)" = "Hello, World!" ]; }
for s in $SERVERS; do
  if ! wait_until 60 1 hello "$s"; then
    say "$s left out: it does not answer Hello, World! on / (see $work/$s.log)"; drop "$s"
  elif [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${SPORT[$s]}/nope" || true)" != 404 ]; then
    say "$s left out: it does not answer 404 for /nope"; drop "$s"
  fi
done
[[ -n $SERVERS ]] || die "no server answered"
raw=${RAW:-$work/raw-$(date +%Y%m%d-%H%M%S).tsv}
printf 'round\tserver\tconns\treq_per_s\tlat_avg\tlat_p99\n' >"$raw"
measure() { # server conns duration -> req/s avg p99; FAIL - - when wrk_run measured nothing
  local out; out=$(wrk_run "$1" "$2" "$3" "http://127.0.0.1:${SPORT[$1]}/") || { echo "FAIL - -"; return; }
  echo "$(awk '/Requests\/sec/{print $2}' <<<"$out") $(awk '/^    Latency/{print $2}' <<<"$out") $(awk '/ 99%/{print $2}' <<<"$out")"
}
for s in $SERVERS; do echo "warm-up $s ($WARMUP)" >&2; measure "$s" 50 "$WARMUP" >/dev/null; done
for r in $(seq 1 "$ROUNDS"); do
  round_order "$r"
  for c in $CONNS; do
    for s in "${this[@]}"; do
      read -r rps avg p99 <<<"$(measure "$s" "$c" "$DURATION")"
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$s" "$c" "$rps" "$avg" "$p99" >>"$raw"
      printf '[%s] %-15s -c%-4s %10s req/s  avg %s  p99 %s\n' "$r" "$s" "$c" "$rps" "$avg" "$p99" >&2
    done
  done
done
echo "raw rows: $raw" >&2
"$PY" "$root/bench/lib/summary.py" "$raw" --cell 'req_per_s:,.0f' \
  --title 'Median requests/s over {rounds} round(s); wrk -t1 on CPU 1, server on CPU 0, loopback' \
  --ratio req_per_s 'jasyncio / peer, median of the within-round ratios [lowest-highest]'
