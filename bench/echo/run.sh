#!/usr/bin/env bash
# Echo-server throughput, side by side, one external client for all: jasyncio's protocol and streams servers,
# CPython asyncio and uvloop (streams and protocol), Netty epoll on one thread and the C epoll server, driven by
# the C one-thread client `echoload`. The peers are the project's own, in bench/peers/echo and bench/peers/netty
# (bench/peers/README.md).
#
#   bench/echo/run.sh            (knobs in the environment: ROUNDS=5 NUM=60000 (requests per measurement)
#                                 WARMUP_NUM (per server and cell; default max(NUM/3, 20000)) SIZES="1000 10000"
#                                 CONNS="3 100" SERVERS="..." PORT=25300 RUN_TIMEOUT=120 RAW=FILE
#                                 PEERS=DIR (instead of bench/peers/echo) INSTALL=1 (apt-get what is missing))
#   ROUNDS=1 NUM=3000 WARMUP_NUM=1000 SIZES=1000 CONNS=3 bench/echo/run.sh     (a smoke run, a minute or so)
#   bench/echo/run.sh --summarize RAW.tsv...   (the tables again, from the raw rows of earlier runs)
# Loopback only; every server and client run is bounded by timeout(1). Prints Markdown tables: median requests/s,
# and the median over rounds of jasyncio's ratio to each peer measured in the same round. A peer that cannot run
# here (no uvloop, no Maven Central for Netty) is left out with one line saying what to install; the rest is
# measured.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tag=bench/echo
. "$root/bench/peers/peers.sh"
peers=${PEERS:-$peers_root/echo}
work=${WORK:-/tmp/jasyncio-echo-bench}
ROUNDS=${ROUNDS:-5}; NUM=${NUM:-60000}; SIZES=${SIZES:-"1000 10000"}; CONNS=${CONNS:-"3 100"}
WARMUP_NUM=${WARMUP_NUM:-$((NUM / 3 > 20000 ? NUM / 3 : 20000))}
PORT=${PORT:-25300}; RUN_TIMEOUT=${RUN_TIMEOUT:-120}
summarize() { # RAW.tsv... -> Markdown tables
  "$PY" - "$@" <<'PYEOF'
import csv, statistics, sys
every = [{**r, "round": f"{i}.{r['round']}"} for i, f in enumerate(sys.argv[1:])
         for r in csv.DictReader(open(f), delimiter="\t")]
# A server or cell that failed every time keeps its place in the tables (as FAIL), so that it cannot go missing.
rows = [{**r, "req_per_s": float(r["req_per_s"])} for r in every if r["req_per_s"] != "FAIL"]
cells = list(dict.fromkeys((r["conns"], r["msize"]) for r in every))
order = "jasyncio-protocol jasyncio-streams asyncio-protocol asyncio-streams uvloop-protocol uvloop-streams".split()
servers = sorted(dict.fromkeys(r["server"] for r in every), key=lambda s: order.index(s) if s in order else len(order))
rounds = list(dict.fromkeys(r["round"] for r in every))
val = {(r["round"], r["server"], r["conns"], r["msize"]): r["req_per_s"] for r in rows}
head = " | ".join(f"{c} conns, {m} B" for c, m in cells)
print(f"\nMedian requests/s over {len(rounds)} round(s), C client (echoload), loopback")
print(f"| server | {head} |\n|---|" + "---:|" * len(cells))
for s in servers:
    meds = [statistics.median(v) if (v := [val[k] for rd in rounds if (k := (rd, s) + c) in val]) else None for c in cells]
    print(f"| {s} | " + " | ".join("FAIL" if m is None else f"{m:,.0f}" for m in meds) + " |")
steal = [float(r["steal_pct"]) for r in rows if r.get("steal_pct")]
if steal:
    print(f"\nCPU time stolen by the hypervisor during a measurement: median {statistics.median(steal):.1f}%, "
          f"highest {max(steal):.1f}% (a shared VM's noise; the ratios below are taken within a round to damp it)")
cpu = {(r["round"], r["server"], r["conns"], r["msize"]): float(r["cpu_us_per_req"]) for r in rows
       if r.get("cpu_us_per_req") not in (None, "", "-", "0.00")}
if cpu:
    print(f"\nMedian server CPU time per request, µs (all the server's threads; lower is better)")
    print(f"| server | {head} |\n|---|" + "---:|" * len(cells))
    for s in servers:
        meds = [statistics.median(v) if (v := [cpu[k] for rd in rounds if (k := (rd, s) + c) in cpu]) else None for c in cells]
        print(f"| {s} | " + " | ".join("-" if m is None else f"{m:.1f}" for m in meds) + " |")
# Ratios are taken within a round (the two servers measured seconds apart), then the median over rounds.
targets = {("jasyncio-protocol", "uvloop-protocol"): 1.2, ("jasyncio-protocol", "netty-epoll-1t"): 1.0,
           ("jasyncio-protocol", "c-epoll"): 0.85, ("jasyncio-streams", "uvloop-streams"): 1.5}
pairs = [(b, s) for b in ("jasyncio-protocol", "jasyncio-streams") if b in servers
         for s in servers if not s.startswith("jasyncio")]
def ratio_table(title, table, ratio, with_targets):
    print(f"\n{title}")
    print(f"| jasyncio / peer | {head} | target |\n|---|" + "---:|" * len(cells) + "---|")
    for b, s in pairs:
        out, met, measured = [], 0, 0
        t = targets.get((b, s)) if with_targets else None
        for c in cells:
            rs = [ratio(table[(rd, b) + c], table[(rd, s) + c]) for rd in rounds
                  if (rd, b) + c in table and (rd, s) + c in table]
            if not rs:
                out.append("-"); continue
            measured += 1
            m = statistics.median(rs)
            met += t is not None and m >= t
            out.append(f"{m:.2f} [{min(rs):.2f}-{max(rs):.2f}]")
        goal = f"≥ {t}×: {met} of {measured}" if t is not None else ""
        print(f"| {b} / {s} | " + " | ".join(out) + f" | {goal} |")
if pairs:
    ratio_table("Throughput, jasyncio / peer: median over rounds of the ratio within a round [lowest-highest]; "
                "target, cells met", val, lambda mine, peer: mine / peer, True)
if pairs and cpu:
    ratio_table("CPU per request, peer / jasyncio (above 1: jasyncio spends less CPU per request), within a round, "
                "median [lowest-highest]", cpu, lambda mine, peer: peer / mine, False)
PYEOF
}
if [[ ${1:-} == --summarize ]]; then shift; summarize "$@"; exit 0; fi
die() { say "$*"; exit 1; }
[[ -f $peers/echoload.c ]] || die "no echo peers at $peers (bench/peers/echo in the repository; PEERS=DIR overrides)"
have_cmd timeout coreutils "to bound every run" || exit 1
have_python "for the summary tables and the Python servers" || exit 1
have_cmd gcc gcc "to build the C client echoload, which drives every server" || exit 1
mkdir -p "$work"

