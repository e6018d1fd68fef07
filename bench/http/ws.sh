#!/usr/bin/env bash
# WebSocket echo, messages per second and server CPU per message, side by side: jasyncio's web server
# (bin/jasyncio web-server, its /ws), Netty's WebSocketServerProtocolHandler on one epoll event-loop thread
# (bench/peers/netty, its ws mode) and aiohttp's WebSocketResponse (bench/http/ws_aiohttp.py, on asyncio), driven by
# the same load client, jasyncio's own (bench/http/WsLoad.java: CONNS connections on CLIENT_LOOPS event loops, each
# waiting for the echo of its small text message before sending the next). Each server is pinned to CPU 0, the
# client to CPU 1; both JVM servers get G1 (on one CPU the JVM would pick Serial). The server's CPU (user + system
# ticks of its processes, /proc/PID/stat) is read before and after each measurement.
#
#   bench/http/ws.sh     (knobs in the environment: ROUNDS=3 DURATION=5 WARMUP=10 CONNS=50 SIZE=16 CLIENT_LOOPS=1 PORT=18290
#                         SERVERS="jasyncio netty aiohttp"; ports PORT, PORT+1 (aiohttp), PORT+2 (netty))
#   ROUNDS=1 DURATION=2 WARMUP=2 bench/http/ws.sh      (a smoke run)
#
# Ratios (jasyncio / netty, jasyncio / aiohttp) are taken within each round, in an order rotated from round to
# round, and the median over rounds is printed. Loopback only; every process is bounded by timeout(1) and stopped
# at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tag=bench/http/ws
. "$root/bench/peers/peers.sh"
. "$root/bench/lib/harness.sh"
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-5}; WARMUP=${WARMUP:-10}; CONNS=${CONNS:-50}; SIZE=${SIZE:-16}
PORT=${PORT:-18290}; SERVERS=${SERVERS:-"jasyncio netty aiohttp"}; CLIENT_LOOPS=${CLIENT_LOOPS:-1}
work=${WORK:-/tmp/jasyncio-ws-bench}; mkdir -p "$work"
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
java=$JAVA_HOME/bin/java
[[ -x $java ]] && "$java" -version 2>&1 | grep -q 'version "2[5-9]' || { say "needs JDK 25 (JAVA_HOME)"; exit 1; }
have_python "for the summary" || exit 1
port_of() { case $1 in jasyncio) echo "$PORT" ;; aiohttp) echo $((PORT + 1)) ;; netty) echo $((PORT + 2)) ;; esac; }
known_servers "jasyncio netty aiohttp"
if command -v ss >/dev/null; then for s in $SERVERS; do port_free "$(port_of "$s")"; done; fi
life=$((3 * ROUNDS * (DURATION + 40) + 3 * WARMUP + 180))
for s in $SERVERS; do
  case $s in
    jasyncio)
      "$root/bin/jasyncio" --version >/dev/null # builds jasyncio if needed
      start_pinned jasyncio 0 $life "$work/jasyncio.log" \
        env JASYNCIO_JAVA_OPTS=-XX:+UseG1GC "$root/bin/jasyncio" web-server --port "$(port_of jasyncio)" ;;
    netty)
      jar=$(netty_jar "$JAVA_HOME" "$work/netty-build.log" netty) || { drop netty; continue; }
      start_pinned netty 0 $life "$work/netty.log" "$java" -XX:+UseG1GC -jar "$jar" ws --port "$(port_of netty)" --threads 1 ;;
    aiohttp)
      have_py aiohttp python3-aiohttp "aiohttp left out" || { drop aiohttp; continue; }
      start_pinned aiohttp 0 $life "$work/aiohttp.log" "$PY" "$root/bench/http/ws_aiohttp.py" "$(port_of aiohttp)" ;;
  esac
