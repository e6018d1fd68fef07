#!/usr/bin/env bash
# What the server does per query: N (100,000) `SELECT 1` from 32 tasks on one pipelined connection
# (SyscallsPerQuery.java), with `strace -c` on the backend for exactly the counted queries; prints the backend's
# send/recv syscall counts. Run as root, after bin/jasyncio built the jars; a throwaway cluster, removed at the end.
#   bench/pg/syscalls/run.sh [N]                  # a Sync per query (the default)
#   GROUP_READS=true bench/pg/syscalls/run.sh      # ConnectOptions.withGroupReads: reads of a turn share a Sync
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../../.." && pwd)
n=${1:-100000}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
jdk=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
command -v strace >/dev/null || { echo "strace is missing: apt-get install strace" >&2; exit 1; }
work=$(mktemp -d /tmp/jasyncio-pg-syscalls.XXXXXX); chown postgres: "$work"
go=$work/go; jp=""; sp=""
cleanup() {
  rm -f "$go"
  [ -n "$sp" ] && kill "$sp" 2>/dev/null || true
  [ -n "$jp" ] && kill "$jp" 2>/dev/null || true
  [ -f "$work/data/postmaster.pid" ] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
runuser -u postgres -- "$PGBIN/initdb" -D "$work/data" -U postgres --auth=trust -E UTF8 --no-locale --no-sync >/dev/null
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\nfsync = off\njit = off\nautovacuum = off\n" "$port" "$work" >>"$work/data/postgresql.conf"
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$work/data" -l "$work/log" -w start >/dev/null
jcp="$root/cli/target/classes:$(cat "$root/cli/target/classpath.txt")"
"$jdk/bin/java" -cp "$jcp" "$here/SyscallsPerQuery.java" "postgresql://postgres@127.0.0.1:$port/postgres" "$n" "$go" "${GROUP_READS:-false}" >"$work/out" 2>&1 &
jp=$!
for _ in $(seq 1 600); do grep -q '^pid' "$work/out" && break; sleep 0.2; done
bpid=$(awk '/^pid/{print $2}' "$work/out")
strace -c -e trace=sendto,recvfrom,epoll_wait -p "$bpid" -o "$work/strace" 2>/dev/null &
sp=$!
sleep 1; touch "$go"
for _ in $(seq 1 3000); do grep -q '^done' "$work/out" && break; sleep 0.2; done
kill -INT "$sp"; wait "$sp" 2>/dev/null || true; sp=""
rm -f "$go"; wait "$jp" || true; jp=""
grep '^done' "$work/out"
cat "$work/strace"