ORDER="jasyncio-protocol jasyncio-streams asyncio-protocol asyncio-streams uvloop-protocol uvloop-streams netty-epoll-1t c-epoll"
SERVERS=${SERVERS:-$ORDER}
wanted() { [[ " $SERVERS " == *" $1 "* ]]; }
drop() { SERVERS=$(tr ' ' '\n' <<<"$SERVERS" | { grep -v -- "$1" || true; } | xargs); }
for s in $SERVERS; do [[ " $ORDER " == *" $s "* ]] || die "unknown server $s (known: $ORDER)"; done

# ---- build the C peers into the scratch folder (the client always; the server when it is measured)
for b in echoload echo_server; do
  [[ $b == echo_server ]] && ! wanted c-epoll && continue
  [[ -x $work/$b && $work/$b -nt $peers/$b.c ]] || gcc -O2 -Wall -o "$work/$b" "$peers/$b.c" || die "gcc could not build $peers/$b.c"
done
if [[ $SERVERS == *uvloop* ]]; then have_py uvloop python3-uvloop "uvloop servers left out" || drop uvloop; fi
java_home=$(find_jdk) || die "a JDK 25 or newer is needed (JAVA_HOME or /usr/lib/jvm), for jasyncio and the Netty peer"
netty_jar=""
if wanted netty-epoll-1t; then
  netty_jar=$(netty_jar "$java_home" "$work/netty-build.log" netty-epoll-1t) || drop netty
fi
"$root/bin/jasyncio" --version >/dev/null   # builds jasyncio if needed

declare -A CMD=(
  [jasyncio-protocol]="$root/bin/jasyncio echo-server --mode protocol --port @PORT@"
  [jasyncio-streams]="$root/bin/jasyncio echo-server --mode streams --port @PORT@"
  [asyncio-protocol]="$PY $peers/asyncio_echo_server.py --mode protocol --port @PORT@"
  [asyncio-streams]="$PY $peers/asyncio_echo_server.py --mode streams --port @PORT@"
  [uvloop-protocol]="$PY $peers/asyncio_echo_server.py --uvloop --mode protocol --port @PORT@"
  [uvloop-streams]="$PY $peers/asyncio_echo_server.py --uvloop --mode streams --port @PORT@"
  [netty-epoll-1t]="$java_home/bin/java -jar $netty_jar echo --port @PORT@ --threads 1"
  [c-epoll]="$work/echo_server @PORT@"
)
[[ -n $SERVERS ]] || die "no server left to measure"

