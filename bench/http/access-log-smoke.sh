#!/bin/bash
# The access log's cost: `bin/jasyncio web-server` under wrk without and with --access-log (aiohttp's default
# format, written with AccessLog.toStream to a file: one write per loop iteration), alternating ROUNDS times.
# Loopback only; every server started here is stopped. Usage: bench/http/access-log-smoke.sh [ROUNDS] [SECONDS]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
rounds=${1:-3} secs=${2:-10} port=${PORT:-18471}
log=$(mktemp)
server=""
stop() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; server=""; }
trap 'stop; rm -f "$log"' EXIT
"$root/bin/jasyncio" help > /dev/null # builds once, outside the measured rounds
for r in $(seq 1 "$rounds"); do
  for flag in "" "--access-log"; do
    "$root/bin/jasyncio" web-server --port "$port" $flag > "$log" 2>&1 &
    server=$!
    for i in $(seq 1 120); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.5; done
    wrk -t1 -c50 -d3s "http://127.0.0.1:$port/" > /dev/null 2>&1 # warm-up
    rps=$(wrk -t1 -c50 -d"${secs}s" "http://127.0.0.1:$port/" 2>&1 | awk '/Requests\/sec/ {print $2}')
    echo "round $r ${flag:-(no access log)}: $rps req/s, $(wc -l < "$log") lines logged"
    stop
  done
done
