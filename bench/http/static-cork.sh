#!/usr/bin/env bash
# The client's cost of a 1 MiB file answer, by packetisation: wrk's user and system CPU per response (/usr/bin/time)
# and the server sockets' average cwnd (ss -tni, 2 s into each run) for jasyncio corked (TCP_CORK, the default
# flags), jasyncio uncorked (bin/jasyncio without --enable-native-access), nginx tcp_nopush on and off. Servers on
# CPU 0, wrk -t1 -c50 on CPU 1, loopback only, every process bounded by timeout(1) and stopped at the end.
#   bench/http/static-cork.sh [ROUNDS=3] [DURATION=5s]   (ports 18590-18593, files under /tmp/jasyncio-cork-bench)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${1:-3}; DUR=${2:-5s}
work=/tmp/jasyncio-cork-bench; mkdir -p "$work/www"; [[ -f $work/www/large.bin ]] || head -c 1048576 /dev/urandom >"$work/www/large.bin"
pids=(); cleanup() { rm -f "$root/bin/.jasyncio-nocork"; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }; trap cleanup EXIT
sed 's| --enable-native-access=ALL-UNNAMED||' "$root/bin/jasyncio" >"$root/bin/.jasyncio-nocork"; chmod +x "$root/bin/.jasyncio-nocork"
grep -q enable-native-access "$root/bin/.jasyncio-nocork" && { echo "nocork copy still has the flag"; exit 1; }
timeout 900 env JASYNCIO_JAVA_OPTS=-XX:+UseG1GC nice -n 19 taskset -c 0 "$root/bin/jasyncio" web-server --port 18590 --static "$work/www" >"$work/j1.log" 2>&1 & pids+=($!)
timeout 900 env JASYNCIO_JAVA_OPTS=-XX:+UseG1GC nice -n 19 taskset -c 0 "$root/bin/.jasyncio-nocork" web-server --port 18591 --static "$work/www" >"$work/j2.log" 2>&1 & pids+=($!)
for v in on off; do
  port=$([[ $v == on ]] && echo 18592 || echo 18593); d=$work/nginx-$v; rm -rf "$d"; mkdir -p "$d"; ln -s "$work/www" "$d/www"
  sed -e "s|@PORT@|$port|g" -e "s|@DIR@|$d|g" -e "s|tcp_nopush on;|tcp_nopush $v;|" "$root/bench/peers/http/nginx-static.conf.in" >"$d/nginx.conf"
  timeout 900 nice -n 19 taskset -c 0 nginx -e stderr -p "$d/" -c "$d/nginx.conf" >"$d.log" 2>&1 & pids+=($!)
done
declare -A NAME=([18590]="jasyncio-cork" [18591]="jasyncio-nocork" [18592]="nginx-nopush-on" [18593]="nginx-nopush-off")
for p in 18590 18591 18592 18593; do
  for _ in $(seq 60); do curl -sf -o "$work/chk" "http://127.0.0.1:$p/static/large.bin" && cmp -s "$work/chk" "$work/www/large.bin" && break; sleep 1; done
  cmp -s "$work/chk" "$work/www/large.bin" || { echo "${NAME[$p]} does not serve the file"; exit 1; }
  rm -f "$work/chk"
done
for p in 18590 18591 18592 18593; do nice -n 19 taskset -c 1 wrk -t1 -c50 -d3s "http://127.0.0.1:$p/static/large.bin" >/dev/null; done # warm-up
printf "round\tserver\treq/s\twrk_user_us/resp\twrk_sys_us/resp\tavg_cwnd\n"
for r in $(seq "$ROUNDS"); do
  for p in 18590 18591 18592 18593; do
    ( sleep 2; ss -tniH state established "( sport = :$p )" >"$work/ss-$p" ) & sspid=$!
    /usr/bin/time -f "%U %S" -o "$work/time-$p" nice -n 19 taskset -c 1 wrk -t1 -c50 -d"$DUR" "http://127.0.0.1:$p/static/large.bin" >"$work/wrk-$p"
    wait "$sspid"
    reqs=$(awk '/requests in/ {print $1}' "$work/wrk-$p"); rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk-$p")
    read -r u s <"$work/time-$p"
    cwnd=$(grep -o 'cwnd:[0-9]*' "$work/ss-$p" | awk -F: '{t+=$2; n++} END {if (n) printf "%.1f", t/n; else print "-"}')
    printf "%s\t%s\t%s\t%.0f\t%.0f\t%s\n" "$r" "${NAME[$p]}" "$rps" "$(echo "$u*1000000/$reqs" | bc -l)" "$(echo "$s*1000000/$reqs" | bc -l)" "$cwnd"
  done
done
rm -f "$root/bin/.jasyncio-nocork"
