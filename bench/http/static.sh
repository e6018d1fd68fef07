#!/usr/bin/env bash
# Static-file throughput, side by side, one wrk for both: jasyncio's web server (bin/jasyncio web-server --static,
# zero-copy sendfile) and nginx (one worker, sendfile on) serving the same directory: a 4 KiB and a 1 MiB file.
# Each server is pinned to CPU 0, wrk (-t1) to CPU 1. Prints requests/s and MiB/s per file, and jasyncio / nginx
# taken within each round (median over rounds).
#
#   bench/http/static.sh     (knobs: ROUNDS=3 DURATION=5s WARMUP=10s CONNS=50 PORT=18290 WORK=DIR INSTALL=1)
#   ROUNDS=1 DURATION=2s WARMUP=2s bench/http/static.sh      (a smoke run)
#
# Loopback only; every process is bounded by timeout(1) and stopped at the end. A server whose file is not the
# one on disk (checked with curl and cmp before measuring) is left out, saying so.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tag=bench/http/static
. "$root/bench/peers/peers.sh"
work=${WORK:-/tmp/jasyncio-static-bench}
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-5s}; WARMUP=${WARMUP:-10s}; CONNS=${CONNS:-50}; PORT=${PORT:-18290}
die() { say "$*"; exit 1; }
have_cmd wrk wrk "the load generator" || exit 1
have_cmd taskset util-linux "to pin the servers and wrk to their CPUs" || exit 1
have_cmd curl curl "to check each server's files before measuring" || exit 1
have_cmd timeout coreutils "to bound every process" || exit 1
have_python "for the summary table" || exit 1
SERVERS="jasyncio nginx"
have_cmd nginx nginx-light "nginx left out" || SERVERS="jasyncio"
mkdir -p "$work/www"
head -c 4096 /dev/urandom >"$work/www/small.bin"
head -c 1048576 /dev/urandom >"$work/www/large.bin"
"$root/bin/jasyncio" --version >/dev/null   # builds jasyncio if needed
declare -A SPORT=([jasyncio]=$PORT [nginx]=$((PORT + 1)))
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 143' TERM
for s in $SERVERS; do
  p=${SPORT[$s]}
  ss -ltnH "sport = :$p" | grep -q . && die "port $p is busy"
  if [[ $s == nginx ]]; then
    rm -rf "$work/nginx"; mkdir -p "$work/nginx"; ln -s "$work/www" "$work/nginx/www"
    sed -e "s|@PORT@|$p|g" -e "s|@DIR@|$work/nginx|g" "$root/bench/peers/http/nginx-static.conf.in" >"$work/nginx/nginx.conf"
    timeout 3600 taskset -c 0 nginx -e stderr -p "$work/nginx/" -c "$work/nginx/nginx.conf" >"$work/nginx.log" 2>&1 &
  else
    timeout 3600 env JASYNCIO_JAVA_OPTS=-XX:+UseG1GC taskset -c 0 "$root/bin/jasyncio" web-server --port "$p" \
      --static "$work/www" >"$work/jasyncio.log" 2>&1 &
  fi
  pids+=($!)
done
for s in $SERVERS; do
  ok=""
  for _ in $(seq 60); do
    if curl -sf -o "$work/check-$s" "http://127.0.0.1:${SPORT[$s]}/static/large.bin" && cmp -s "$work/check-$s" "$work/www/large.bin"; then ok=1; break; fi
    sleep 1
  done
  [[ -n $ok ]] || { say "$s left out: /static/large.bin is not the file on disk (see $work/$s.log)"; SERVERS=${SERVERS/$s/}; }
done
[[ -n ${SERVERS// /} ]] || die "no server served the file"
raw=$work/raw-$(date +%Y%m%d-%H%M%S).tsv
printf 'round\tserver\tfile\treq_per_s\tmib_per_s\n' >"$raw"
measure() { # server file duration -> req/s MiB/s, or FAIL
  local out; out=$(timeout 120 taskset -c 1 wrk -t1 -c"$CONNS" -d"$3" "http://127.0.0.1:${SPORT[$1]}/static/$2" 2>&1) || { echo "FAIL FAIL"; return; }
  if grep -q 'Non-2xx' <<<"$out"; then echo "$tag: $1 $2: $(grep 'Non-2xx' <<<"$out")" >&2; echo "FAIL FAIL"; return; fi
  local rps tr; rps=$(awk '/Requests\/sec/{print $2}' <<<"$out"); tr=$(awk '/Transfer\/sec/{print $2}' <<<"$out")
  awk -v r="${rps:-0}" 'BEGIN {exit !(r > 0)}' || { echo "FAIL FAIL"; return; }
  # wrk prints Transfer/sec as 12.34MB or 1.2GB (binary units)
  echo "$rps $(awk -v t="$tr" 'BEGIN { n = t + 0; if (t ~ /GB/) n *= 1024; else if (t ~ /KB/) n /= 1024; else if (t ~ /B$/ && t !~ /MB/) n /= 1048576; print n }')"
}
for s in $SERVERS; do for f in small.bin large.bin; do echo "warm-up $s $f ($WARMUP)" >&2; measure "$s" "$f" "$WARMUP" >/dev/null; done; done
read -r -a order <<<"$SERVERS"
for r in $(seq 1 "$ROUNDS"); do
  n=${#order[@]}; rot=$(( (r - 1) % n )); this=("${order[@]:rot}" "${order[@]:0:rot}")
  for f in small.bin large.bin; do
    for s in "${this[@]}"; do
      read -r rps mib <<<"$(measure "$s" "$f" "$DURATION")"
      printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$s" "$f" "$rps" "$mib" >>"$raw"
      printf '[%s] %-9s %-10s %10s req/s %10s MiB/s\n' "$r" "$s" "$f" "$rps" "$mib" >&2
    done
  done
done
echo "raw rows: $raw" >&2
"$PY" - "$raw" "$CONNS" <<'PYEOF'
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1]), delimiter="\t") if r["req_per_s"] != "FAIL"]
val = {(r["round"], r["server"], r["file"]): (float(r["req_per_s"]), float(r["mib_per_s"])) for r in rows}
rounds = sorted({r["round"] for r in rows}); servers = list(dict.fromkeys(r["server"] for r in rows))
print(f"\nStatic files, median over {len(rounds)} round(s); wrk -t1 -c{sys.argv[2]} on CPU 1, server on CPU 0, loopback")
print("| server | 4 KiB req/s | 4 KiB MiB/s | 1 MiB req/s | 1 MiB MiB/s |\n|---|---:|---:|---:|---:|")
for s in servers:
    cells = []
    for f in ("small.bin", "large.bin"):
        v = [val[k] for rd in rounds if (k := (rd, s, f)) in val]
        cells += [f"{statistics.median(x[0] for x in v):,.0f}", f"{statistics.median(x[1] for x in v):,.1f}"] if v else ["FAIL", "FAIL"]
    print(f"| {s} | " + " | ".join(cells) + " |")
if "jasyncio" in servers and "nginx" in servers:
    for f, name in (("small.bin", "4 KiB"), ("large.bin", "1 MiB")):
        rs = [val[(rd, "jasyncio", f)][0] / val[(rd, "nginx", f)][0] for rd in rounds if (rd, "jasyncio", f) in val and (rd, "nginx", f) in val]
        if rs: print(f"jasyncio / nginx, {name}: {statistics.median(rs):.2f} [{min(rs):.2f}-{max(rs):.2f}]")
PYEOF
