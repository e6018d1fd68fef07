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
work=${WORK:-/tmp/jasyncio-https-bench}
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-5s}; WARMUP=${WARMUP:-20s}; CONNS=${CONNS:-50}
PORT=${PORT:-18390}; SERVERS=${SERVERS:-"jasyncio netty"}; NETTY_CIPHERS=${NETTY_CIPHERS:-jdk}
die() { say "$*"; exit 1; }
for s in $SERVERS; do [[ " jasyncio netty " == *" $s "* ]] || die "unknown server $s (known: jasyncio netty)"; done
have_cmd wrk wrk "the load generator" || exit 1
have_cmd taskset util-linux "to pin the server and wrk to their CPUs" || exit 1
have_cmd curl curl "to check each server's answers before measuring" || exit 1
have_cmd openssl openssl "to make the servers' certificate" || exit 1
have_cmd timeout coreutils "to bound every process" || exit 1
have_cmd ss iproute2 "to check that the ports are free" || exit 1
have_python "for the summary tables" || exit 1
wanted() { [[ " $SERVERS " == *" $1 "* ]]; }
drop() { SERVERS=$(tr ' ' '\n' <<<"$SERVERS" | { grep -vx -- "$1" || true; } | xargs); }
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
declare -A SPORT=() SPID=(); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 143' TERM
i=0
for s in $SERVERS; do
  p=$((PORT + i)); i=$((i + 1)); SPORT[$s]=$p
  ss -ltnH "sport = :$p" | grep -q . && die "port $p is busy (PORT=... moves them)"
  timeout 3600 taskset -c 0 ${CMD[$s]//@PORT@/$p} >"$work/$s.log" 2>&1 &
  pids+=($!); SPID[$s]=$!
done
# A server that does not answer as the application says is left out (saying so), not measured.
for s in $SERVERS; do
  url=https://127.0.0.1:${SPORT[$s]}
  for _ in $(seq 60); do [ "$(curl -sk --http1.1 "$url/" || true)" = "Hello, World!" ] && break; sleep 1; done
  if [ "$(curl -sk --http1.1 "$url/" || true)" != "Hello, World!" ]; then
    say "$s left out: it does not answer Hello, World! on / over HTTPS (see $work/$s.log)"; drop "$s"
  elif [ "$(curl -sk --http1.1 -o /dev/null -w '%{http_code}' "$url/nope" || true)" != 404 ]; then
    say "$s left out: it does not answer 404 for /nope over HTTPS"; drop "$s"
  else
    say "$s: $(echo | timeout 10 openssl s_client -connect "127.0.0.1:${SPORT[$s]}" 2>/dev/null | sed -n 's/^New, //p' | head -1)"
  fi
done
[[ -n $SERVERS ]] || die "no server answered"
# CPU ticks (user + system) of a process and all its descendants (timeout(1) -> bin/jasyncio -> java)
descendants() { local c; for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do echo "$c"; descendants "$c"; done; }
cpu_ticks() {
  local total=0 p
  for p in $1 $(descendants "$1"); do
    [[ -r /proc/$p/stat ]] || continue
    total=$((total + $(awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
hz=$(getconf CLK_TCK)
raw=${RAW:-$work/raw-$(date +%Y%m%d-%H%M%S).tsv}
printf 'round\tserver\tconns\treq_per_s\tcpu_us_per_req\tlat_p99\n' >"$raw"
measure() { # server conns duration -> req/s cpu-us-per-request p99, or FAIL - -
  local out t0 t1 n
  t0=$(cpu_ticks "${SPID[$1]}")
  out=$(timeout 120 taskset -c 1 wrk -t1 -c"$2" -d"$3" --latency "https://127.0.0.1:${SPORT[$1]}/" 2>&1) || { echo "FAIL - -"; return; }
  t1=$(cpu_ticks "${SPID[$1]}")
  if grep -q 'Non-2xx' <<<"$out"; then say "$1 -c$2:$(grep 'Non-2xx' <<<"$out")"; echo "FAIL - -"; return; fi
  if grep -q 'Socket errors' <<<"$out"; then say "$1 -c$2:$(grep 'Socket errors' <<<"$out")"; fi
  n=$(awk '/requests in/{print $1; exit}' <<<"$out")
  if ! [[ ${n:-0} =~ ^[1-9][0-9]*$ ]]; then say "$1 -c$2: no request completed"; echo "FAIL - -"; return; fi
  echo "$(awk '/Requests\/sec/{print $2}' <<<"$out") $(awk -v t=$((t1 - t0)) -v hz="$hz" -v n="$n" 'BEGIN {printf "%.2f", t / hz * 1e6 / n}') $(awk '/ 99%/{print $2}' <<<"$out")"
}
for s in $SERVERS; do say "warm-up $s ($WARMUP)"; measure "$s" 50 "$WARMUP" >/dev/null; done
read -r -a order <<<"$SERVERS"
for r in $(seq 1 "$ROUNDS"); do
  n=${#order[@]}; rot=$(( (r - 1) % n )); this=("${order[@]:rot}" "${order[@]:0:rot}")
  for c in $CONNS; do
    for s in "${this[@]}"; do
      read -r rps cpu p99 <<<"$(measure "$s" "$c" "$DURATION")"
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$s" "$c" "$rps" "$cpu" "$p99" >>"$raw"
      printf '[%s] %-9s -c%-4s %10s req/s  %6s us server CPU/request  p99 %s\n' "$r" "$s" "$c" "$rps" "$cpu" "$p99" >&2
    done
  done
done
echo "raw rows: $raw" >&2
"$PY" - "$raw" <<'PYEOF'
import csv, statistics, sys
every = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
rows = [r for r in every if r["req_per_s"] != "FAIL"]
servers = list(dict.fromkeys(r["server"] for r in every)); conns = list(dict.fromkeys(r["conns"] for r in every))
rounds = list(dict.fromkeys(r["round"] for r in every))
rps = {(r["round"], r["server"], r["conns"]): float(r["req_per_s"]) for r in rows}
cpu = {(r["round"], r["server"], r["conns"]): float(r["cpu_us_per_req"]) for r in rows}
print(f"\nHTTPS (TLS: the JDK's SSLEngine), median requests/s (server CPU us/request) over {len(rounds)} round(s);"
      " wrk -t1 on CPU 1, server on CPU 0, loopback")
print("| server | " + " | ".join(f"-c{c}" for c in conns) + " |\n|---|" + "---:|" * len(conns))
for s in servers:
    cells = []
    for c in conns:
        r = [rps[k] for rd in rounds if (k := (rd, s, c)) in rps]; u = [cpu[k] for rd in rounds if (k := (rd, s, c)) in cpu]
        cells.append(f"{statistics.median(r):,.0f} ({statistics.median(u):.1f})" if r else "FAIL")
    print(f"| {s} | " + " | ".join(cells) + " |")
def ratios(what, of):
    print(f"\njasyncio / peer, {what}: median of the within-round ratios [lowest-highest]")
    print("| peer | " + " | ".join(f"-c{c}" for c in conns) + " |\n|---|" + "---:|" * len(conns))
    for s in servers:
        if s == "jasyncio": continue
        cells = []
        for c in conns:
            q = [of(rd, "jasyncio", c) / of(rd, s, c) for rd in rounds
                 if (rd, "jasyncio", c) in rps and (rd, s, c) in rps and cpu[(rd, s, c)] > 0 and cpu[(rd, "jasyncio", c)] > 0]
            cells.append(f"{statistics.median(q):.2f} [{min(q):.2f}-{max(q):.2f}]" if q else "-")
        print(f"| {s} | " + " | ".join(cells) + " |")
if "jasyncio" in servers and len(servers) > 1:
    ratios("requests/s", lambda rd, s, c: rps[(rd, s, c)])
    ratios("requests per server CPU-second", lambda rd, s, c: 1 / cpu[(rd, s, c)])
PYEOF
