#!/usr/bin/python3
"""Attacks an HTTP server on loopback the way a hostile or broken client would, and reports what it cost the
server: its resident memory, file descriptors and threads before, during and after, whether it kept answering a
well-behaved client meanwhile, and how the hostile connections ended.

    bench/http/probe.py --port 8080 --pid 12345 --attack pipeline --conns 20 --seconds 20

Attacks (each bounded by --seconds, loopback only):
  pipeline  pipelines POST /echo with 1 MiB bodies as fast as the server reads them and never reads a byte back
  trickle   sends a request head one byte a second, never finishing it (slowloris)
  slowbody  sends a complete head announcing a 1 MB body, then the body one byte a second (R-U-Dead-Yet)
  reset     sends a head and half a body, then resets the connection (SO_LINGER 0), over and over
  flood     opens --conns idle connections at once and holds them
  all       each of the above in turn

Needs only Python 3's standard library. The server is never killed: the caller starts and stops it.
"""
import argparse
import os
import re
import selectors
import socket
import struct
import subprocess
import time

MIB = 1024 * 1024


def proc_figures(pid):
    """RSS (KiB), peak RSS (KiB), open fds, threads of the process, or None if it is gone."""
    try:
        status = open(f"/proc/{pid}/status").read()
    except FileNotFoundError:
        return None
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    if "VmRSS" not in fields:  # a zombie: it has exited
        return None
    return {
        "rss_mib": int(fields["VmRSS"].split()[0]) / 1024,
        "peak_rss_mib": int(fields["VmHWM"].split()[0]) / 1024,
        "fds": len(os.listdir(f"/proc/{pid}/fd")),
        "threads": int(fields["Threads"].split()[0]),
    }


def heap_used_mib(pid, jcmd):
    """The JVM's live heap in MiB (jcmd GC.run, then GC.heap_info), or None."""
    if not jcmd:
        return None
    try:
        # A full collection first: the figure is then the live heap, not the garbage not yet collected.
        subprocess.run([jcmd, str(pid), "GC.run"], capture_output=True, timeout=20)
        out = subprocess.run([jcmd, str(pid), "GC.heap_info"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"heap\s+total.*?used (\d+)K", out)  # " garbage-first heap   total ..., used 31789K [..."
    if m:
        return int(m.group(1)) / 1024
    return None


def show(label, pid, jcmd):
    f = proc_figures(pid)
    if f is None:
        print(f"{label:>8}: server process {pid} is GONE")
        return None
    heap = heap_used_mib(pid, jcmd)
    heap_s = f", live heap {heap:.0f} MiB" if heap is not None else ""
    print(f"{label:>8}: RSS {f['rss_mib']:.0f} MiB (peak {f['peak_rss_mib']:.0f}){heap_s}, "
          f"fds {f['fds']}, threads {f['threads']}", flush=True)
    return f


def good_get(port, timeout=5.0):
    """One well-behaved GET /; returns (ok, seconds)."""
    t0 = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        return data.startswith(b"HTTP/1.1 200"), time.monotonic() - t0
    except OSError:
        return False, time.monotonic() - t0


class Conn:
    def __init__(self, sock):
        self.sock = sock
        self.out = b""
        self.sent = 0
        self.closed_at = None


def connect(port, small_rcvbuf=False):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if small_rcvbuf:
        # The kernel then absorbs little of what the server answers: the server must hold it, or stop reading.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.setblocking(False)
    try:
        s.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    return s


def connect_all(port, n, small_rcvbuf=False, wait=10.0):
    """Opens n connections at once; returns those whose handshake completed within `wait` seconds."""
    socks = [connect(port, small_rcvbuf) for _ in range(n)]
    sel = selectors.DefaultSelector()
    for s in socks:
        sel.register(s, selectors.EVENT_WRITE)
    done = []
    deadline = time.monotonic() + wait
    while len(done) < n and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.1):
            sel.unregister(key.fileobj)
            if key.fileobj.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                done.append(key.fileobj)
            else:
                key.fileobj.close()
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    sel.close()
    if len(done) < n:
        print(f"  only {len(done)} of {n} connections were accepted by the kernel within {wait:.0f} s")
    return [Conn(s) for s in done]


def closed_by_peer(sock):
    """True if the server closed or reset this connection (what it sent before, a 408 say, is read and dropped)."""
    try:
        while True:
            data = sock.recv(65536, socket.MSG_DONTWAIT)
            if data == b"":
                return True
    except BlockingIOError:
        return False
    except OSError:
        return True


def run_watch(args, seconds, step, on_tick):
    """Calls on_tick(elapsed) every `step` seconds for `seconds`, with a good GET every 2 s; prints a summary."""
    t0 = time.monotonic()
    next_get = 0.0
    gets, failures, worst = 0, 0, 0.0
    while (elapsed := time.monotonic() - t0) < seconds:
        on_tick(elapsed)
        if elapsed >= next_get:
            ok, took = good_get(args.port)
            gets += 1
            failures += 0 if ok else 1
            worst = max(worst, took)
            next_get = elapsed + 2.0
        if proc_figures(args.pid) is None:
            print(f"  the server died after {elapsed:.1f} s")
            break
        time.sleep(step)
    print(f"  a well-behaved client meanwhile: {gets - failures}/{gets} GETs answered, slowest {worst * 1000:.0f} ms")


