#!/usr/bin/env bash
# The HTTP/2 client's throughput beside h2load's, against one jasyncio web server (bin/jasyncio web-server, h2c
# by prior knowledge): h2load -c 1 -m C and bin/jasyncio client-bench --h2c --concurrency C both keep C requests
# in flight on one connection, GET /; plus client-bench --http1 (C connections) for the HTTP/1.1 client. The server
# is pinned to CPU 0 and each client to CPU 1; rounds alternate the clients, so take ratios within a round.
#
#   bench/http2/client.sh    (knobs: ROUNDS=3 REQUESTS=50000 WARMUP=10000 CONC=10 PORT=18390)
#   ROUNDS=1 REQUESTS=10000 WARMUP=2000 bench/http2/client.sh     (a smoke run)
#
# Loopback only; every process is bounded by timeout(1) and stopped at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ROUNDS=${ROUNDS:-3}; REQUESTS=${REQUESTS:-50000}; WARMUP=${WARMUP:-10000}; CONC=${CONC:-10}; PORT=${PORT:-18390}
for c in h2load taskset timeout ss; do command -v "$c" >/dev/null || { echo "client.sh: $c is missing (apt-get install nghttp2-client util-linux coreutils iproute2)"; exit 1; }; done
ss -ltnH "sport = :$PORT" | grep -q . && { echo "client.sh: port $PORT is busy"; exit 1; }
"$root/bin/jasyncio" --version >/dev/null   # builds jasyncio if needed
log=$(mktemp -t jasyncio-h2client-XXXX.log)
timeout 3600 taskset -c 0 "$root/bin/jasyncio" web-server --port "$PORT" >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 200); do ss -ltnH "sport = :$PORT" | grep -q . && break; sleep 0.1; done
ss -ltnH "sport = :$PORT" | grep -q . || { echo "client.sh: the server did not start:"; cat "$log"; exit 1; }
url=http://127.0.0.1:$PORT/
echo "GET $url, $REQUESTS requests ($WARMUP warm-up), $CONC in flight; server on CPU 0, client on CPU 1"
for r in $(seq "$ROUNDS"); do
  timeout 300 taskset -c 1 h2load -n "$WARMUP" -c 1 -m "$CONC" "$url" >/dev/null
  h2=$(timeout 300 taskset -c 1 h2load -n "$REQUESTS" -c 1 -m "$CONC" "$url" | sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p')
  ours=$(timeout 300 taskset -c 1 "$root/bin/jasyncio" client-bench --h2c --requests "$REQUESTS" --warmup "$WARMUP" --concurrency "$CONC" "$url" \
    | sed -n 's/.*: \([0-9]*\) requests\/s.*/\1/p')
  h1=$(timeout 300 taskset -c 1 "$root/bin/jasyncio" client-bench --http1 --requests "$REQUESTS" --warmup "$WARMUP" --concurrency "$CONC" "$url" \
    | sed -n 's/.*: \([0-9]*\) requests\/s.*/\1/p')
  awk -v r="$r" -v a="$h2" -v b="$ours" -v c="$h1" 'BEGIN { printf "round %d: h2load %.0f req/s | ClientSession h2c %.0f req/s (%.2fx h2load) | ClientSession HTTP/1.1 %.0f req/s\n", r, a, b, b / a, c }'
done
