"""Memory per idle connection: each server is started, 10,000 clients connect, each has one line echoed,
then all stay open and idle while the server's resident memory is read; the growth per connection is printed.

Usage: python3 bench/echo/idle_memory.py [--conns 10000] [--servers jasyncio-protocol,uvloop-protocol,...] [--hold S]
--hold S keeps the connections open S seconds after the measurement, naming the server's pid, so that its heap can
be looked at meanwhile (`jcmd PID GC.class_histogram` for a jasyncio server).
Loopback only; every server is stopped at the end. Same servers and commands as bench/echo/run.sh.
"""
import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def commands(port):
    py = "/usr/bin/python3"
    srv = os.path.join(ROOT, "bench", "peers", "echo", "asyncio_echo_server.py")
    jas = os.path.join(ROOT, "bin", "jasyncio")
    return {
        "jasyncio-protocol": [jas, "echo-server", "--mode", "protocol", "--port", str(port)],
        "jasyncio-streams": [jas, "echo-server", "--mode", "streams", "--port", str(port)],
        "asyncio-protocol": [py, srv, "--mode", "protocol", "--port", str(port)],
        "asyncio-streams": [py, srv, "--mode", "streams", "--port", str(port)],
        "uvloop-protocol": [py, srv, "--uvloop", "--mode", "protocol", "--port", str(port)],
        "uvloop-streams": [py, srv, "--uvloop", "--mode", "streams", "--port", str(port)],
    }


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def server_pid(proc):
    """The bin/jasyncio launcher execs java, so the launched process is the server in every case."""
    return proc.pid


def wait_port(port, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


async def open_idle(port, n):
    gate = asyncio.Semaphore(500)

    async def one(i):
        async with gate:
            r, w = await asyncio.open_connection("127.0.0.1", port)
        w.write(b"x\n")
        await w.drain()
        await r.readexactly(2)
        return w

    return await asyncio.gather(*[one(i) for i in range(n)])


async def close_all(writers):
    for w in writers:
        w.close()
    await asyncio.gather(*[w.wait_closed() for w in writers], return_exceptions=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--conns", type=int, default=10000)
    p.add_argument("--port", type=int, default=25500)
    p.add_argument("--hold", type=float, default=0, help="seconds to keep the connections open after measuring")
    p.add_argument("--servers", default="jasyncio-protocol,jasyncio-streams,asyncio-protocol,asyncio-streams,"
                                        "uvloop-protocol,uvloop-streams")
    a = p.parse_args()
    cmds = commands(a.port)
    rows = []
    for name in a.servers.split(","):
        if name.startswith("uvloop") and subprocess.run(["/usr/bin/python3", "-c", "import uvloop"],
                                                         capture_output=True).returncode != 0:
            # the servers run on /usr/bin/python3, whatever interpreter runs this script
            print(f"{name}: left out: /usr/bin/python3 cannot import uvloop: apt-get install -y python3-uvloop",
                  file=sys.stderr)
            continue
        proc = subprocess.Popen(cmds[name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            if not wait_port(a.port):
                print(f"{name}: did not start", file=sys.stderr)
                continue
            # Warm the server up (class loading, JIT, first allocations) with the same work, then measure.
            loop = asyncio.new_event_loop()
            loop.run_until_complete(close_all(loop.run_until_complete(open_idle(a.port, 1000))))
            time.sleep(1)
            before = rss_bytes(server_pid(proc))
            writers = loop.run_until_complete(open_idle(a.port, a.conns))
            time.sleep(1)
            after = rss_bytes(server_pid(proc))
            if a.hold > 0:
                print(f"{name}: {a.conns:,} connections open for {a.hold:g} s; server pid {server_pid(proc)}",
                      file=sys.stderr, flush=True)
                time.sleep(a.hold)
            loop.run_until_complete(close_all(writers))
            loop.close()
            per = (after - before) / a.conns
            rows.append((name, before, after, per))
            print(f"{name}: {per:,.0f} bytes per idle connection (RSS {before / 2**20:.0f} -> {after / 2**20:.0f} MiB)",
                  file=sys.stderr)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    print(f"\n| server | bytes per idle connection ({a.conns:,} open) | RSS before → after |")
    print("|---|---:|---|")
    for name, before, after, per in rows:
        print(f"| {name} | {per:,.0f} | {before / 2**20:.0f} → {after / 2**20:.0f} MiB |")


if __name__ == "__main__":
    main()
