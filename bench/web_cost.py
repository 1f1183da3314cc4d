#!/usr/bin/python3
"""What the web port costs chatd, both sides measured in one run against
one chatd (docs/BENCHMARKS.md, "The web port"):

  room: 100 receivers in one room (all on the line port, then all over
        WebSocket) and 10 line-port senders, 20,000 messages in all at a
        fixed pace; chatd's CPU time (/proc/PID/task/*/schedstat) per
        delivery, line port against WebSocket;
  idle: N idle connections that never read (line port, then WebSocket,
        each against a fresh chatd), chatd's RSS per connection.

Usage: bench/web_cost.py CHATD [--runs R] [--idle N] [--messages M]
Everything on 127.0.0.1; every loop bounded; chatd is stopped at the end."""
import argparse
import os
import resource
import selectors
import socket
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "web"))
from webtest import Chatd  # noqa: E402

KEY = "dGhlIHNhbXBsZSBub25jZQ=="


def cpu_s(pid):
    """CPU time of every thread of `pid`, in seconds, to the nanosecond
    (/proc/PID/task/*/schedstat; utime+stime tick only every 10 ms)."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            total += int(open(f"/proc/{pid}/task/{tid}/schedstat").read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total / 1e9


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def connect_line(c):
    s = socket.create_connection(("127.0.0.1", c.port))
    return s


def connect_ws(c):
    s = socket.create_connection(("127.0.0.1", c.web_port))
    s.sendall((f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{c.web_port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(4096)
    assert data.startswith(b"HTTP/1.1 101"), data[:40]
    return s


def connect_ws_batch(c, n):
    request = (f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{c.web_port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode()
    batch = [socket.create_connection(("127.0.0.1", c.web_port)) for _ in range(n)]
    for s in batch:
        s.sendall(request)
    for s in batch:
        data = b""
        while b"\r\n\r\n" not in data:
            data += s.recv(4096)
        assert data.startswith(b"HTTP/1.1 101"), data[:40]
    return batch


def drain(socks, until, timeout):
    """Reads every socket until each has seen `until` (or timeout)."""
    sel = selectors.DefaultSelector()
    tails = {}
    for s in socks:
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
        tails[s] = b""
    waiting = set(socks)
    deadline = time.time() + timeout
    while waiting and time.time() < deadline:
        for key, _ in sel.select(0.5):
            s = key.fileobj
            try:
                data = s.recv(1 << 20)
            except BlockingIOError:
                continue
            if not data:
                waiting.discard(s)
                sel.unregister(s)
                continue
            if s in waiting:
                if until in tails[s] + data:
                    waiting.discard(s)
                tails[s] = (tails[s] + data)[-64:]
    sel.close()
    return len(waiting)


def room(c, kind, messages, receivers=100, senders=10):
    recv = [connect_ws(c) if kind == "ws" else connect_line(c) for _ in range(receivers)]
    send = [connect_line(c) for _ in range(senders)]
    time.sleep(0.5)
    drain(recv + send, b"\x00never", 1.0)  # welcome and entered lines
    for s in recv + send:
        s.setblocking(True)
    start_cpu = cpu_s(c.proc.pid)
    start = time.time()
    per = messages // senders
    import threading

    def sender(s, i):
        for n in range(per):
            s.sendall(b"message %d from sender %d, some text to carry\n" % (n, i))
            if n % 20 == 19:
                time.sleep(0.02)
    threads = [threading.Thread(target=sender, args=(s, i)) for i, s in enumerate(send)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    send[0].sendall(b"END-MARK\n")
    left = drain(recv, b"END-MARK", 60)
    cpu = cpu_s(c.proc.pid) - start_cpu
    wall = time.time() - start
    deliveries = (messages + 1) * receivers
    for s in recv + send:
        s.close()
    time.sleep(0.5)
    return cpu, wall, deliveries, left


def idle(c, kind, n):
    time.sleep(0.3)
    before = rss_kib(c.proc.pid)
    socks = []
    # Never read (but the 101): what chatd sends them waits in the kernel's
    # socket buffers, not in chatd's heap, for both kinds alike.
    # WebSockets in batches (500 requests, then their 101s), so they arrive
    # as fast as line clients: one at a time, each waiting for its 101,
    # they would stay under the join gate's storm threshold and each be
    # announced to everyone (docs/PROTOCOL.md, join storms).
    for i in range(0, n, 500):
        if kind == "ws":
            socks += connect_ws_batch(c, min(500, n - i))
        else:
            socks += [connect_line(c) for _ in range(min(500, n - i))]
    time.sleep(2.0)
    per = (rss_kib(c.proc.pid) - before) * 1024 / n
    for s in socks:
        s.close()
    time.sleep(1.0)
    return per


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("chatd")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--idle", type=int, default=10000)
    ap.add_argument("--messages", type=int, default=20000)
    a = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    results = {"line": [], "ws": []}
    with Chatd(a.chatd, "--quiet", "--rate-limit", "0", "--idle-timeout", "0", "--max-per-ip", "0",
               "--max-clients", str(a.idle + 200), "--web-ping", "3600") as c:
        for run in range(a.runs):
            for kind in ("line", "ws"):
                cpu, wall, deliveries, left = room(c, kind, a.messages)
                ns = cpu / deliveries * 1e9
                results[kind].append(ns)
                print(f"room run {run + 1} {kind:4}: {deliveries} deliveries in {wall:.2f} s, chatd CPU {cpu:.2f} s, "
                      f"{ns:.0f} ns per delivery" + (f" ({left} receivers short)" if left else ""), flush=True)
        line, ws = statistics.median(results["line"]), statistics.median(results["ws"])
        print(f"room median: line {line:.0f} ns, WebSocket {ws:.0f} ns per delivery: {ws / line:.2f}x")
    for kind in ("line", "ws"):  # a fresh chatd each, so one's heap does not serve the other
        with Chatd(a.chatd, "--quiet", "--rate-limit", "0", "--max-per-ip", "0",
                   "--max-clients", str(a.idle + 200), "--web-ping", "3600") as c:
            per = idle(c, kind, a.idle)
            print(f"idle {a.idle} {kind:4}: {per:.0f} bytes of chatd RSS per connection", flush=True)


if __name__ == "__main__":
    main()
