# Sourced by the side-by-side benchmarks (bench/http/run.sh, https.sh, ws.sh, bench/http2/run.sh) after
# bench/peers/peers.sh (whose say, have_cmd and have_python these use): what each of them did alike. Servers
# start pinned to a CPU, each bounded by timeout(1) and stopped when the script exits; a load generator runs
# pinned and bounded too; a server's CPU and system calls are read from /proc; the servers' order rotates from
# round to round, so that no server is always measured first.
#
# The caller sets SERVERS (the servers still to measure: drop takes one out), PORT and work (the folder for logs).
# start_servers also reads CMD, an associative array: each server's command line, with @PORT@ for its port.

die() { say "$*"; exit 1; }
wanted() { [[ " $SERVERS " == *" $1 "* ]]; }
drop() { SERVERS=$(tr ' ' '\n' <<<"$SERVERS" | { grep -vx -- "$1" || true; } | xargs); }
# known_servers KNOWN: dies naming a server of SERVERS that is not in KNOWN
known_servers() { local s; for s in $SERVERS; do [[ " $1 " == *" $s "* ]] || die "unknown server $s (known: $1)"; done; }
# pin_tools LOADGEN: true when taskset, timeout and ss are there (each missing one is named, with its package)
pin_tools() {
  have_cmd taskset util-linux "to pin the servers and $1 to their CPUs" &&
    have_cmd timeout coreutils "to bound every process" &&
    have_cmd ss iproute2 "to check that the ports are free"
}

# ---------------------------------------------------------------- servers

pids=(); declare -A SPID=() SPORT=()
stop_servers() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop_servers EXIT
trap 'exit 143' TERM

# port_free PORT: dies when something listens on PORT already
port_free() { ! ss -ltnH "sport = :$1" | grep -q . || die "port $1 is busy (PORT=... moves them)"; }

# start_pinned NAME CPU SECONDS LOG CMD...: starts CMD in the background pinned to CPU (unpinned where there is
# no taskset), killed by timeout(1) after SECONDS, its output in LOG; SPID[NAME] is its pid (the timeout's:
# cpu_ticks and syscalls count its descendants), stopped when the script exits.
start_pinned() {
  local name=$1 cpu=$2 secs=$3 log=$4 pin=(); shift 4
  command -v taskset >/dev/null && pin=(taskset -c "$cpu")
  "${pin[@]}" timeout "$secs" "$@" >"$log" 2>&1 &
  pids+=($!); SPID[$name]=$!
}

# start_servers [NGINX_CONF_TEMPLATE]: starts every server of SERVERS from its CMD line on CPU 0, the i-th on
# port PORT+i (SPORT[server]), each logging to $work/SERVER.log. nginx gets a fresh folder for its configuration
# (the template with @PORT@ and @DIR@ filled in), pid file and temporary paths.
start_servers() {
  local i=0 s p
  for s in $SERVERS; do
    p=$((PORT + i)); i=$((i + 1)); SPORT[$s]=$p
    port_free "$p"
    if [[ $s == nginx ]]; then
      rm -rf "$work/nginx-$p"; mkdir -p "$work/nginx-$p"
      sed -e "s|@PORT@|$p|g" -e "s|@DIR@|$work/nginx-$p|g" "$1" >"$work/nginx-$p/nginx.conf"
    fi
    # CMD's line is split into words on purpose: it is a command line
    # shellcheck disable=SC2086
    start_pinned "$s" 0 3600 "$work/$s.log" ${CMD[$s]//@PORT@/$p}
  done
}

# wait_until TRIES PAUSE CMD...: runs CMD until it succeeds, at most TRIES times, PAUSE seconds apart
wait_until() {
  local tries=$1 pause=$2 i; shift 2
  for ((i = 1; i <= tries; i++)); do "$@" && return 0; ((i < tries)) && sleep "$pause"; done
  return 1
}

# ---------------------------------------------------------------- measuring

# on_cpu CPU SECONDS CMD...: CMD in the foreground, pinned to CPU (where there is taskset), bounded to SECONDS
on_cpu() {
  local cpu=$1 secs=$2; shift 2
  if command -v taskset >/dev/null; then taskset -c "$cpu" timeout "$secs" "$@"; else timeout "$secs" "$@"; fi
}

# wrk_run SERVER CONNS DURATION URL: wrk -t1 on CPU 1; prints wrk's output, or says why the run measured
# nothing and fails: wrk failed, got any answer but 2xx/3xx, or completed no request.
wrk_run() {
  local out n
  out=$(on_cpu 1 120 wrk -t1 -c"$2" -d"$3" --latency "$4" 2>&1) || return 1
  # wrk counts error answers in Requests/sec; a server answering 4xx/5xx under load must not look fast
  if grep -q 'Non-2xx' <<<"$out"; then say "$1 -c$2:$(grep 'Non-2xx' <<<"$out")"; return 1; fi
  if grep -q 'Socket errors' <<<"$out"; then say "$1 -c$2:$(grep 'Socket errors' <<<"$out")"; fi
  # wrk exits 0 after a run in which no request completed (a server that accepts and never answers): that
  # measured nothing, and a 0 would make a ratio of 0 (or a division by zero)
  n=$(awk '/requests in/{print $1; exit}' <<<"$out")
  if ! [[ ${n:-0} =~ ^[1-9][0-9]*$ ]]; then say "$1 -c$2: no request completed"; return 1; fi
  echo "$out"
}

descendants() { local c; for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do echo "$c"; descendants "$c"; done; }
# proc_sum PID FILE AWK: the sum of AWK's answer over /proc/P/FILE of PID and all its descendants
proc_sum() {
  local total=0 p
  for p in $1 $(descendants "$1"); do
    [[ -r /proc/$p/$2 ]] || continue
    total=$((total + $(awk "$3" "/proc/$p/$2" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
# cpu_ticks PID: CPU ticks (user + system) of a process and its descendants (timeout(1) -> bin/jasyncio -> java,
# nginx's worker; a JVM's threads are its own)
cpu_ticks() { proc_sum "$1" stat '{sub(/.*\) /, ""); print $12 + $13}'; }
# syscalls PID: read and write system calls (syscr + syscw of /proc/PID/io) of a process and its descendants
syscalls() { proc_sum "$1" io '/^sysc[rw]:/{n += $2} END {print n + 0}'; }
hz=$(getconf CLK_TCK)
# cpu_us_per TICKS N DECIMALS: microseconds of CPU per unit of work, for N units done in TICKS ticks
cpu_us_per() { awk -v t="$1" -v hz="$hz" -v n="$2" -v d="$3" 'BEGIN {printf "%." d "f", t / hz * 1e6 / n}'; }

# round_order ROUND: sets the array `this` to SERVERS rotated by ROUND-1 (round 1 in SERVERS' own order)
round_order() {
  local all rot; read -r -a all <<<"$SERVERS"
  rot=$(( ($1 - 1) % ${#all[@]} )); this=("${all[@]:rot}" "${all[@]:0:rot}")
}
