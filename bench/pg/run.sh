#!/usr/bin/env bash
# PostgreSQL client drivers side by side on MagicStack pgbench's workloads (resized; see peers/workloads.py):
# jasyncio's driver (io.jasyncio.pg, four ways: pipe1 as it comes, group1 with ConnectOptions.withGroupReads), asyncpg on uvloop and on asyncio, psycopg 3 async, PgJDBC on
# virtual threads, vertx-pg-client pipelined and pooled — one after the other against one throwaway PostgreSQL 15
# cluster, the server pinned to CPU 0 and each client to CPU 1, with each side's CPU time counted from /proc.
#
#   bench/pg/run.sh                                   # everything, one round (~25 min on an idle 2-core box)
#   ROUNDS=3 bench/pg/run.sh                          # the tables pool the rounds (median, min-max)
#   DURATION=2 WARMUP=1 RETRIES=0 QUIET_MAX=0 bench/pg/run.sh       # smoke run (~5 min)
#   CLIENTS="jasyncio-pipe1 asyncpg-uvloop vertx-pipe1" WORKLOADS=a1,a32 bench/pg/run.sh
#
# Knobs: DURATION, WARMUP (s per measurement: 10, 5), WORKLOADS (a1,a32,b,c,d), CLIENTS, ROUNDS, PIN (1: pinned),
# shared-box guards QUIET_PCT (10), QUIET_MAX (60 s), OTHER_MAX (0.15 core), RETRIES (2): before each measurement a
# client waits until the machine is at most QUIET_PCT % busy, and measures again when other work used more than
# OTHER_MAX during the window. OUT (/tmp/jasyncio-pg-bench). Run as root (the server runs as the postgres user).
# Loopback only. Every process it starts is stopped at the end (also on error or Ctrl-C), the cluster deleted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PY=/usr/bin/python3
DURATION=${DURATION:-10}; WARMUP=${WARMUP:-5}; WORKLOADS=${WORKLOADS:-a1,a32,b,c,d}; PIN=${PIN:-1}; ROUNDS=${ROUNDS:-1}
QUIET_PCT=${QUIET_PCT:-10}; QUIET_MAX=${QUIET_MAX:-60}; OTHER_MAX=${OTHER_MAX:-0.15}; RETRIES=${RETRIES:-2}
OUT=${OUT:-/tmp/jasyncio-pg-bench}
CLIENTS=${CLIENTS:-"jasyncio-pipe1 jasyncio-group1 jasyncio-connN jasyncio-jdbc asyncpg-uvloop asyncpg-asyncio psycopg-asyncio jdbc-vt jdbc-vt-rewrite vertx-pipe1 vertx-pipeN vertx-poolN"}
die() { echo "bench/pg: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (the server runs as the postgres user, via runuser)"
[ -x "$PGBIN/initdb" ] || die "PostgreSQL 15 is missing: apt-get install postgresql-15"
command -v taskset >/dev/null || die "taskset is missing: apt-get install util-linux"
$PY -c "import asyncpg, psycopg, uvloop" 2>/dev/null || die "Debian's python3 needs asyncpg, psycopg and uvloop: apt-get install python3-asyncpg python3-psycopg python3-uvloop"
jdk=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
"$jdk/bin/java" -version 2>&1 | grep -q '"25' || die "no JDK 25 at $jdk (set JAVA_HOME)"

work=""; pgdata=""; client=""
cleanup() {
  local rc=$?
  if [ -n "$client" ] && kill -0 "$client" 2>/dev/null; then kill "$client" 2>/dev/null || true; wait "$client" 2>/dev/null || true; fi
  if [ -n "$pgdata" ] && [ -f "$pgdata/postmaster.pid" ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null 2>&1 || true
  fi
  [ -n "$work" ] && rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pin() { if [ "$PIN" = 1 ]; then taskset -c "$1" "${@:2}"; else "${@:2}"; fi; }

# ---- build: jasyncio (bin/jasyncio builds what is stale) and the Java peers (outside the reactor, into $OUT)
mkdir -p "$OUT"
"$root/bin/jasyncio" --version >/dev/null
jcp="$root/cli/target/classes:$(cat "$root/cli/target/classpath.txt")"
if [[ " $CLIENTS " == *" jdbc-vt"* || " $CLIENTS " == *" vertx-"* ]]; then
  echo "building the Java peers into $OUT/java ..." >&2
  (cd "$here/peers/java" && JAVA_HOME=$jdk MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
    mvn -q -B -Dbuild.dir="$OUT/java" -DskipTests package dependency:copy-dependencies \
    -DoutputDirectory="$OUT/java/lib" -DincludeScope=runtime) >&2 || die "building the Java peers failed"
fi
pcp="$OUT/java/classes:$OUT/java/lib/*"

# ---- a throwaway cluster: a client-library benchmark, so the disk is taken out of the picture
work=$(mktemp -d /tmp/jasyncio-pg-bench.XXXXXX)
pgdata=$work/data
mkdir -p "$work/sock"; chown -R postgres: "$work"
runuser -u postgres -- "$PGBIN/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --no-locale --no-sync >"$work/initdb.log" 2>&1
port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >>"$pgdata/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$work/sock'
max_connections = 100
shared_buffers = 256MB
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
max_wal_size = 8GB
checkpoint_timeout = 30min
autovacuum = off
jit = off
EOF
pin 0 runuser -u postgres -- "$PGBIN/pg_ctl" -D "$pgdata" -l "$work/server.log" -w start >/dev/null
postmaster=$(head -1 "$pgdata/postmaster.pid")
echo "server: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'), port $port, pid $postmaster, CPUs $(taskset -cp "$postmaster" | awk '{print $NF}')" >&2

results=$OUT/results-$(date +%Y%m%d-%H%M%S).jsonl
{
  echo "# host: $(nproc) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -r)"
  echo "# server: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'), pinned=$PIN, duration=${DURATION}s warmup=${WARMUP}s"
  echo "# python: $($PY -c 'import sys, asyncpg, psycopg, uvloop; print(sys.version.split()[0], "asyncpg", asyncpg.__version__, "psycopg", psycopg.__version__, "(pq " + psycopg.pq.__impl__ + ")", "uvloop", uvloop.__version__)')"
  echo "# java: $("$jdk/bin/java" -version 2>&1 | head -1); jasyncio $(git -C "$root" rev-parse --short HEAD)"
} >"$results"

common=(--port "$port" --duration "$DURATION" --warmup "$WARMUP" --postmaster "$postmaster" --quiet-pct "$QUIET_PCT"
        --quiet-max "$QUIET_MAX" --other-max "$OTHER_MAX" --retries "$RETRIES")
# Every JVM gets the same heap; the JVM sees one CPU when pinned (its default collector then is Serial).
jvm=("$jdk/bin/java" -Xms1g -Xmx4g)
ours=("${jvm[@]}" --add-opens java.base/java.lang=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED
      -Djdk.trackAllThreads=false -XX:+UseCompactObjectHeaders -cp "$jcp" io.jasyncio.bench.pg.PgBench)
peer=("${jvm[@]}" -cp "$pcp" pgpeer.PgPeer)
only() { # the workloads of $WORKLOADS among $1
  local r=""; for w in ${WORKLOADS//,/ }; do [[ ",$1," == *",$w,"* ]] && r="$r,$w"; done; echo "${r#,}"
}

run() { # label workloads command...
  local label=$1 ws=$2; shift 2
  [ -n "$ws" ] || return 0
  echo "--- $label ($ws)" >&2
  local cmd=("$@" --workloads "$ws" "${common[@]}")
  [ "$PIN" = 1 ] && cmd=(taskset -c 1 "${cmd[@]}")
  "${cmd[@]}" >>"$results" 2>>"$OUT/stderr.log" &
  client=$!
  wait "$client" || { echo "$label failed; see $OUT/stderr.log" >&2; tail -5 "$OUT/stderr.log" >&2; }
  client=""
}

: >"$OUT/stderr.log"
for round in $(seq 1 "$ROUNDS"); do
  [ "$ROUNDS" = 1 ] || echo "=== round $round/$ROUNDS" >&2
  for c in $CLIENTS; do
    case $c in
      jasyncio-pipe1)  run "$c" "$WORKLOADS" "${ours[@]}" --conns pipe ;;
      jasyncio-group1) run "$c" "$(only a1,a32)" "${ours[@]}" --conns pipe --group-reads true --peer jasyncio-group1 ;;
      jasyncio-connN)  run "$c" "$(only a32,b)" "${ours[@]}" --conns each ;;
      jasyncio-jdbc)   run "$c" "$(only a1,a32,b)" "${ours[@]}" --conns jdbc ;;
      asyncpg-uvloop)  run "$c" "$WORKLOADS" $PY "$here/peers/pgpeer.py" --driver asyncpg --loop uvloop ;;
      asyncpg-asyncio) run "$c" "$WORKLOADS" $PY "$here/peers/pgpeer.py" --driver asyncpg --loop asyncio ;;
      psycopg-asyncio) run "$c" "$WORKLOADS" $PY "$here/peers/pgpeer.py" --driver psycopg --loop asyncio ;;
      jdbc-vt)         run "$c" "$WORKLOADS" "${peer[@]}" --driver jdbc ;;
      jdbc-vt-rewrite) run "$c" "$(only c)" "${peer[@]}" --driver jdbc --rewrite ;;
      vertx-pipe1)     run "$c" "$(only a1,a32,b,c)" "${peer[@]}" --driver vertx --conns 1 ;;
      vertx-pipeN)     run "$c" "$(only a32,b)" "${peer[@]}" --driver vertx --conns 0 ;;
      vertx-poolN)     run "$c" "$(only a32,b)" "${peer[@]}" --driver vertx --conns 0 --pool ;;
      *) die "unknown client $c" ;;
    esac
  done
done
grep ' try=' "$OUT/stderr.log" | sed 's/^/  /' >&2 || true
$PY "$here/report.py" "$results"
echo "raw results: $results" >&2