def attack_pipeline(args):
    head = b"POST /echo HTTP/1.1\r\nHost: probe\r\nContent-Length: %d\r\n\r\n" % MIB
    body = b"x" * MIB
    conns = connect_all(args.port, args.conns, small_rcvbuf=True)
    sel = selectors.DefaultSelector()
    for c in conns:
        sel.register(c.sock, selectors.EVENT_WRITE, c)
    offered = [0]

    def tick(_):
        deadline = time.monotonic() + 0.2
        while time.monotonic() < deadline:
            for key, _ in sel.select(timeout=0.05):
                c = key.data
                if not c.out:
                    c.out = head + body
                try:
                    n = c.sock.send(c.out[:262144])
                except OSError:
                    sel.unregister(c.sock)
                    c.closed_at = time.monotonic()
                    continue
                c.out = c.out[n:]
                offered[0] += n

    run_watch(args, args.seconds, 0.0, tick)
    print(f"  offered {offered[0] / MIB:.0f} MiB in all; {sum(c.closed_at is not None for c in conns)} of "
          f"{len(conns)} connections ended by the server")
    return conns


def attack_trickle(args, body=False):
    if body:
        first = b"POST /echo HTTP/1.1\r\nHost: probe\r\nContent-Length: 1000000\r\n\r\n"
    else:
        first = b"GET / HTTP/1.1\r\nHost: probe\r\nX-Slow: "
    conns = connect_all(args.port, args.conns)
    start = time.monotonic()
    for c in conns:
        try:
            c.sock.send(first)
        except OSError:
            c.closed_at = time.monotonic()
    last = [0.0]

    def tick(elapsed):
        if elapsed - last[0] < 1.0:
            return
        last[0] = elapsed
        for c in conns:
            if c.closed_at is not None:
                continue
            if closed_by_peer(c.sock):
                c.closed_at = time.monotonic()
                continue
            try:
                c.sock.send(b"a")
            except OSError:
                c.closed_at = time.monotonic()

    run_watch(args, args.seconds, 0.05, tick)
    ended = [c.closed_at - start for c in conns if c.closed_at is not None]
    what = "body" if body else "head"
    if ended:
        print(f"  {len(ended)} of {len(conns)} trickled {what}s ended by the server, after "
              f"{min(ended):.0f}–{max(ended):.0f} s")
    else:
        print(f"  none of {len(conns)} trickled {what}s was ended by the server in {args.seconds} s")
    return conns


def attack_reset(args):
    head = b"POST /echo HTTP/1.1\r\nHost: probe\r\nContent-Length: 100000\r\n\r\n" + b"x" * 50000
    done = [0]

    def tick(_):
        for _ in range(50):
            try:
                s = socket.create_connection(("127.0.0.1", args.port), timeout=2)
                s.sendall(head)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.close()
                done[0] += 1
            except OSError:
                pass

    run_watch(args, args.seconds, 0.0, tick)
    print(f"  {done[0]} connections reset in the middle of a request body")
    return []


def attack_flood(args):
    t0 = time.monotonic()
    conns = connect_all(args.port, args.conns, wait=20.0)
    print(f"  {len(conns)} connections open after {time.monotonic() - t0:.1f} s")
    run_watch(args, args.seconds, 0.5, lambda _: None)
    ended = sum(closed_by_peer(c.sock) for c in conns)
    print(f"  {ended} of {len(conns)} idle connections ended by the server")
    return conns


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, required=True, help="the server's process id (for its RSS, fds, threads)")
    p.add_argument("--attack", default="all", choices=["pipeline", "trickle", "slowbody", "reset", "flood", "all"])
    p.add_argument("--conns", type=int, default=20, help="hostile connections (flood: 5000 by default)")
    p.add_argument("--seconds", type=float, default=20.0, help="how long each attack lasts (at most 600)")
    p.add_argument("--jcmd", default=None, help="path of jcmd, to report the JVM's live heap too (runs a full GC)")
    args = p.parse_args()
    args.seconds = min(args.seconds, 600.0)
    attacks = ["pipeline", "trickle", "slowbody", "reset", "flood"] if args.attack == "all" else [args.attack]
    conns_given = args.conns
    show("before", args.pid, args.jcmd)
    for a in attacks:
        args.conns = conns_given if not (a == "flood" and args.attack == "all") else max(conns_given, 5000)
        print(f"{a}: {args.conns} connections for {args.seconds:.0f} s", flush=True)
        if a == "pipeline":
            conns = attack_pipeline(args)
        elif a == "trickle":
            conns = attack_trickle(args)
        elif a == "slowbody":
            conns = attack_trickle(args, body=True)
        elif a == "reset":
            conns = attack_reset(args)
        else:
            conns = attack_flood(args)
        show("during", args.pid, args.jcmd)
        for c in conns:
            c.sock.close()
        time.sleep(2.0)
        if show("after", args.pid, args.jcmd) is None:
            return 1
        ok, took = good_get(args.port)
        print(f"  afterwards a GET is {'answered' if ok else 'NOT answered'} ({took * 1000:.0f} ms)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
