#!/usr/bin/env python3
"""A slow keep-alive HTTP/1.1 sink in a process of its own, for the full run of
Http2BackpressureIT.manyStreamsUploadingToASlowBackendStayWithinTheirWindows (10,000 backend
connections do not fit in one JVM's file descriptors with their clients): each connection reads
256 KiB, rests 20 ms, and answers each Content-Length request 200 with the number of body bytes
it read, like SlowSinkBackend. Prints the port it listens on (127.0.0.1, chosen by the kernel)."""
import asyncio

BURST = 256 * 1024
PAUSE = 0.02


class Sink(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.head = b""
        self.left = None
        self.read = 0
        self.burst = 0

    def data_received(self, data):
        self.burst += len(data)
        view = memoryview(data)
        while len(view):
            if self.left is None:
                self.head += bytes(view)
                end = self.head.find(b"\r\n\r\n")
                if end < 0:
                    return
                rest = self.head[end + 4:]
                length = 0
                for line in self.head[:end].split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                self.head = b""
                self.left = length
                self.read = 0
                view = memoryview(rest)
            else:
                n = min(len(view), self.left)
                view = view[n:]
                self.left -= n
                self.read += n
            if self.left == 0:
                body = str(self.read).encode()
                self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
                self.left = None
        if self.burst >= BURST:
            self.burst = 0
            self.transport.pause_reading()
            asyncio.get_running_loop().call_later(PAUSE, self.resume)

    def resume(self):
        if not self.transport.is_closing():
            self.transport.resume_reading()


async def main():
    server = await asyncio.get_running_loop().create_server(Sink, "127.0.0.1", 0, backlog=4096)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


asyncio.run(main())