done
listening() { (exec 3<>/dev/tcp/127.0.0.1/"$(port_of "$1")") 2>/dev/null; }
for s in $SERVERS; do wait_until 150 0.2 listening "$s" || true; done # the echo check below says which did not
"$root/bin/jasyncio" --version >/dev/null # builds the client's classes if needed
cp="$root/cli/target/classes:$(cat "$root/cli/target/classpath.txt")"
load() { on_cpu 1 $(($2 + 60)) "$java" --add-opens java.base/java.lang=ALL-UNNAMED -cp "$cp" "$root/bench/http/WsLoad.java" \
  "ws://127.0.0.1:$(port_of "$1")/ws" "$CONNS" "$2" "$SIZE" "$CLIENT_LOOPS" 2>/dev/null; }
# A server whose echo does not come back intact is left out (saying so), not measured.
for s in $SERVERS; do
  line=$(load "$s" 1 || true)
  if ! [[ $line =~ ^[1-9][0-9]*\ msg/s.*\ 0\ errors\)$ ]]; then say "$s left out: its /ws echo failed (${line:-no output}; see $work/$s.log)"; drop "$s"; fi
done
[[ -n $SERVERS ]] || { say "no server answered"; exit 1; }
for s in $SERVERS; do say "warming $s up for ${WARMUP} s"; load "$s" "$WARMUP" >/dev/null || true; done
results=$(mktemp) # one line per round and server: round server msg/s cpu-us-per-message
for r in $(seq "$ROUNDS"); do
  round_order "$r"
  for s in "${this[@]}"; do
    t0=$(cpu_ticks "${SPID[$s]}")
    line=$(load "$s" "$DURATION" || true)
    t1=$(cpu_ticks "${SPID[$s]}")
    rate=$(awk '{print $1; exit}' <<<"$line"); echoed=$(sed -n 's/.*(\([0-9]*\) echoed.*/\1/p' <<<"$line")
    cpu=-
    if [[ $rate =~ ^[0-9]+$ && $echoed =~ ^[1-9][0-9]*$ && $line == *" 0 errors)" ]]; then
      cpu=$(cpu_us_per $((t1 - t0)) "$echoed" 2)
      echo "$r $s $rate $cpu" >>"$results"
    fi
    printf 'round %d  %-9s %s  [%s us server CPU/message]\n' "$r" "$s" "${line:-FAILED (no output from bench/http/WsLoad.java)}" "$cpu"
  done
done
"$PY" - "$results" "$CONNS" "$SIZE" <<'PYEOF'
import statistics, sys
rate, cpu = {}, {}
for line in open(sys.argv[1]):
    r, s, m, u = line.split()
    rate[(r, s)] = float(m); cpu[(r, s)] = float(u)
rounds = sorted({r for r, _ in rate}, key=int); servers = list(dict.fromkeys(s for _, s in rate))
print(f"\nWebSocket echo, {sys.argv[2]} connections, {sys.argv[3]}-byte text messages; medians over {len(rounds)} round(s);"
      " server on CPU 0, client on CPU 1")
print("| server | messages/s | server CPU us/message |\n|---|---:|---:|")
for s in servers:
    m = [rate[(r, s)] for r in rounds if (r, s) in rate]; u = [cpu[(r, s)] for r in rounds if (r, s) in cpu]
    print(f"| {s} | {statistics.median(m):,.0f} | {statistics.median(u):.2f} |")
if "jasyncio" in servers:
    print("\njasyncio / peer, median of the within-round ratios [lowest-highest]")
    print("| peer | messages/s | messages per server CPU-second |\n|---|---:|---:|")
    for s in servers:
        if s == "jasyncio": continue
        both = [r for r in rounds if (r, s) in rate and (r, "jasyncio") in rate]
        cell = lambda q: f"{statistics.median(q):.2f}x [{min(q):.2f}-{max(q):.2f}]" if q else "-"
        print(f"| {s} | {cell([rate[(r, 'jasyncio')] / rate[(r, s)] for r in both])} | "
              f"{cell([cpu[(r, s)] / cpu[(r, 'jasyncio')] for r in both if cpu[(r, 'jasyncio')] > 0])} |")
else:
    print("[bench/http/ws] no ratio: jasyncio did not answer")
PYEOF
rm -f "$results"
