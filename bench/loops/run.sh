#!/usr/bin/env bash
# Several loops, one service: HTTP "Hello, World!" served by 1 and by N event loops (issue 15), measured the same
# way for jasyncio's web server (bin/jasyncio web-server --loops N), the Netty peer (bench/peers/netty, --threads N:
# one acceptor handing connections out; netty-rp: --reuse-port, one SO_REUSEPORT socket per thread) and nginx
# (worker_processes N). For each server and loop count, driven by wrk:
#   - throughput (requests/s);
#   - server CPU per request: the CPU time (user + system, from /proc/PID/stat and /proc/PID/task/*/stat, all the
#     server's processes and threads: GC and JIT included) spent during the run, divided by the requests done;
#   - how evenly the work spread: the CPU of each loop thread (jasyncio's "jasyncio-loopI-", Netty's event-loop
#     threads, nginx's workers) as a share of theirs all, e.g. "52/48"; and, for jasyncio, the connections each
#     loop took over the warm-up and the run (printed by web-server when it stops).
#
#   bench/loops/run.sh      (knobs in the environment: ROUNDS=3 DURATION=10s WARMUP=15s CONNS=100 LOOPS="1 2"
#                            SERVERS="jasyncio netty netty-rp nginx" PORT=18290 WRK_THREADS=1 INSTALL=1)
#   ROUNDS=1 DURATION=2s WARMUP=2s bench/loops/run.sh    (a smoke run)
#
# One server runs at a time, in an order rotated from round to round. A server with N loops gets CPUs 0..N-1
# (taskset) and wrk the CPUs after them; where the machine has no CPU left for wrk (N >= nproc: 2 loops on a
# 2-core box) wrk shares the server's CPUs and the line says "shared": its figures then include the client's
# competition for the same cores, so compare servers within one loop count, not across. The median over rounds
# is printed. Loopback only; every process is bounded by timeout(1) and stopped at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tag=bench/loops
. "$root/bench/peers/peers.sh"
work=${WORK:-/tmp/jasyncio-loops-bench}
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-10s}; WARMUP=${WARMUP:-15s}; CONNS=${CONNS:-100}; LOOPS=${LOOPS:-"1 2"}
PORT=${PORT:-18290}; SERVERS=${SERVERS:-"jasyncio netty netty-rp nginx"}; WRK_THREADS=${WRK_THREADS:-1}
KNOWN="jasyncio netty netty-rp nginx"
die() { say "$*"; exit 1; }
for s in $SERVERS; do [[ " $KNOWN " == *" $s "* ]] || die "unknown server $s (known: $KNOWN)"; done
for n in $LOOPS; do [[ $n =~ ^[1-9][0-9]?$ ]] || die "LOOPS wants counts from 1 to 99, got '$n'"; done
have_cmd wrk wrk "the load generator" || exit 1
have_cmd taskset util-linux "to pin the server and wrk to their CPUs" || exit 1
have_cmd curl curl "to check each server's answers before measuring" || exit 1
have_cmd timeout coreutils "to bound every process" || exit 1
have_cmd ss iproute2 "to check that the port is free" || exit 1
have_python "for the summary table" || exit 1
drop() { SERVERS=$(tr ' ' '\n' <<<"$SERVERS" | { grep -vx -- "$1" || true; } | xargs); }
wanted() { [[ " $SERVERS " == *" $1 "* ]]; }
mkdir -p "$work"
if wanted nginx; then have_cmd nginx nginx-light "nginx left out" || drop nginx; fi
jdk=$(find_jdk) || die "no JDK 25 or newer found (JAVA_HOME or /usr/lib/jvm), for jasyncio and the Netty peer"
netty_jar=""
if wanted netty || wanted netty-rp; then
  netty_jar=$(netty_jar "$jdk" "$work/netty-build.log" "netty") || { drop netty; drop netty-rp; }
fi
[[ -n $SERVERS ]] || die "no server left to measure"
"$root/bin/jasyncio" --version >/dev/null   # builds jasyncio if needed
ss -ltnH "sport = :$PORT" | grep -q . && die "port $PORT is busy (PORT=... picks another)"
ncpu=$(nproc)
CLK_TCK=$(getconf CLK_TCK)

