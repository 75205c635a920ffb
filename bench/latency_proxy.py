#!/usr/bin/env python3
"""A TCP proxy that delays every request by a fixed time, to model the round trip to a remote store.

    latency_proxy.py --upstream 127.0.0.1:PORT [--latency-ms 20] [--port 0]

Prints `READY <port>` on stdout once it listens on 127.0.0.1. Each client connection gets its own upstream
connection. Whatever a client sends (an HTTP request, as clients do not pipeline) is held for the latency before it is
forwarded; answers flow back at once. The wait is an asyncio sleep, so a thousand requests in flight cost no CPU
while they wait: the throughput a client reaches is then bounded by how many requests it keeps in flight, as against
a real store far away. Stops on SIGTERM or SIGINT.
"""

import argparse
import asyncio
import contextlib
import signal
import socket
import sys

CHUNK = 256 * 1024


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            if delay:
                await asyncio.sleep(delay)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(RuntimeError):
            writer.close()


async def handle(
    client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter, upstream: tuple[str, int], delay: float
) -> None:
    try:
        await relay(client_reader, client_writer, upstream, delay)
    except asyncio.CancelledError:
        client_writer.close()  # the proxy is stopping


async def relay(
    client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter, upstream: tuple[str, int], delay: float
) -> None:
    client_writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        upstream_reader, upstream_writer = await asyncio.open_connection(*upstream)
    except OSError:
        client_writer.close()
        return
    upstream_writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    await asyncio.gather(
        pipe(client_reader, upstream_writer, delay),
        pipe(upstream_reader, client_writer, 0),
    )


async def main(args: argparse.Namespace) -> None:
    host, port = args.upstream.rsplit(":", 1)
    if host not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"latency_proxy.py: the upstream must be on loopback, not {host}")
    upstream = (host, int(port))
    delay = args.latency_ms / 1000.0
    server = await asyncio.start_server(
        lambda r, w: handle(r, w, upstream, delay), "127.0.0.1", args.port, backlog=4096, limit=CHUNK
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"READY {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--upstream", required=True, help="host:port to forward to (loopback only)")
    parser.add_argument("--latency-ms", type=float, default=20.0, help="delay added to every request (default 20)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: a free one)")
    asyncio.run(main(parser.parse_args()))
    sys.exit(0)
