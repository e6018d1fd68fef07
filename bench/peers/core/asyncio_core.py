"""The core event-loop workloads of `bin/jasyncio bench core`, on CPython's asyncio (or uvloop).

    /usr/bin/python3 bench/peers/core/asyncio_core.py [--uvloop] [--scale F]

Prints one `name value unit` line per metric, with the names, workloads and units of
bench/src/main/java/io/jasyncio/bench/CoreBench.java (and Composition.java), which reads these lines and
prints the ratios. Lower is better for every metric. Each workload runs once; `--scale` multiplies every
count (at least 10), as `bench core --scale` does, for a quick run. `--uvloop` needs Debian's
python3-uvloop (apt-get install python3-uvloop) and /usr/bin/python3, not a pyenv interpreter.
"""
import argparse
import asyncio
import sys
import time

NS_PER_S = 1e9


def resident_bytes():
    """This process's resident set (VmRSS), in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS line in /proc/self/status (Linux only)")


def per_item_ns(started, count):
    return (time.perf_counter() - started) * NS_PER_S / count


async def yield_n(count):
    for _ in range(count):
        await asyncio.sleep(0)


async def switch_ns(n):
    """One task yielding to the loop n times: the cost of one task switch."""
    started = time.perf_counter()
    await yield_n(n)
    return per_item_ns(started, n)


async def switch10_ns(n):
    """Ten tasks yielding concurrently, n switches in all."""
    started = time.perf_counter()
    await asyncio.gather(*(yield_n(n // 10) for _ in range(10)))
    return per_item_ns(started, n)


async def spawn_gather_ns(n):
    """create_task of a coroutine that returns at once, then one gather of them all: the cost per task."""
    async def answer():
        return 1

    started = time.perf_counter()
    tasks = [asyncio.create_task(answer()) for _ in range(n)]
    await asyncio.gather(*tasks)
    return per_item_ns(started, n)


async def call_soon_ns(n):
    """A chain of n callbacks, each scheduling the next with call_soon: the cost per callback."""
    loop = asyncio.get_running_loop()
    finished = loop.create_future()
    remaining = [n]

    def link():
        remaining[0] -= 1
        if remaining[0] > 0:
            loop.call_soon(link)
        else:
            finished.set_result(None)

    started = time.perf_counter()
    loop.call_soon(link)
    await finished
    return per_item_ns(started, n)


async def parked_tasks(n):
    """n tasks waiting on one asyncio.Event: resident memory per parked task, then the cost per task of
    setting the event and gathering them all (jasyncio measures these two in separate passes; see CoreBench)."""
    event = asyncio.Event()

    async def wait_for_event():  # the task's own coroutine awaits the event, as jasyncio's task does
        await event.wait()

    baseline = resident_bytes()
    tasks = [asyncio.create_task(wait_for_event()) for _ in range(n)]
    await asyncio.sleep(0)  # every task runs up to its wait
    bytes_per_task = (resident_bytes() - baseline) / n
    started = time.perf_counter()
    event.set()
    await asyncio.gather(*tasks)
    return bytes_per_task, per_item_ns(started, n)


async def timers_s(n):
    """n sleeps whose delays are spread evenly over 0..1 s: total wall seconds (1.0 would be ideal)."""
    started = time.perf_counter()
    await asyncio.gather(*(asyncio.sleep((i % 1000) / 1000) for i in range(n)))
    return time.perf_counter() - started


async def gather_10k_ms(n=10_000):
    """One gather of n coroutines that each yield once: total milliseconds."""
    started = time.perf_counter()
    await asyncio.gather(*(asyncio.sleep(0) for _ in range(n)))
    return (time.perf_counter() - started) * 1e3


async def queue_ns(n):
    """One producer and one consumer on an asyncio.Queue bounded at 100: the cost per item."""
    queue = asyncio.Queue(maxsize=100)

    async def produce():
        for item in range(n):
            await queue.put(item)

    async def consume():
        for _ in range(n):
            await queue.get()

    started = time.perf_counter()
    await asyncio.gather(produce(), consume())
    return per_item_ns(started, n)


async def lock_ns(n, holders=100):
    """`holders` tasks take turns on one asyncio.Lock, each yielding once while holding it: the cost per
    acquire and release."""
    lock = asyncio.Lock()
    rounds = n // holders

    async def hold_in_turn():
        for _ in range(rounds):
            async with lock:
                await asyncio.sleep(0)

    started = time.perf_counter()
    await asyncio.gather(*(hold_in_turn() for _ in range(holders)))
    return per_item_ns(started, rounds * holders)


def metric(name, value, unit):
    digits = {"s": 2, "ms": 1}.get(unit, 0)
    print(f"{name} {value:.{digits}f} {unit}", flush=True)


async def run_all(scale):
    def count(n):
        return max(10, int(n * scale))

    metric("switch_ns", await switch_ns(count(500_000)), "ns")
    metric("switch10_ns", await switch10_ns(count(500_000)), "ns")
    metric("spawn_gather_ns", await spawn_gather_ns(count(200_000)), "ns")
    metric("call_soon_ns", await call_soon_ns(count(1_000_000)), "ns")
    bytes_per_task, wake = await parked_tasks(count(200_000))
    metric("parked_task_bytes", bytes_per_task, "bytes")
    metric("wake_ns", wake, "ns")
    metric("timers_200k_s", await timers_s(count(200_000)), "s")
    metric("gather_10k_ms", await gather_10k_ms(), "ms")
    metric("queue_ns", await queue_ns(count(200_000)), "ns")
    metric("lock_ns", await lock_ns(count(200_000)), "ns")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uvloop", action="store_true", help="run on uvloop's loop instead of asyncio's")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every count (0.1: a quick run)")
    args = parser.parse_args()
    if args.scale <= 0:
        parser.error("--scale must be above 0")
    if args.uvloop:
        try:
            import uvloop
        except ImportError:
            sys.exit(f"{sys.executable} cannot import uvloop: apt-get install -y python3-uvloop "
                     "(and run Debian's /usr/bin/python3)")
        uvloop.install()
    asyncio.run(run_all(args.scale))


if __name__ == "__main__":
    main()