cpus_of() { # N -> "SERVER_CPUS WRK_CPUS SHARED"
  local n=$1 last=$((ncpu - 1))
  if (( n < ncpu )); then echo "0-$((n - 1)) $n-$last apart"; else echo "0-$last 0-$last shared"; fi
}
command_of() { # server N -> the command line, with @PORT@ and @DIR@ to fill
  case $1 in
    jasyncio) echo "env JASYNCIO_JAVA_OPTS=-XX:+UseG1GC $root/bin/jasyncio web-server --port @PORT@ --loops $2" ;;
    netty) echo "$jdk/bin/java -XX:+UseG1GC -jar $netty_jar http --port @PORT@ --threads $2" ;;
    netty-rp) echo "$jdk/bin/java -XX:+UseG1GC -jar $netty_jar http --port @PORT@ --threads $2 --reuse-port" ;;
    nginx) echo "nginx -e stderr -p @DIR@/ -c @DIR@/nginx.conf" ;;
  esac
}
loop_threads() { # server -> a regular expression for the comm of its loop threads ("" = every worker process)
  case $1 in
    jasyncio) echo '^(jasyncio-loop[0-9]|java$)' ;;   # one loop runs on the JVM's main thread (comm "java")
    netty | netty-rp) echo '^multiThreadIoEv' ;;
    nginx) echo '^nginx$' ;;
  esac
}
descendants() { # PID -> PID and every process below it
  local p=$1 c; echo "$p"; for c in $(pgrep -P "$p" || true); do descendants "$c"; done
}
snapshot() { # ROOT_PID -> lines "tid comm ticks" for every thread of every process of the server
  local p t
  for p in $(descendants "$1"); do
    for t in /proc/"$p"/task/*; do
      # comm may hold spaces: the fields after its closing parenthesis are counted from there (utime is 14th)
      awk -v tid="${t##*/}" '{ s = $0; c = substr(s, index(s, "(") + 1); c = substr(c, 1, index(c, ")") - 1);
             gsub(/ /, "_", c); r = substr(s, index(s, ") ") + 2); split(r, f, " ");
             print tid, c, f[12] + f[13] }' "$t/stat" 2>/dev/null || true
    done
  done
}
server_pid=""
stop_server() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=""
}
trap stop_server EXIT
trap 'exit 143' TERM

raw=${RAW:-$work/raw-$(date +%Y%m%d-%H%M%S).tsv}
printf 'round\tserver\tloops\tcpus\treq_per_s\tcpu_us_per_req\tspread\tconn_spread\n' >"$raw"

