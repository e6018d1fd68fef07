#!/usr/bin/env bash
# The JMH mode of bench/jfr/run.sh (its header says what and how): CoreJmh and JdkSwitchJmh with no recording, with
# a recording of no events (settings=none) and with the default settings, the modes interleaved round by round.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
ROUNDS="${ROUNDS:-2}"; JMH_OPTS="${JMH_OPTS:--f 1 -wi 3 -i 5 -w 1 -r 1}"; BENCH="${BENCH:-CoreJmh|JdkSwitchJmh}"
JMH_MODES="${JMH_MODES:-off none default}"
for m in $JMH_MODES; do case $m in off | none | default) ;; *) echo "bench/jfr: unknown JMH mode $m (off, none, default)" >&2; exit 2 ;; esac; done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "bench/jfr: ROUNDS wants a positive count, got '$ROUNDS'" >&2; exit 2; }
cd "$root"
bin/jasyncio --version >/dev/null # builds what is missing
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A -jvmArgsAppend on JMH's command line replaces the one of each class's @Fork: so it repeats them all here
# (CoreJmh: jasyncio.noSigint; JdkSwitchJmh: the Continuation export, one carrier), then the mode's recording.
# --add-opens and trackAllThreads=false come from bin/jasyncio's own JVM, whose options the forks inherit.
common="--add-exports java.base/jdk.internal.vm=ALL-UNNAMED -Djdk.virtualThreadScheduler.parallelism=1"
common+=" -Djdk.virtualThreadScheduler.maxPoolSize=1 -Djasyncio.noSigint=true"
opts_of() {
  case $1 in
    off) echo "$common" ;;
    none) echo "$common -XX:StartFlightRecording:settings=none" ;;
    default) echo "$common -XX:StartFlightRecording" ;;
  esac
}

echo "bench/jfr jmh: '$BENCH', JMH $JMH_OPTS, $ROUNDS round(s) of: $JMH_MODES"
echo "  $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
read -r -a modes <<<"$JMH_MODES"
for r in $(seq "$ROUNDS"); do
  n=${#modes[@]}
  for i in $(seq 0 $((n - 1))); do
    mode=${modes[$(((i + r - 1) % n))]}
    start=$(date +%s)
    # shellcheck disable=SC2086 # JMH_OPTS is a list of options
    bin/jasyncio bench jmh $JMH_OPTS -rf csv -rff "$work/$mode-$r.csv" -jvmArgsAppend "$(opts_of "$mode")" "$BENCH" \
      >"$work/out" 2>&1 || { tail -30 "$work/out" >&2; exit 1; }
    if grep -q '<failure>\|Exception' "$work/out"; then grep -m3 -B2 -A3 'Exception' "$work/out" >&2; exit 1; fi
    # "benchmark score error" of each result row: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit"
    awk -F, -v m="$mode" -v r="$r" 'NR > 1 {gsub(/"/, ""); sub(/^io\.jasyncio\.bench\.jmh\./, "", $1); print m, r, $1, $5, $6}' \
      "$work/$mode-$r.csv" >>"$work/results"
    echo "  round $r $mode: $(awk -v m="$mode" -v r="$r" '$1 == m && $2 == r' "$work/results" | wc -l) benchmarks, $(($(date +%s) - start)) s, load $(cut -d' ' -f1 /proc/loadavg)"
  done
done

echo "  $(grep -m1 '^# VM version' "$work/out" || true)"
echo
echo "ns/op, mean over $ROUNDS round(s) ± the mean of JMH's 99.9 % errors; ratios of the means (above 1: the recording costs)"
printf '%-32s %18s %18s %18s %9s %9s\n' benchmark off none default none/off def/off
for b in $(awk '{print $3}' "$work/results" | awk '!seen[$0]++'); do
  declare -A cell=() mean=()
  for m in off none default; do
    read -r s e < <(awk -v m="$m" -v b="$b" '$1 == m && $3 == b {s += $4; e += ($5 == "NaN" ? 0 : $5); n++}
      END {if (n) printf "%.1f %.1f\n", s / n, e / n; else print "nan nan"}' "$work/results")
    mean[$m]=$s
    cell[$m]=$([ "$s" = nan ] && echo "-" || echo "$s ± $e")
  done
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "nan" || b == "nan" || b == 0) print "-"; else printf "%.2f", a / b}'; }
  printf '%-32s %18s %18s %18s %9s %9s\n' "$b" "${cell[off]}" "${cell[none]}" "${cell[default]}" \
    "$(ratio "${mean[none]}" "${mean[off]}")" "$(ratio "${mean[default]}" "${mean[off]}")"
  unset cell mean
done
echo
echo "load average now $(cut -d' ' -f1-3 /proc/loadavg); on a busy machine take the ratios only, with their errors."
