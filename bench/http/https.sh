#!/usr/bin/env bash
# HTTPS "Hello, World!" (HTTP/1.1 over TLS, the JDK's SSLEngine on both sides of the comparison), side by side:
# jasyncio's web server (bin/jasyncio web-server --cert --key) and Netty's HttpServerCodec behind an SslHandler made
# with SslProvider.JDK on one epoll event-loop thread (bench/peers/netty, http --cert --key). Both serve the same
# certificate, a self-signed RSA-2048 pair for localhost made here with openssl. Each server is pinned to CPU 0
# (G1 for both JVMs: on one CPU the JVM would pick Serial), wrk -t1 to CPU 1; wrk keeps its connections, so the
# TLS handshakes (one per connection) are a small part of a run and the steady state is record encryption.
# wrk offers no ALPN, so both speak HTTP/1.1 (jasyncio would pick h2 for a client offering it; the checks below ask
# curl for HTTP/1.1). The server's cipher order picks the suite: NETTY_CIPHERS=jdk (the default) gives Netty the
# JDK's list in the JDK's order, as jasyncio has, so both negotiate the same suite (TLS_AES_256_GCM_SHA384 with
# wrk's OpenSSL); NETTY_CIPHERS=netty keeps Netty's own order (TLS_AES_128_GCM_SHA256 first). The suite each
# server negotiated is printed before measuring.
#
#   bench/http/https.sh    (knobs in the environment: ROUNDS=3 DURATION=5s WARMUP=20s CONNS=50 PORT=18390
#                           SERVERS="jasyncio netty" NETTY_CIPHERS=jdk INSTALL=1 (apt-get what is missing))
#   ROUNDS=1 DURATION=2s WARMUP=3s bench/http/https.sh      (a smoke run)
#
# Every server must answer Hello, World! on / and 404 on /nope (curl -k) before it is measured. In each round
# every server is measured at every connection count, in an order rotated from round to round, with its CPU
# (user + system ticks of its processes, /proc/PID/stat) read before and after; jasyncio / netty is taken within
# each round and the median over rounds printed. A measurement where wrk fails, gets any answer but 2xx/3xx, or
# completes no request is FAIL and left out. Loopback only; every process is bounded by timeout(1) and stopped at
# the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tag=bench/http/https
. "$root/bench/peers/peers.sh"
. "$root/bench/lib/harness.sh"
work=${WORK:-/tmp/jasyncio-https-bench}
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-5s}; WARMUP=${WARMUP:-20s}; CONNS=${CONNS:-50}
PORT=${PORT:-18390}; SERVERS=${SERVERS:-"jasyncio netty"}; NETTY_CIPHERS=${NETTY_CIPHERS:-jdk}
known_servers "jasyncio netty"
have_cmd wrk wrk "the load generator" || exit 1
pin_tools wrk || exit 1
have_cmd curl curl "to check each server's answers before measuring" || exit 1
have_cmd openssl openssl "to make the servers' certificate" || exit 1
have_python "for the summary tables" || exit 1
mkdir -p "$work"
jdk=$(find_jdk) || die "no JDK 25 or newer found (JAVA_HOME or /usr/lib/jvm), for jasyncio and the Netty peer"
netty_jar=""
if wanted netty; then netty_jar=$(netty_jar "$jdk" "$work/netty-build.log" netty) || drop netty; fi
[[ -n $SERVERS ]] || die "no server left to measure"
"$root/bin/jasyncio" --version >/dev/null   # builds jasyncio if needed
# One certificate for both: RSA-2048, self-signed, for localhost and 127.0.0.1; the key PEM PKCS#8, unencrypted.
cert=$work/cert.pem key=$work/key.pem
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$key" -out "$cert" -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 >"$work/openssl.log" 2>&1 || die "openssl could not make the certificate ($work/openssl.log)"

declare -A CMD=(
  [jasyncio]="env JASYNCIO_JAVA_OPTS=-XX:+UseG1GC $root/bin/jasyncio web-server --port @PORT@ --cert $cert --key $key"
  [netty]="$jdk/bin/java -XX:+UseG1GC -jar $netty_jar http --port @PORT@ --threads 1 --cert $cert --key $key --ciphers $NETTY_CIPHERS"
)
start_servers
# A server that does not answer as the application says is left out (saying so), not measured.
hello() { [ "$(curl -sk --http1.1 "$1/" || true)" = "Hello, World!" ]; }
for s in $SERVERS; do
  url=https://127.0.0.1:${SPORT[$s]}
  if ! wait_until 60 1 hello "$url"; then
    say "$s left out: it does not answer Hello, World! on / over HTTPS (see $work/$s.log)"; drop "$s"
  elif [ "$(curl -sk --http1.1 -o /dev/null -w '%{http_code}' "$url/nope" || true)" != 404 ]; then
    say "$s left out: it does not answer 404 for /nope over HTTPS"; drop "$s"
  else
    say "$s: $(echo | timeout 10 openssl s_client -connect "127.0.0.1:${SPORT[$s]}" 2>/dev/null | sed -n 's/^New, //p' | head -1)"
  fi
done
[[ -n $SERVERS ]] || die "no server answered"
raw=${RAW:-$work/raw-$(date +%Y%m%d-%H%M%S).tsv}
printf 'round\tserver\tconns\treq_per_s\tcpu_us_per_req\tlat_p99\n' >"$raw"
measure() { # server conns duration -> req/s cpu-us-per-request p99, or FAIL - -
  local out t0 t1 n
  t0=$(cpu_ticks "${SPID[$1]}")
  out=$(wrk_run "$1" "$2" "$3" "https://127.0.0.1:${SPORT[$1]}/") || { echo "FAIL - -"; return; }
  t1=$(cpu_ticks "${SPID[$1]}")
  n=$(awk '/requests in/{print $1; exit}' <<<"$out")
  echo "$(awk '/Requests\/sec/{print $2}' <<<"$out") $(cpu_us_per $((t1 - t0)) "$n" 2) $(awk '/ 99%/{print $2}' <<<"$out")"
}
for s in $SERVERS; do say "warm-up $s ($WARMUP)"; measure "$s" 50 "$WARMUP" >/dev/null; done
for r in $(seq 1 "$ROUNDS"); do
  round_order "$r"
  for c in $CONNS; do
    for s in "${this[@]}"; do
      read -r rps cpu p99 <<<"$(measure "$s" "$c" "$DURATION")"
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$s" "$c" "$rps" "$cpu" "$p99" >>"$raw"
      printf '[%s] %-9s -c%-4s %10s req/s  %6s us server CPU/request  p99 %s\n' "$r" "$s" "$c" "$rps" "$cpu" "$p99" >&2
    done
  done
done
echo "raw rows: $raw" >&2
"$PY" "$root/bench/lib/summary.py" "$raw" --cell 'req_per_s:,.0f' --cell 'cpu_us_per_req:.1f' \
  --title "HTTPS (TLS: the JDK's SSLEngine), median requests/s (server CPU us/request) over {rounds} round(s); wrk -t1 on CPU 1, server on CPU 0, loopback" \
  --ratio req_per_s 'jasyncio / peer, requests/s: median of the within-round ratios [lowest-highest]' \
  --ratio 1/cpu_us_per_req 'jasyncio / peer, requests per server CPU-second: median of the within-round ratios [lowest-highest]'