run_one() { # round server N
  local r=$1 s=$2 n=$3 sc wc mode dir cmd log out rps reqs before after spread cpu conn=""
  read -r sc wc mode <<<"$(cpus_of "$n")"
  dir="$work/$s-$n"; rm -rf "$dir"; mkdir -p "$dir"; log="$dir/server.log"
  if [[ $s == nginx ]]; then
    sed -e "s|@PORT@|$PORT|g" -e "s|@DIR@|$dir|g" -e "s|^worker_processes 1;|worker_processes $n;|" \
      "$peers_root/http/nginx.conf.in" >"$dir/nginx.conf"
  fi
  cmd=$(command_of "$s" "$n"); cmd=${cmd//@PORT@/$PORT}; cmd=${cmd//@DIR@/$dir}
  timeout 3600 taskset -c "$sc" $cmd >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 120); do [ "$(curl -s "http://127.0.0.1:$PORT/" || true)" = "Hello, World!" ] && break; sleep 0.5; done
  if [ "$(curl -s "http://127.0.0.1:$PORT/" || true)" != "Hello, World!" ]; then
    say "$s with $n loop(s) does not answer Hello, World! (see $log): left out of round $r"; stop_server
    printf '%s\t%s\t%s\t%s\tFAIL\t-\t-\t-\n' "$r" "$s" "$n" "$mode" >>"$raw"; return
  fi
  timeout 300 taskset -c "$wc" wrk -t"$WRK_THREADS" -c"$CONNS" -d"$WARMUP" "http://127.0.0.1:$PORT/" >/dev/null 2>&1 || true
  before=$(snapshot "$server_pid")
  out=$(timeout 300 taskset -c "$wc" wrk -t"$WRK_THREADS" -c"$CONNS" -d"$DURATION" "http://127.0.0.1:$PORT/" 2>&1) || out="FAILED $out"
  after=$(snapshot "$server_pid")
  stop_server
  [[ $s == jasyncio ]] && conn=$(sed -n 's/^connections per loop: //p' "$log" | tr ' ' '/')
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out"); reqs=$(awk '/requests in/{print $1}' <<<"$out")
  if [[ $out == FAILED* ]] || grep -q 'Non-2xx' <<<"$out" || ! awk -v r="${rps:-0}" 'BEGIN {exit !(r > 0)}'; then
    say "$s with $n loop(s): wrk failed or got errors: $(tr '\n' ' ' <<<"$out" | cut -c1-200)"
    printf '%s\t%s\t%s\t%s\tFAIL\t-\t-\t-\n' "$r" "$s" "$n" "$mode" >>"$raw"; return
  fi
  read -r cpu spread <<<"$("$PY" - "$reqs" "$CLK_TCK" "$(loop_threads "$s")" "$n" "$s" <<PYEOF
import re, sys
reqs, tck, pat, n, server = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
def parse(text):
    out = {}
    for line in text.strip().splitlines():
        tid, comm, ticks = line.split()
        out[tid] = (comm, int(ticks))
    return out
b, a = parse("""$before"""), parse("""$after""")
delta = {t: (c, v - b.get(t, (c, 0))[1]) for t, (c, v) in a.items()}
total = sum(v for _, v in delta.values())
# The N busiest threads whose name matches: the loops (nginx's idle master matches too, and drops out here).
loops = sorted((v for c, v in delta.values() if re.search(pat, c)), reverse=True)[:n]
s = sum(loops)
spread = "/".join(f"{100 * v / s:.0f}" for v in loops) if s > 0 else "-"
print(f"{total * 1e6 / tck / reqs:.1f} {spread}")
PYEOF
)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$s" "$n" "$mode" "$rps" "$cpu" "$spread" "${conn:--}" >>"$raw"
  printf '[%s] %-9s loops=%s (%s) %10s req/s  %6s us CPU/req  loop CPU %s%s\n' "$r" "$s" "$n" "$mode" "$rps" "$cpu" \
    "$spread" "${conn:+  connections $conn}" >&2
}

read -r -a order <<<"$SERVERS"
for r in $(seq 1 "$ROUNDS"); do
  k=${#order[@]}; rot=$(( (r - 1) % k )); this=("${order[@]:rot}" "${order[@]:0:rot}")
  for n in $LOOPS; do for s in "${this[@]}"; do run_one "$r" "$s" "$n"; done; done
done
echo "raw rows: $raw" >&2
"$PY" - "$raw" <<'PYEOF'
import csv, statistics, sys
every = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
keys = list(dict.fromkeys((r["server"], r["loops"]) for r in every))
rounds = len(set(r["round"] for r in every))
print(f"\nMedian over {rounds} round(s); wrk on its own CPUs where the machine has some left ('apart'), else 'shared'")
print("| server | loops | CPUs | requests/s | CPU µs/request | loop CPU shares (last round) | connections per loop (last round) |")
print("|---|---:|---|---:|---:|---|---|")
for s, n in keys:
    rows = [r for r in every if r["server"] == s and r["loops"] == n and r["req_per_s"] != "FAIL"]
    if not rows:
        print(f"| {s} | {n} | - | FAIL | - | - | - |"); continue
    med = lambda k: statistics.median(float(r[k]) for r in rows)
    last = rows[-1]
    print(f"| {s} | {n} | {last['cpus']} | {med('req_per_s'):,.0f} | {med('cpu_us_per_req'):.1f} | {last['spread']} | {last['conn_spread']} |")
PYEOF
