#!/usr/bin/python3
"""What the web port costs chatd (docs/BENCHMARKS.md, "The web port"):

  room: room100 (100 clients in one room, 10 of them sending 20,000
        64-byte lines each, closed loop, window 64) driven by bench/flood,
        once with `--protocol line` against the line port and once with
        `--protocol ws` against the web port, a fresh chatd (--history 0)
        for every run, chatd pinned to CPU 0 and flood to CPU 1 as
        bench/compare does; chatd's CPU per delivery, line against ws,
        medians over the runs (interleaved line, ws, line, ws ...);
  idle: N idle connections that never read (line port, then WebSocket,
        each against a fresh chatd), chatd's RSS per connection.

Usage: bench/web_cost.py CHATD [--flood FLOOD] [--runs R] [--idle N] [--messages M]
Everything on 127.0.0.1; every loop bounded; chatd is stopped at the end."""
import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "web"))
from webtest import Chatd  # noqa: E402

KEY = "dGhlIHNhbXBsZSBub25jZQ=="


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def connect_line(c):
    s = socket.create_connection(("127.0.0.1", c.port))
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


def pin(pid, cpu):
    """Every thread of `pid` onto `cpu` (bench/compare pins with taskset)."""
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            os.sched_setaffinity(int(tid), {cpu})
        except (OSError, ProcessLookupError):
            pass


def room(chatd, flood, kind, messages):
    """One room100 run of flood against a fresh chatd: flood's JSON line."""
    with Chatd(chatd, "--quiet", "--rate-limit", "0", "--idle-timeout", "0", "--max-per-ip", "0",
               "--max-clients", "20000", "--history", "0") as c:
        if os.cpu_count() and os.cpu_count() > 1:
            pin(c.proc.pid, 0)
        port = c.web_port if kind == "ws" else c.port
        cmd = [flood, "--port", str(port), "--protocol", kind, "--clients", "100", "--senders", "10",
               "--messages", str(messages), "--window", "64", "--size", "64", "--timeout", "120",
               "--server-pid", str(c.proc.pid)]
        if os.cpu_count() and os.cpu_count() > 1:
            cmd = ["taskset", "-c", "1"] + cmd
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        return json.loads(out.stdout.strip().splitlines()[-1])


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
    ap.add_argument("--idle", type=int, default=10000, help="idle connections (0: no idle phase)")
    ap.add_argument("--messages", type=int, default=20000, help="per sender (room100: 20,000)")
    ap.add_argument("--flood", help="bench/flood (default: beside CHATD's build tree)")
    a = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    flood = a.flood or os.path.join(os.path.dirname(os.path.abspath(a.chatd)), "..", "bench", "flood")
    results = {"line": [], "ws": []}
    for run in range(a.runs):
        for kind in ("line", "ws"):
            r = room(a.chatd, flood, kind, a.messages)
            if not r.get("ok") or not r.get("server_cpu_s"):
                print(f"room run {run + 1} {kind:4}: FAILED: {json.dumps(r)}", flush=True)
                continue
            ns = r["server_cpu_s"] / r["deliveries"] * 1e9
            results[kind].append((ns, r))
            print(f"room run {run + 1} {kind:4}: {r['deliveries']} deliveries in {r['seconds']:.2f} s "
                  f"({r['deliveries_per_s'] / 1e6:.2f} M/s), chatd CPU {r['server_cpu_s']:.2f} s = {ns:.0f} ns "
                  f"per delivery, flood CPU {r['flood_cpu_s'] / r['seconds'] * 100:.0f} % of a core, "
                  f"p50 {r['p50_us'] / 1e3:.1f} ms p99 {r['p99_us'] / 1e3:.1f} ms, chatd peak RSS "
                  f"{r['server_rss_kb'] / 1024:.1f} MiB", flush=True)
    if results["line"] and results["ws"]:
        med = {k: statistics.median(ns for ns, _ in v) for k, v in results.items()}
        rate = {k: statistics.median(r["deliveries_per_s"] for _, r in v) for k, v in results.items()}
        print(f"room median: line {med['line']:.0f} ns, WebSocket {med['ws']:.0f} ns per delivery: "
              f"{med['ws'] / med['line']:.2f}x; deliveries/s line {rate['line'] / 1e6:.2f} M, "
              f"WebSocket {rate['ws'] / 1e6:.2f} M", flush=True)
    if a.idle == 0:
        return
    for kind in ("line", "ws"):  # a fresh chatd each, so one's heap does not serve the other
        with Chatd(a.chatd, "--quiet", "--rate-limit", "0", "--max-per-ip", "0",
                   "--max-clients", str(a.idle + 200), "--web-ping", "3600") as c:
            per = idle(c, kind, a.idle)
            print(f"idle {a.idle} {kind:4}: {per:.0f} bytes of chatd RSS per connection", flush=True)


if __name__ == "__main__":
    main()
