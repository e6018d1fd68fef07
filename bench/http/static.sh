#!/usr/bin/env bash
# Static-file throughput, side by side, one wrk for both: jasyncio's web server (bin/jasyncio web-server --static,
# zero-copy sendfile) and nginx (one worker, sendfile on) serving the same directory: a 4 KiB, a 1 MiB and a
# 1 GiB file. Each server is pinned to CPU 0, wrk (-t1) to CPU 1. Prints requests/s and MiB/s per file, and
# jasyncio / nginx taken within each round (median over rounds): requests/s for 4 KiB and 1 MiB, MiB/s for 1 GiB.
#
#   bench/http/static.sh     (knobs: ROUNDS=3 DURATION=5s WARMUP=10s CONNS=50 PORT=18290 WORK=DIR INSTALL=1
#                             HUGE=1 HUGE_CONNS=4 HUGE_DURATION=10s)
#   ROUNDS=1 DURATION=2s WARMUP=2s HUGE=0 bench/http/static.sh      (a smoke run, without the 1 GiB file)
#
# The 1 GiB file (huge.bin) needs 1 GiB free on WORK's disk (default /tmp/jasyncio-static-bench): it is written
# once from /dev/urandom (real blocks, not sparse: a sparse file would be sent from the zero page, not the page
# cache) and reused by later runs while its size is right. HUGE=0 leaves it out. It is measured with HUGE_CONNS
# connections for HUGE_DURATION (each round sends several GiB; wrk counts the bytes of unfinished answers too).
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
HUGE=${HUGE:-1}; HUGE_CONNS=${HUGE_CONNS:-4}; HUGE_DURATION=${HUGE_DURATION:-10s}; HUGE_SIZE=1073741824
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
FILES="small.bin large.bin"
if [[ $HUGE == 1 ]]; then
  if [[ $(stat -c %s "$work/www/huge.bin" 2>/dev/null || echo 0) != "$HUGE_SIZE" ]]; then
    free_kib=$(df -Pk "$work/www" | awk 'NR == 2 {print $4}')
    (( free_kib > HUGE_SIZE / 1024 + 65536 )) || die "huge.bin needs 1 GiB free under $work (df says $((free_kib / 1024)) MiB); free some, set WORK=DIR elsewhere, or HUGE=0"
    say "writing $work/www/huge.bin (1 GiB from /dev/urandom, once; reused while its size is right)"
    head -c "$HUGE_SIZE" /dev/urandom >"$work/www/huge.bin.tmp" && mv "$work/www/huge.bin.tmp" "$work/www/huge.bin"
  fi
  FILES="$FILES huge.bin"
fi
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
  if [[ -n $ok && $HUGE == 1 ]]; then # cmp of 1 GiB per server is slow: its length and a range of its middle
    len=$(curl -sfI "http://127.0.0.1:${SPORT[$s]}/static/huge.bin" | tr -d '\r' | awk 'tolower($1) == "content-length:" {print $2}')
    curl -sf -r 536870912-537919487 -o "$work/check-$s" "http://127.0.0.1:${SPORT[$s]}/static/huge.bin" &&
      cmp -s "$work/check-$s" <(tail -c +536870913 "$work/www/huge.bin" | head -c 1048576) && [[ $len == "$HUGE_SIZE" ]] || ok=""
  fi
  [[ -n $ok ]] || { say "$s left out: /static/large.bin or huge.bin is not the file on disk (see $work/$s.log)"; SERVERS=${SERVERS/$s/}; }
