"""aiohttp's WebSocket echo at /ws, the peer of bench/http/ws.sh: /usr/bin/python3 ws_aiohttp.py PORT [uvloop]"""
import asyncio
import sys

from aiohttp import web


async def echo(request):
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for msg in ws:
        if msg.type == web.WSMsgType.TEXT:
            await ws.send_str(msg.data)
        elif msg.type == web.WSMsgType.BINARY:
            await ws.send_bytes(msg.data)
    return ws


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[2] == "uvloop":
        import uvloop
        uvloop.install()
    app = web.Application()
    app.router.add_get("/ws", echo)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
