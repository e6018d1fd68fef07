"""aiohttp's WebSocket client and server, for jasyncio's interop tests (WebSocketInteropTest).

  /usr/bin/python3 aiohttp_peer.py client URL   talks to a jasyncio echo server; prints OK/FAIL per check
  /usr/bin/python3 aiohttp_peer.py server       serves an echo at /ws on 127.0.0.1; prints "PORT n"

Run with Debian's /usr/bin/python3 and its python3-aiohttp. Exit status 0 when every check passed.
"""
import asyncio
import sys

import aiohttp
from aiohttp import web

failures = 0


def check(name, ok, detail=""):
    global failures
    print(("OK " if ok else "FAIL ") + name + ("" if ok else ": " + str(detail)), flush=True)
    if not ok:
        failures += 1


async def client(url):
    async with aiohttp.ClientSession() as session:
        for compress in (0, 15):
            tag = "compressed " if compress else ""
            async with session.ws_connect(url, compress=compress, autoping=False) as ws:
                ext = ws._response.headers.get("Sec-WebSocket-Extensions", "")
                check(tag + "negotiation", ("permessage-deflate" in ext) == bool(compress), ext)
                await ws.send_str("hello κόσμε")
                msg = await ws.receive()
                check(tag + "text", msg.type == aiohttp.WSMsgType.TEXT and msg.data == "hello κόσμε", msg)
                data = bytes(range(256)) * 1000
                await ws.send_bytes(data)
                msg = await ws.receive()
                check(tag + "binary 256000", msg.type == aiohttp.WSMsgType.BINARY and msg.data == data, msg.type)
                big = "fragmented by the server " * 4000
                await ws.send_str(big)  # the server answers it in frames of 16 KiB
                msg = await ws.receive()
                check(tag + "fragmented text 100000", msg.type == aiohttp.WSMsgType.TEXT and msg.data == big, msg.type)
                await ws.ping(b"are you there")
                msg = await ws.receive()
                check(tag + "ping/pong", msg.type == aiohttp.WSMsgType.PONG and msg.data == b"are you there", msg)
                await ws.close(code=4000, message=b"client leaves")
                check(tag + "client close code", ws.close_code == 4000, ws.close_code)
        async with session.ws_connect(url) as ws:
            await ws.send_str("close-me")
            msg = await ws.receive()
            check("server close code", msg.type == aiohttp.WSMsgType.CLOSE and msg.data == 4001 and msg.extra == "bye", msg)
        async with session.ws_connect(url) as ws:
            await ws.send_str("last-close-code")
            msg = await ws.receive()
            check("server saw the client's 4000", msg.type == aiohttp.WSMsgType.TEXT and "4000" in msg.data.split(","), msg)
            await ws.close()


async def echo(request):
    ws = web.WebSocketResponse(compress=True, autoping=True)
    await ws.prepare(request)
    async for msg in ws:
        if msg.type == aiohttp.WSMsgType.TEXT:
            if msg.data == "close-me":
                await ws.close(code=4001, message=b"bye")
            else:
                await ws.send_str(msg.data)
        elif msg.type == aiohttp.WSMsgType.BINARY:
            await ws.send_bytes(msg.data)
    request.app["codes"].append(ws.close_code)
    return ws


async def codes(request):
    return web.Response(text=",".join(str(c) for c in request.app["codes"]))


async def server():
    app = web.Application()
    app["codes"] = []
    app.router.add_get("/ws", echo)
    app.router.add_get("/codes", codes)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print("PORT", site._server.sockets[0].getsockname()[1], flush=True)
    # until the test closes our stdin
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()


if __name__ == "__main__":
    if sys.argv[1] == "client":
        asyncio.run(client(sys.argv[2]))
        print("DONE", failures, "failures", flush=True)
        sys.exit(1 if failures else 0)
    asyncio.run(server())
