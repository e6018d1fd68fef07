#!/usr/bin/env bash
# The perf mode of bench/jfr/run.sh: where a running recorder's cost goes. Runs JMH benchmarks (default: jasyncio's
# switch and the plain-JDK virtual-thread yield and bare continuation yield) under 'perf record -e cpu-clock' with no
# recording and with -XX:StartFlightRecording:settings=none, and prints the share of CPU samples in HotSpot's JVMTI
# virtual-thread transition code (notify_jvmti_vthread_mount/unmount, JvmtiVTMSTransitionDisabler, JNI handles):
# ≈ 0 with no recording, several % with one (docs/BENCHMARKS.md, "JFR overhead"). The shares include both JVMs'
# startup and JIT, so they dilute the benchmark's own; a software clock works where the VM has no hardware counters.
#
#   bench/jfr/run.sh perf            (knobs: BENCH='CoreJmh.switchOnce|JdkSwitchJmh.vthreadYield|JdkSwitchJmh.continuationYield'
#                                     JMH_OPTS="-f 1 -wi 2 -i 4 -w 1 -r 1"; needs perf: apt-get install linux-perf)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
BENCH="${BENCH:-CoreJmh.switchOnce|JdkSwitchJmh.vthreadYield|JdkSwitchJmh.continuationYield}"
JMH_OPTS="${JMH_OPTS:--f 1 -wi 2 -i 4 -w 1 -r 1}"
command -v perf >/dev/null || { echo "bench/jfr perf: needs perf (apt-get install linux-perf)" >&2; exit 2; }
cd "$root"
bin/jasyncio --version >/dev/null # builds what is missing
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
common="--add-exports java.base/jdk.internal.vm=ALL-UNNAMED -Djdk.virtualThreadScheduler.parallelism=1"
common+=" -Djdk.virtualThreadScheduler.maxPoolSize=1 -Djasyncio.noSigint=true -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit"
echo "bench/jfr perf: JMH $JMH_OPTS; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
IFS='|' read -r -a benches <<<"$BENCH"
for b in "${benches[@]}"; do
  for mode in off none; do
    rec=""; [ "$mode" = none ] && rec="-XX:StartFlightRecording:settings=none"
    touch "$work/mark" # the JIT symbol maps the forks leave in /tmp are removed once read
    # shellcheck disable=SC2086 # JMH_OPTS is a list of options
    perf record -q -e cpu-clock -F 1000 -o "$work/perf.data" -- bin/jasyncio bench jmh $JMH_OPTS \
      -jvmArgsAppend "$common $rec" "$b\$" >"$work/out" 2>&1 || { tail -20 "$work/out" >&2; exit 1; }
    score=$(awk '$2 == "avgt" {print $4, "±", $6, $7}' "$work/out")
    share=$(perf report -i "$work/perf.data" --sort sym --stdio 2>/dev/null | grep -v '^#' |
      awk '/VTMS|jvmti|Jvmti|JNIHandle|make_local/ {s += $1} END {printf "%.2f", s}')
    printf '%-34s %-5s %24s   JVMTI transition code: %6s %% of samples\n' "$b" "$mode" "$score" "$share"
    rm -f "$work/perf.data"
    find /tmp -maxdepth 1 -name 'perf-*.map' -user "$(id -u)" -newer "$work/mark" -delete
  done
done
