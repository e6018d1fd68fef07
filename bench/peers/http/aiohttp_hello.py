"""The HTTP benchmark's application on aiohttp, the peer of `bin/jasyncio web-server` in bench/http/run.sh.

    /usr/bin/python3 bench/peers/http/aiohttp_hello.py --port P [--uvloop] [--access-log FILE]

Binds 127.0.0.1:P. `GET /` answers 200, text/plain, "Hello, World!"; any other path 404 (aiohttp's own).
One process, one event loop: asyncio's, or uvloop's with --uvloop. No access log, as no other server of the
benchmark writes one, unless --access-log FILE (aiohttp's default format, its logger to that file: what
bench/http/access-log-smoke.sh compares). Needs Debian's python3-aiohttp (and python3-uvloop for --uvloop), run with
/usr/bin/python3.
"""
import argparse
import asyncio
import sys

try:
    import aiohttp
    from aiohttp import web
except ImportError:
    sys.exit(f"{sys.executable} cannot import aiohttp: apt-get install -y python3-aiohttp")

HELLO = b"Hello, World!"


async def hello(request):
    return web.Response(body=HELLO, content_type="text/plain")


def describe(port):
    """One line naming what runs: versions, the loop, and whether aiohttp's C parser is in use."""
    async def on_startup(app):
        loop = type(asyncio.get_running_loop())
        parser = aiohttp.http_parser.HttpRequestParser.__module__  # aiohttp._http_parser: the C one
        print(f"aiohttp {aiohttp.__version__} ({parser}) on {loop.__module__}.{loop.__name__}, Python "
              f"{sys.version.split()[0]}, http://127.0.0.1:{port}/", flush=True)
    return on_startup


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--uvloop", action="store_true", help="run on uvloop's loop")
    parser.add_argument("--access-log", metavar="FILE", help="write aiohttp's access log (default format) to FILE")
    args = parser.parse_args()
    if args.uvloop:
        try:
            import uvloop
        except ImportError:
            sys.exit(f"{sys.executable} cannot import uvloop: apt-get install -y python3-uvloop")
        uvloop.install()
    app = web.Application()
    app.router.add_get("/", hello)
    app.on_startup.append(describe(args.port))
    access_log = None
    if args.access_log:
        import logging
        access_log = logging.getLogger("aiohttp.access")
        access_log.setLevel(logging.INFO)
        access_log.propagate = False
        access_log.addHandler(logging.FileHandler(args.access_log))
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=access_log, print=None)


if __name__ == "__main__":
    main()