done
[[ -n ${SERVERS// /} ]] || die "no server served the file"
raw=$work/raw-$(date +%Y%m%d-%H%M%S).tsv
printf 'round\tserver\tfile\treq_per_s\tmib_per_s\n' >"$raw"
measure() { # server file duration -> req/s MiB/s, or FAIL
  local c=$CONNS; [[ $2 == huge.bin ]] && c=$HUGE_CONNS
  local out; out=$(timeout 300 taskset -c 1 wrk -t1 -c"$c" -d"$3" "http://127.0.0.1:${SPORT[$1]}/static/$2" 2>&1) || { echo "FAIL FAIL"; return; }
  if grep -q 'Non-2xx' <<<"$out"; then echo "$tag: $1 $2: $(grep 'Non-2xx' <<<"$out")" >&2; echo "FAIL FAIL"; return; fi
  local rps tr; rps=$(awk '/Requests\/sec/{print $2}' <<<"$out"); tr=$(awk '/Transfer\/sec/{print $2}' <<<"$out")
  # A 1 GiB answer may not finish within a short run: its figure is the bytes (Transfer/sec), not the requests.
  [[ $2 == huge.bin ]] || awk -v r="${rps:-0}" 'BEGIN {exit !(r > 0)}' || { echo "FAIL FAIL"; return; }
  # wrk prints Transfer/sec as 12.34MB or 1.2GB (binary units)
  echo "${rps:-0} $(awk -v t="$tr" 'BEGIN { n = t + 0; if (t ~ /GB/) n *= 1024; else if (t ~ /KB/) n /= 1024; else if (t ~ /B$/ && t !~ /MB/) n /= 1048576; print n }')"
}
dur() { if [[ $1 == huge.bin ]]; then echo "$HUGE_DURATION"; else echo "$2"; fi; }
for s in $SERVERS; do for f in $FILES; do echo "warm-up $s $f ($(dur "$f" "$WARMUP"))" >&2; measure "$s" "$f" "$(dur "$f" "$WARMUP")" >/dev/null; done; done
read -r -a order <<<"$SERVERS"
for r in $(seq 1 "$ROUNDS"); do
  n=${#order[@]}; rot=$(( (r - 1) % n )); this=("${order[@]:rot}" "${order[@]:0:rot}")
  for f in $FILES; do
    for s in "${this[@]}"; do
      read -r rps mib <<<"$(measure "$s" "$f" "$(dur "$f" "$DURATION")")"
      printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$s" "$f" "$rps" "$mib" >>"$raw"
      printf '[%s] %-9s %-10s %10s req/s %10s MiB/s\n' "$r" "$s" "$f" "$rps" "$mib" >&2
    done
  done
done
echo "raw rows: $raw" >&2
"$PY" - "$raw" "$CONNS" "$HUGE" "$HUGE_CONNS" <<'PYEOF'
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1]), delimiter="\t") if r["req_per_s"] != "FAIL"]
val = {(r["round"], r["server"], r["file"]): (float(r["req_per_s"] or 0), float(r["mib_per_s"])) for r in rows}
rounds = sorted({r["round"] for r in rows}); servers = list(dict.fromkeys(r["server"] for r in rows))
huge = sys.argv[3] == "1"
files = [("small.bin", "4 KiB", 0), ("large.bin", "1 MiB", 0)] + ([("huge.bin", "1 GiB", 1)] if huge else [])
print(f"\nStatic files, median over {len(rounds)} round(s); wrk -t1 -c{sys.argv[2]}"
      + (f" (1 GiB: -c{sys.argv[4]})" if huge else "") + " on CPU 1, server on CPU 0, loopback")
print("| server | 4 KiB req/s | 4 KiB MiB/s | 1 MiB req/s | 1 MiB MiB/s |" + (" 1 GiB MiB/s |" if huge else "")
      + "\n|---|---:|---:|---:|---:|" + ("---:|" if huge else ""))
for s in servers:
    cells = []
    for f, _, by_bytes in files:
        v = [val[k] for rd in rounds if (k := (rd, s, f)) in val]
        med = lambda i: statistics.median(x[i] for x in v)
        cells += ([f"{med(1):,.1f}"] if by_bytes else [f"{med(0):,.0f}", f"{med(1):,.1f}"]) if v else (["FAIL"] if by_bytes else ["FAIL", "FAIL"])
    print(f"| {s} | " + " | ".join(cells) + " |")
if "jasyncio" in servers and "nginx" in servers:
    for f, name, by_bytes in files:
        rs = [val[(rd, "jasyncio", f)][by_bytes] / val[(rd, "nginx", f)][by_bytes] for rd in rounds
              if (rd, "jasyncio", f) in val and (rd, "nginx", f) in val and val[(rd, "nginx", f)][by_bytes] > 0]
        if rs: print(f"jasyncio / nginx, {name} ({'MiB/s' if by_bytes else 'req/s'}): {statistics.median(rs):.2f} [{min(rs):.2f}-{max(rs):.2f}]")
PYEOF
