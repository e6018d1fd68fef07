#!/bin/bash
# The access log's cost, side by side with aiohttp's: `bin/jasyncio web-server` and aiohttp's hello
# (bench/peers/http/aiohttp_hello.py) under wrk, each without and with its access log (aiohttp's default format,
# to a file: jasyncio with AccessLog.toStream, one write per loop iteration; aiohttp with its logger), alternating
# ROUNDS times. Prints req/s per run, then for each server the share of its throughput kept with the log (median
# of the rounds' with/without, each pair taken the same minute).
#
#   bench/http/access-log-smoke.sh [ROUNDS] [SECONDS]       (PORT=18471; ROUNDS=1 SECONDS=3 for a smoke run)
#
# Loopback only; every server started here is bounded by timeout(1) and stopped.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
rounds=${1:-3} secs=${2:-10} port=${PORT:-18471}
say() { echo "[bench/http/access-log] $*" >&2; }
for c in wrk curl timeout; do
  command -v $c >/dev/null || { say "needs $c: apt-get install -y ${c/timeout/coreutils}"; exit 1; }
done
SERVERS="jasyncio aiohttp"
/usr/bin/python3 -c 'import aiohttp' 2>/dev/null || { say "aiohttp left out: apt-get install -y python3-aiohttp"; SERVERS="jasyncio"; }
work=$(mktemp -d)
server=""
stop() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi; server=""; }
trap 'stop; rm -rf "$work"' EXIT
"$root/bin/jasyncio" help > /dev/null # builds once, outside the measured rounds
start() { # server with-log?
  local log="$work/$1-$2.log"; : > "$log"
  if [[ $1 == jasyncio ]]; then
    timeout $((secs * 3 + 120)) "$root/bin/jasyncio" web-server --port "$port" $([[ $2 == on ]] && echo --access-log) > "$log" 2>&1 &
  else
    timeout $((secs * 3 + 120)) /usr/bin/python3 "$root/bench/peers/http/aiohttp_hello.py" --port "$port" \
      $([[ $2 == on ]] && echo --access-log "$log") > "$work/aiohttp-stdout.log" 2>&1 &
  fi
  server=$!
  for _ in $(seq 1 120); do curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0; sleep 0.5; done
  say "$1 did not answer on port $port (see $work)"; return 1
}
results="$work/results"
for r in $(seq 1 "$rounds"); do
  for s in $SERVERS; do
    for log in off on; do
      start "$s" "$log" || { stop; continue; }
      wrk -t1 -c50 -d3s "http://127.0.0.1:$port/" > /dev/null 2>&1 || true # warm-up
      rps=$(wrk -t1 -c50 -d"${secs}s" "http://127.0.0.1:$port/" 2>&1 | awk '/Requests\/sec/ {print $2}')
      lines=$(wc -l < "$work/$s-$log.log")
      echo "round $r $s access log $log: ${rps:-FAILED} req/s, $lines lines written (the log and the server's own lines)"
      [[ -n $rps ]] && echo "$r $s $log $rps" >> "$results"
      stop
    done
  done
done
[[ -s $results ]] || { say "no run measured"; exit 1; }
awk '
  { v[$1 " " $2 " " $3] = $4; if ($1 > rounds) rounds = $1; seen[$2] = 1 }
  END {
    for (s in seen) {
      n = 0
      for (r = 1; r <= rounds; r++) if ((r " " s " on") in v && v[r " " s " off"] > 0) q[++n] = v[r " " s " on"] / v[r " " s " off"]
      if (n == 0) continue
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (q[j] < q[i]) { t = q[i]; q[i] = q[j]; q[j] = t }
      m = n % 2 ? q[(n + 1) / 2] : (q[n / 2] + q[n / 2 + 1]) / 2
      printf "%s keeps %.2f of its req/s with its access log (median of %d rounds; min %.2f, max %.2f)\n", s, m, n, q[1], q[n]
      delete q
    }
  }' "$results"
