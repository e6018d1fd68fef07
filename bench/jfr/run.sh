#!/usr/bin/env bash
# JFR's overhead (issue 15: "overhead with recording off ≈ 0 and with the default settings ≤ 5 %"). Two modes:
#
#   bench/jfr/run.sh [jmh]   (the default) JMH: CoreJmh (jasyncio's switch, spawn, wake, callSoon) and JdkSwitchJmh
#                            (plain-JDK continuation yield, virtual-thread yield and park/unpark ping-pong: the
#                            reproducer of docs/BENCHMARKS.md, "JFR overhead"), each forked JVM run in three modes,
#                            interleaved round by round (the order rotated):
#       off      no recording
#       none     -XX:StartFlightRecording:settings=none: the recorder running, no event enabled
#       default  -XX:StartFlightRecording with the JDK's default settings (jasyncio's LoopSample, LoopBlocked on)
#     Per benchmark: the mean score of each mode over the rounds with JMH's error (99.9 %), and the ratios none/off
#     and default/off. Knobs: ROUNDS=2, JMH_OPTS="-f 1 -wi 3 -i 5 -w 1 -r 1", BENCH='CoreJmh|JdkSwitchJmh',
#     JMH_MODES="off none default". An idle-machine run: ROUNDS=3 JMH_OPTS="-f 2 -wi 3 -i 5 -w 1 -r 1" bench/jfr/run.sh
#     A smoke run: ROUNDS=1 JMH_OPTS="-f 1 -wi 1 -i 1 -w 1 -r 1" BENCH=JdkSwitchJmh.continuationYield bench/jfr/run.sh
#
#   bench/jfr/run.sh perf    where the cost goes: the share of CPU samples in HotSpot's JVMTI virtual-thread
#                            transition code, with and without a recording (bench/jfr/perf.sh says more)
#
#   bench/jfr/run.sh core    'bin/jasyncio bench core' per mode, as below: one round per JVM, too noisy for 5 %
#                            (the no-recording mode alone moved 1.5x between rounds), kept for the event counts.
#
# The core mode: three modes, each in its own JVM, in an order rotated from round to round:
#   off      no recording (jasyncio's call sites then read one volatile flag each: docs/INTROSPECTION.md)
#   default  -XX:StartFlightRecording with the JDK's default settings (jasyncio's LoopSample and LoopBlocked on,
#            its per-task events off, as the JDK's own jdk.VirtualThreadStart is)
#   tasks    the same plus jasyncio's per-task events (TaskCreated, TaskEnded, TaskCancelled): ~2 events per task
# Per workload: the median of each mode over the rounds, the ratios default/off and tasks/off (every bench core
# metric is a cost: lower is better, so a ratio above 1 is overhead), and a verdict against the 5 % of the
# default settings. The first round checks with 'jfr summary' that the recordings hold jasyncio's events.
# parked_task_bytes is left out: JFR allocates while the heap is measured, so it means nothing under a recording.
#
#   ROUNDS=5 bench/jfr/run.sh core              (knobs: ROUNDS=5 SCALE=1.0 BENCH_ROUNDS=3 MODES="off default tasks")
#   ROUNDS=1 SCALE=0.05 BENCH_ROUNDS=1 bench/jfr/run.sh core (a smoke run: it says nothing about overhead)
#
# On a busy machine the noise between two runs of the same mode exceeds 5 %: take the figures on an idle one.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
MODE="${1:-jmh}"
case $MODE in jmh | perf | core) ;; *) echo "bench/jfr: unknown mode '$MODE' (jmh, perf, core)" >&2; exit 2 ;; esac
if [ "$MODE" = jmh ]; then exec "$root/bench/jfr/jmh.sh"; fi
if [ "$MODE" = perf ]; then exec "$root/bench/jfr/perf.sh"; fi
ROUNDS="${ROUNDS:-5}"; SCALE="${SCALE:-1.0}"; BENCH_ROUNDS="${BENCH_ROUNDS:-3}"; MODES="${MODES:-off default tasks}"
for m in $MODES; do case $m in off | default | tasks) ;; *) echo "bench/jfr: unknown mode $m (off, default, tasks)" >&2; exit 2 ;; esac; done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "bench/jfr: ROUNDS wants a positive count, got '$ROUNDS'" >&2; exit 2; }
cd "$root"
bin/jasyncio --version >/dev/null # builds what is missing
jfr_bin="" # the JDK's jfr tool, from a JDK 25+ as bin/jasyncio picks one
for d in ${JAVA_HOME:-} /usr/lib/jvm/*; do
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$d/release" 2>/dev/null || true)
  if [ -x "$d/bin/jfr" ] && [ -n "$v" ] && [ "$v" -ge 25 ]; then jfr_bin="$d/bin/jfr"; break; fi
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
task_events="+io.jasyncio.TaskCreated#enabled=true,+io.jasyncio.TaskEnded#enabled=true,+io.jasyncio.TaskCancelled#enabled=true"

opts_of() { # mode round -> the JVM options
  case $1 in
    off) echo "" ;;
    default) echo "-XX:StartFlightRecording:filename=$work/default-$2.jfr" ;;
    tasks) echo "-XX:StartFlightRecording:filename=$work/tasks-$2.jfr,$task_events" ;;
  esac
}

echo "bench/jfr: bench core --scale $SCALE --rounds $BENCH_ROUNDS, $ROUNDS rounds of: $MODES"
echo "  $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
read -r -a modes <<<"$MODES"
for r in $(seq "$ROUNDS"); do
  n=${#modes[@]}
  for i in $(seq 0 $((n - 1))); do
    mode=${modes[$(((i + r - 1) % n))]}
    start=$(date +%s)
    JASYNCIO_JAVA_OPTS="$(opts_of "$mode" "$r")" bin/jasyncio bench core --no-peers --scale "$SCALE" \
      --rounds "$BENCH_ROUNDS" >"$work/out" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    # "metric value unit" lines of the jasyncio section
    awk -v m="$mode" -v r="$r" 'NF == 3 && $2 ~ /^[0-9.]+$/ && $1 != "parked_task_bytes" {print m, r, $1, $2, $3}' \
      "$work/out" >>"$work/results"
    echo "  round $r $mode: $(awk -v m="$mode" -v r="$r" '$1 == m && $2 == r' "$work/results" | wc -l) metrics, $(($(date +%s) - start)) s"
    if [ "$r" = 1 ] && [ "$mode" != off ] && [ -n "$jfr_bin" ]; then # the recording holds jasyncio's events
      "$jfr_bin" summary "$work/$mode-$r.jfr" | awk '/io\.jasyncio\./ {printf "    %s: %s events\n", $1, $2}'
    fi
    rm -f "$work"/*.jfr
  done
done

median() { sort -g | awk '{v[NR]=$1} END {if (NR == 0) {print "nan"; exit} m=int((NR+1)/2); print (NR % 2 ? v[m] : (v[m]+v[m+1])/2)}'; }
echo
printf '%-18s %12s %12s %8s %12s %8s   %s\n' workload off default "def/off" tasks "tasks/off" verdict
over=0
for metric in $(awk '{print $3}' "$work/results" | awk '!seen[$0]++'); do
  unit=$(awk -v k="$metric" '$3 == k {print $5; exit}' "$work/results")
  declare -A med=()
  for m in off default tasks; do
    med[$m]=$(awk -v m="$m" -v k="$metric" '$1 == m && $3 == k {print $4}' "$work/results" | median)
  done
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "nan" || b == "nan" || b == 0) print "-"; else printf "%.3f", a / b}'; }
  rd=$(ratio "${med[default]}" "${med[off]}"); rt=$(ratio "${med[tasks]}" "${med[off]}")
  verdict="-"
  if [ "$rd" != "-" ]; then
    if awk -v x="$rd" 'BEGIN {exit !(x <= 1.05)}'; then verdict="ok (<= 5%)"; else verdict="OVER 5%"; over=$((over + 1)); fi
  fi
  printf '%-18s %12s %12s %8s %12s %8s   %s\n' "$metric" "${med[off]} $unit" "${med[default]} $unit" "$rd" \
    "${med[tasks]} $unit" "$rt" "$verdict"
  unset med
done
echo
echo "verdict: $over workload(s) over 5 % with the default settings (medians of $ROUNDS rounds, load average now $(cut -d' ' -f1 /proc/loadavg))."
echo "With recording off the events cost what no run can separate: one volatile read per task created and ended."
