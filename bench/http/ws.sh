#!/usr/bin/env bash
# WebSocket echo, messages per second, side by side: jasyncio's web server (bin/jasyncio web-server, its /ws)
# and aiohttp's WebSocketResponse (bench/http/ws_aiohttp.py, on asyncio), driven by the same load client,
# jasyncio's own (bench/http/WsLoad.java: CONNS connections on CLIENT_LOOPS event loops, each waiting for the
# echo of its small text message before sending the next). Each server is pinned to CPU 0, the client to CPU 1.
#
#   bench/http/ws.sh     (knobs in the environment: ROUNDS=3 DURATION=5 WARMUP=10 CONNS=50 SIZE=16 CLIENT_LOOPS=1 PORT=18290
#                         SERVERS="jasyncio aiohttp")
#   ROUNDS=1 DURATION=2 WARMUP=2 bench/http/ws.sh      (a smoke run)
#
# Loopback only; every process is bounded by timeout(1) and stopped at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-5}; WARMUP=${WARMUP:-10}; CONNS=${CONNS:-50}; SIZE=${SIZE:-16}
PORT=${PORT:-18290}; SERVERS=${SERVERS:-"jasyncio aiohttp"}; CLIENT_LOOPS=${CLIENT_LOOPS:-1}
say() { echo "[bench/http/ws] $*" >&2; }
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
java=$JAVA_HOME/bin/java
[[ -x $java ]] && "$java" -version 2>&1 | grep -q 'version "2[5-9]' || { say "needs JDK 25 (JAVA_HOME)"; exit 1; }
# exec: the background job is then the process itself, so cleanup() stops it (and timeout(1) its child)
pin() { if command -v taskset >/dev/null; then exec taskset -c "$@"; else shift; exec "$@"; fi; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
port_of() { case $1 in jasyncio) echo "$PORT" ;; aiohttp) echo $((PORT + 1)) ;; esac; }
if command -v ss >/dev/null; then
  for s in $SERVERS; do
    if ss -ltn "sport = :$(port_of "$s")" | grep -q LISTEN; then say "port $(port_of "$s") is taken (PORT=... moves them)"; exit 1; fi
  done
fi
for s in $SERVERS; do
  case $s in
    jasyncio)
      "$root/bin/jasyncio" --version >/dev/null # builds jasyncio if needed
      pin 0 timeout $((ROUNDS * (DURATION + 40) + WARMUP + 120)) "$root/bin/jasyncio" web-server --port "$(port_of jasyncio)" \
        >/tmp/jasyncio-ws-bench-jasyncio.log 2>&1 & pids+=($!) ;;
    aiohttp)
      /usr/bin/python3 -c 'import aiohttp' 2>/dev/null || { say "aiohttp left out: apt-get install python3-aiohttp"; continue; }
      pin 0 timeout $((ROUNDS * (DURATION + 40) + WARMUP + 120)) /usr/bin/python3 "$root/bench/http/ws_aiohttp.py" "$(port_of aiohttp)" \
        >/tmp/jasyncio-ws-bench-aiohttp.log 2>&1 & pids+=($!) ;;
    *) say "unknown server $s (known: jasyncio aiohttp)"; exit 1 ;;
  esac
done
for s in $SERVERS; do # until each answers
  for i in $(seq 100); do
    (exec 3<>/dev/tcp/127.0.0.1/"$(port_of "$s")") 2>/dev/null && break
    sleep 0.2
  done
done
"$root/bin/jasyncio" --version >/dev/null # builds the client's classes if needed
cp="$root/cli/target/classes:$(cat "$root/cli/target/classpath.txt")"
load() ( pin 1 timeout $(($2 + 60)) "$java" --add-opens java.base/java.lang=ALL-UNNAMED -cp "$cp" "$root/bench/http/WsLoad.java" \
  "ws://127.0.0.1:$(port_of "$1")/ws" "$CONNS" "$2" "$SIZE" "$CLIENT_LOOPS" 2>/dev/null )
for s in $SERVERS; do say "warming $s up for ${WARMUP} s"; load "$s" "$WARMUP" >/dev/null; done
results=$(mktemp) # one line per round and server: round server msg/s
for r in $(seq "$ROUNDS"); do
  for s in $SERVERS; do
    line=$(load "$s" "$DURATION" || true)
    printf 'round %d  %-9s %s\n' "$r" "$s" "${line:-FAILED (no output from bench/http/WsLoad.java)}"
    rate=$(awk '{print $1; exit}' <<<"$line")
    [[ $rate =~ ^[0-9]+$ ]] && echo "$r $s $rate" >>"$results"
  done
done
# jasyncio / aiohttp taken within each round (same minute), then the median over rounds
awk -v rounds="$ROUNDS" '
  { v[$1 " " $2] = $3 }
  END {
    n = 0
    for (r = 1; r <= rounds; r++) if ((r " jasyncio") in v && (r " aiohttp") in v && v[r " aiohttp"] > 0) q[++n] = v[r " jasyncio"] / v[r " aiohttp"]
    if (n == 0) { print "[bench/http/ws] no ratio: both servers must have answered in a round"; exit }
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (q[j] < q[i]) { t = q[i]; q[i] = q[j]; q[j] = t }
    m = n % 2 ? q[(n + 1) / 2] : (q[n / 2] + q[n / 2 + 1]) / 2
    printf "jasyncio / aiohttp, messages/s: %.2fx (median of %d rounds; min %.2fx, max %.2fx)\n", m, n, q[1], q[n]
  }' "$results"
rm -f "$results"
