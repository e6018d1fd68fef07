"""Echo server on CPython asyncio (or uvloop), the peer of `bin/jasyncio echo-server` in bench/echo/run.sh.

Usage: /usr/bin/python3 bench/peers/echo/asyncio_echo_server.py --port P [--mode streams|protocol] [--uvloop]
Echoes every byte back; in streams mode each connection is a task reading what has arrived (up to 64 KiB)
and writing it back, as `bin/jasyncio echo-server --mode streams` does, so both sides do the same work.
"""
import argparse
import asyncio
import socket
import sys


async def handle_stream(reader, writer):
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


class EchoProtocol(asyncio.Protocol):
    def connection_made(self, transport):
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


async def main(args):
    loop = asyncio.get_running_loop()
    if args.mode == "streams":
        server = await asyncio.start_server(handle_stream, "127.0.0.1", args.port)
    else:
        server = await loop.create_server(EchoProtocol, "127.0.0.1", args.port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--mode", choices=["streams", "protocol"], default="protocol")
    p.add_argument("--uvloop", action="store_true")
    a = p.parse_args()
    if a.uvloop:
        try:
            import uvloop
        except ImportError:
            sys.exit(f"{sys.executable} cannot import uvloop: apt-get install -y python3-uvloop")
        uvloop.install()
    asyncio.run(main(a))
