#!/usr/bin/env python3
"""Resident memory a proxy spends per idle client connection.

Reads the proxy's resident memory (the sum of VmRSS over the given process ids), opens COUNT
connections to HOST:PORT, sends one keep-alive GET on each and reads the whole answer, keeps
them all open and idle for a moment, reads the resident memory again and prints one JSON line:

  {"connections": 10000, "answered": 10000, "still_open": 10000, "rss_before_kib": ...,
   "rss_after_kib": ..., "kib_per_connection": ..., "errors": {...}, "heap_...": ...}

With --websocket, each connection opens a WebSocket instead (a GET asking to upgrade, answered
101), which then sits idle: the memory of an open, idle tunnel.

With --jvm PID (maitre), each reading follows a full collection, and the JVM's live heap is
reported beside the RSS.

Every step is bounded in time; all sockets are closed on the way out. Python 3 standard library
only.
"""
import argparse
import errno
import json
import re
import resource
import selectors
import socket
import subprocess
import sys
import time


def rss_kib(pids):
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def jvm_heap_used_kib(jcmd, pid):
    """Runs a full collection in the JVM, then reads how much of its heap is in use: what the
    connections keep alive, which the RSS of a JVM whose heap is already committed does not show."""
    subprocess.run([jcmd, str(pid), "GC.run"], check=True, capture_output=True, timeout=60)
    info = subprocess.run([jcmd, str(pid), "GC.heap_info"], check=True, capture_output=True,
                          text=True, timeout=60).stdout
    match = re.search(r"heap\s+total \d+K, used (\d+)K", info)
    if not match:
        raise RuntimeError("no heap line in jcmd GC.heap_info: " + info[:200])
    return int(match.group(1))


class Conn:
    __slots__ = ("sock", "state", "out", "inp")

    def __init__(self, sock, request):
        self.sock = sock
        self.state = "connecting"
        self.out = request
        self.inp = b""

    def answered(self):
        head, sep, body = self.inp.partition(b"\r\n\r\n")
        if not sep:
            return False
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        return len(body) >= length


def open_all(args, request, errors):
    """Opens the connections in batches (so the listen backlog is never the limit) and drives
    each through connect, send and read of one answer."""
    sel = selectors.DefaultSelector()
    conns = []
    done = []
    deadline = time.monotonic() + args.timeout
    pending = 0
    while (len(conns) < args.count or pending) and time.monotonic() < deadline:
        while len(conns) < args.count and pending < args.batch:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            err = sock.connect_ex((args.host, args.port))
            if err not in (0, errno.EINPROGRESS):
                errors["connect"] = errors.get("connect", 0) + 1
                sock.close()
                conns.append(None)
                continue
            conn = Conn(sock, request)
            conns.append(conn)
            sel.register(sock, selectors.EVENT_WRITE, conn)
            pending += 1
        for key, mask in sel.select(timeout=0.5):
            conn = key.data
            try:
                if conn.state == "connecting":
                    err = conn.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if err:
                        raise OSError(err, "connect failed")
                    conn.state = "sending"
                if conn.state == "sending":
                    sent = conn.sock.send(conn.out)
                    conn.out = conn.out[sent:]
                    if not conn.out:
                        conn.state = "reading"
                        sel.modify(conn.sock, selectors.EVENT_READ, conn)
                    continue
                data = conn.sock.recv(65536)
                if not data:
                    raise OSError(errno.ECONNRESET, "closed before the answer")
                conn.inp += data
                if conn.answered():
                    if not conn.inp.startswith(b"HTTP/1.1 101" if args.websocket else b"HTTP/1.1 200"):
                        errors["status"] = errors.get("status", 0) + 1
                    conn.state = "idle"
                    conn.inp = b""
                    sel.unregister(conn.sock)
                    done.append(conn)
                    pending -= 1
            except OSError as e:
                errors[conn.state] = errors.get(conn.state, 0) + 1
                if conn.state != "idle":
                    sel.unregister(conn.sock)
                    pending -= 1
                conn.sock.close()
                conn.state = "failed"
                if e.errno not in (errno.ECONNRESET, errno.ECONNREFUSED, errno.EPIPE, None):
                    errors["other:" + str(e.errno)] = errors.get("other:" + str(e.errno), 0) + 1
    if pending:
        errors["timeout"] = pending
    sel.close()
    return conns, done


def still_open(done):
    """Counts the idle connections the proxy has not closed: a closed one reads end of stream."""
    count = 0
    for conn in done:
        try:
            data = conn.sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
            if data:
                count += 1  # unexpected bytes, but the connection is open
        except BlockingIOError:
            count += 1
        except OSError:
            pass
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/small")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=500, help="connections being opened at once")
    parser.add_argument("--pids", required=True, help="comma-separated process ids of the proxy")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds idle before measuring")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to open them all")
    parser.add_argument("--jvm", type=int, help="the proxy is this JVM: run a full collection before"
                        " each reading and report its live heap too")
    parser.add_argument("--jcmd", default="jcmd", help="the jcmd to use with --jvm")
    parser.add_argument("--websocket", action="store_true",
                        help="open a WebSocket on each connection (PATH must be a WebSocket endpoint)")
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if args.count + 64 > hard:
        sys.exit(f"idle_conns: {args.count} connections need more open files than the limit {hard}")

    pids = [int(p) for p in args.pids.split(",") if p]
    upgrade = ("Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n") if args.websocket else ""
    request = (f"GET {args.path} HTTP/1.1\r\nHost: {args.host}:{args.port}\r\n"
               f"User-Agent: maitre-compare-idle\r\n{upgrade}\r\n").encode()
    errors = {}
    time.sleep(args.settle / 2)
    heap_before = jvm_heap_used_kib(args.jcmd, args.jvm) if args.jvm else None
    before = rss_kib(pids)
    started = time.monotonic()
    conns, done = open_all(args, request, errors)
    opened_in = time.monotonic() - started
    time.sleep(args.settle)
    heap_after = jvm_heap_used_kib(args.jcmd, args.jvm) if args.jvm else None
    after = rss_kib(pids)
    open_now = still_open(done)
    for conn in conns:
        if conn is not None:
            conn.sock.close()
    print(json.dumps({
        "connections": args.count,
        "answered": len(done),
        "still_open": open_now,
        "open_seconds": round(opened_in, 2),
        "rss_before_kib": before,
        "rss_after_kib": after,
        "kib_per_connection": round((after - before) / max(open_now, 1), 2),
        "errors": errors,
        "heap_before_kib": heap_before,
        "heap_after_kib": heap_after,
        "heap_kib_per_connection":
            round((heap_after - heap_before) / max(open_now, 1), 2) if args.jvm else None,
    }))
    return 0 if open_now == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
