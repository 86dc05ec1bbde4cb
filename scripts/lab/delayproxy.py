#!/usr/bin/env python3
"""A TCP relay that delays every byte by a fixed time in each direction (this kernel has no netem).

    delayproxy.py DELAY_MS LISTEN_IP:PORT=TARGET_IP:PORT [...]

Each byte read on one side is written to the other DELAY_MS later, in order, so a connection
through the relay sees a round trip of 2 x DELAY_MS plus the real one. The relay buffers what is
in flight without limit: the senders' own flow control (SSH's channel windows) bounds it, which is
what a long, fat link does too. Stops on SIGTERM. One asyncio loop per process: run one relay per
node (cluster.sh relay) so that the relays spread over the cores, and check their CPU time.
"""
import asyncio
import signal
import socket
import sys
import time

READ_CHUNK = 256 * 1024
HIGH_WATER = 4 << 20  # drain the writer past this many bytes queued in the transport


async def pump(reader, writer, delay):
    """Copies reader to writer, each chunk leaving `delay` seconds after it arrived."""
    queue = asyncio.Queue()

    async def feed():
        try:
            while True:
                chunk = await reader.read(READ_CHUNK)
                queue.put_nowait((time.monotonic() + delay, chunk))
                if not chunk:
                    return
        except (OSError, asyncio.CancelledError):
            queue.put_nowait((time.monotonic(), b""))

    feeder = asyncio.ensure_future(feed())
    try:
        while True:
            due, chunk = await queue.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if not chunk:
                break
            writer.write(chunk)
            if writer.transport.get_write_buffer_size() > HIGH_WATER:
                await writer.drain()
    except OSError:
        pass
    finally:
        feeder.cancel()
        try:
            writer.write_eof()
        except OSError:
            writer.close()


def handler(target, delay):
    host, port = target

    async def on_conn(r1, w1):
        try:
            r2, w2 = await asyncio.open_connection(host, port)
        except OSError:
            w1.close()
            return
        for w in (w1, w2):
            s = w.get_extra_info("socket")
            if s is not None:
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        await asyncio.gather(pump(r1, w2, delay), pump(r2, w1, delay))
        w1.close()
        w2.close()

    return on_conn


def address(text):
    host, port = text.rsplit(":", 1)
    return host, int(port)


async def main():
    if len(sys.argv) < 3 or any("=" not in a for a in sys.argv[2:]):
        sys.exit("usage: delayproxy.py DELAY_MS LISTEN_IP:PORT=TARGET_IP:PORT [...]")
    delay = float(sys.argv[1]) / 1000.0
    servers = []
    for spec in sys.argv[2:]:
        listen, target = spec.split("=", 1)
        lh, lp = address(listen)
        servers.append(await asyncio.start_server(handler(address(target), delay), lh, lp,
                                                  reuse_address=True))
    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
    await stop
    for s in servers:
        s.close()


if __name__ == "__main__":
    asyncio.run(main())