# Every server runs for the whole benchmark, each on its own port (an idle server costs nothing), so that the
# servers can be measured side by side: within a round, every cell is measured on every server one after the
# other, in an order rotated from round to round. A ratio is then taken between two measurements seconds apart,
# not minutes apart, and the machine's drift (large on a shared VM) mostly cancels out.
declare -A PID=() SPORT=()
stop_servers() { for s in "${!PID[@]}"; do kill -TERM "${PID[$s]}" 2>/dev/null || true; done
                 for s in "${!PID[@]}"; do wait "${PID[$s]}" 2>/dev/null || true; done; PID=(); }
trap stop_servers EXIT
trap 'stop_servers; exit 130' INT
trap 'stop_servers; exit 143' TERM
wait_port() { for _ in $(seq 600); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# The server's process (the child of timeout(1)) and the CPU time all its threads have used, in ns: CPU per
# request is a second view, steadier than requests/s, since it leaves out the time the server waits for the client.
server_pid() { pgrep -P "${PID[$1]}" | head -1 || true; }
started=()
p=$PORT
nservers=$(wc -w <<<"$SERVERS"); ncells=$(( $(wc -w <<<"$CONNS") * $(wc -w <<<"$SIZES") ))
for s in $SERVERS; do
  # A port something else already listens on would measure that instead of our server: refuse it.
  (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && die "port $p is in use; set PORT to a free range"
  cmd=${CMD[$s]//@PORT@/$p}
  # bounded, and long enough for every measurement of every server in every round (plus the warm-up)
  timeout $((RUN_TIMEOUT * (ROUNDS + 1) * ncells * nservers + 600)) $cmd > "$work/server-$s.log" 2>&1 &
  PID[$s]=$!; SPORT[$s]=$p; p=$((p + 1))
done
for s in $SERVERS; do
  if wait_port "${SPORT[$s]}" && kill -0 "${PID[$s]}" 2>/dev/null && [[ -n $(server_pid "$s") ]]; then
    started+=("$s")
  else
    say "$s did not start: $work/server-$s.log"
  fi
done
[[ ${#started[@]} -gt 0 ]] || die "no server started"

cpu_ns() { { cat /proc/"$1"/task/*/schedstat 2>/dev/null || true; } | awk '{t += $1} END {printf "%.0f", t}'; }
# The hypervisor's steal time (ticks of /proc/stat's "steal") shows how much of a measurement the VM lost to
# others: the share of CPU time stolen during it is printed beside it.
ticks() { awk '/^cpu / {print $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
measure() { # server conns size num -> "requests/s cpu_us_per_request steal_pct" (FAIL when the client failed)
  local out reqs spid c0 c1 per s0 t0 s1 t1
  spid=$(server_pid "$1"); c0=$(cpu_ns "$spid"); read -r s0 t0 < <(ticks)
  out=$(timeout "$RUN_TIMEOUT" "$work/echoload" -a "127.0.0.1:${SPORT[$1]}" -c "$2" -n $(($4 / $2 + 1)) -s "$3" 2>&1) || out="FAIL"
  c1=$(cpu_ns "$spid"); read -r s1 t1 < <(ticks)
  reqs=$(awk '/requests\/sec/ {printf "%.0f", $1}' <<<"$out")
  per=-
  [[ -n $reqs ]] && per=$(awk -v a="$c0" -v b="$c1" -v n=$(( ($4 / $2 + 1) * $2 )) 'BEGIN {printf "%.2f", (b - a) / 1000 / n}')
  echo "${reqs:-FAIL} ${per} $(awk -v s=$((s1 - s0)) -v t=$((t1 - t0)) 'BEGIN {printf "%.1f", t ? 100 * s / t : 0}')"
}
# Warm-up: every server sees every cell once (the JIT of the Java servers compiles the paths each one takes).
for s in "${started[@]}"; do
  for conns in $CONNS; do for size in $SIZES; do measure "$s" "$conns" "$size" "$WARMUP_NUM" >/dev/null; done; done
done

raw=$work/raw.tsv
printf 'round\tserver\tconns\tmsize\treq_per_s\tcpu_us_per_req\tsteal_pct\n' > "$raw"
n=${#started[@]}
for round in $(seq "$ROUNDS"); do
  for conns in $CONNS; do
    for size in $SIZES; do
      for i in $(seq 0 $((n - 1))); do
        s=${started[$(( (i + round) % n ))]}
        read -r reqs cpu steal < <(measure "$s" "$conns" "$size" "$NUM") || reqs=FAIL  # a dead server: FAIL, go on
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$s" "$conns" "$size" "$reqs" "$cpu" "$steal" >> "$raw"
        printf '[%s] %-18s conns=%-4s msize=%-6s %10s req/s %8s us CPU/req %5s%% stolen\n' "$round" "$s" "$conns" "$size" "$reqs" "$cpu" "$steal" >&2
      done
    done
  done
done
stop_servers
cp "$raw" "${RAW:-$work/raw-$(date +%Y%m%d-%H%M%S).tsv}"

summarize "$raw"
