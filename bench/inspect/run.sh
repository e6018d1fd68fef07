#!/usr/bin/env bash
# How long 'bin/jasyncio ps PID' and 'pstree PID' take against a JVM with TASKS tasks (issue 15 asks for under a
# second at 10,000). The target is the test fixture io.jasyncio.inspect.PsFixture in its tree form (100 TaskGroups
# of workers parked on one Event, under a supervisor), started with bin/jasyncio's JVM flags. Per round: a fresh
# target, then 'ps' (the first look, in a JVM whose stack walking was never compiled), 'ps' again, 'pstree'; each
# line gives the wall time, the CPU of the ps JVM and the CPU the target spent meanwhile (its
# snapshot). The machine's load average is printed first: wall times on a busy machine are not figures. Medians at the end.
#   ROUNDS=5 TASKS=10000 bench/inspect/run.sh
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
ROUNDS="${ROUNDS:-5}"
TASKS="${TASKS:-10000}"
cd "$root"
# The CLI (bin/jasyncio builds it when stale) and the fixture, which is a test class.
bin/jasyncio --version >/dev/null
if [ ! -f jasyncio/target/test-classes/io/jasyncio/inspect/PsFixture.class ] ||
   [ jasyncio/src/test/java/io/jasyncio/inspect/PsFixture.java -nt jasyncio/target/test-classes/io/jasyncio/inspect/PsFixture.class ]; then
  echo "[bench/inspect] compiling the fixture (mvn -pl jasyncio test-compile) ..." >&2
  (MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" mvn -B -q -o -pl jasyncio test-compile)
fi
java_bin=""
for d in ${JAVA_HOME:-} /usr/lib/jvm/*; do # a JDK 25+, as bin/jasyncio picks one
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$d/release" 2>/dev/null || true)
  if [ -x "$d/bin/java" ] && [ -n "$v" ] && [ "$v" -ge 25 ]; then java_bin="$d/bin/java"; break; fi
done
[ -n "$java_bin" ] || { echo "bench/inspect needs a JDK 25+ (JAVA_HOME or /usr/lib/jvm)" >&2; exit 2; }

work="$(mktemp -d)"
fixture_pid=""
cleanup() {
  exec 9>&- 2>/dev/null || true
  if [ -n "$fixture_pid" ]; then kill "$fixture_pid" 2>/dev/null || true; wait "$fixture_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

start_fixture() { # a fresh target; its stdin is a fifo we hold open on fd 9 (closing it ends the fixture)
  rm -f "$work/in"; mkfifo "$work/in"
  "$java_bin" --add-opens java.base/java.lang=ALL-UNNAMED -Djdk.trackAllThreads=false -XX:+UseCompactObjectHeaders \
    -XX:+EnableDynamicAgentLoading -Xms128m -cp jasyncio/target/classes:jasyncio/target/test-classes \
    io.jasyncio.inspect.PsFixture "$TASKS" tree <"$work/in" >"$work/fixture.out" 2>&1 &
  fixture_pid=$!
  exec 9>"$work/in"
  for _ in $(seq 600); do grep -q READY "$work/fixture.out" && return 0; sleep 0.1; done
  echo "the fixture did not start:" >&2; cat "$work/fixture.out" >&2; exit 1
}
stop_fixture() {
  exec 9>&-
  wait "$fixture_pid" || true
  fixture_pid=""
}

target_ticks() { awk '{print $14 + $15}' "/proc/$fixture_pid/stat"; } # the target's CPU so far, in 1/100 s

timed() { # label command...: runs it, appends "label wall cpu target-cpu" to $work/times
  local label=$1; shift
  local before; before=$(target_ticks)
  /usr/bin/time -f "%e %U %S" -o "$work/t" "$@" >"$work/out" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  local tcpu; tcpu=$(awk -v a="$before" -v b="$(target_ticks)" 'BEGIN{printf "%.2f", (b - a) / 100}')
  read -r wall user sys <"$work/t"
  local cpu; cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}')
  printf '%-10s wall %5.2f s   ps cpu %5.2f s   target cpu %5.2f s   (%d lines)\n' "$label" "$wall" "$cpu" "$tcpu" \
    "$(wc -l <"$work/out")"
  echo "$label $wall $cpu $tcpu" >>"$work/times"
}

echo "bench/inspect: $TASKS tasks, $ROUNDS rounds, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
  echo "round $r"
  start_fixture
  pid=$fixture_pid
  timed ps-first bin/jasyncio ps "$pid"
  timed ps-again bin/jasyncio ps "$pid"
  timed pstree bin/jasyncio pstree "$pid"
  stop_fixture
done
echo "medians over $ROUNDS rounds:"
median() { sort -n | awk '{v[NR]=$1} END {m=int((NR+1)/2); printf "%.2f", (NR % 2 ? v[m] : (v[m]+v[m+1])/2)}'; }
for label in ps-first ps-again pstree; do
  printf '%-10s wall %5s s   ps cpu %5s s   target cpu %5s s\n' "$label" \
    "$(awk -v l="$label" '$1 == l {print $2}' "$work/times" | median)" \
    "$(awk -v l="$label" '$1 == l {print $3}' "$work/times" | median)" \
    "$(awk -v l="$label" '$1 == l {print $4}' "$work/times" | median)"
done
