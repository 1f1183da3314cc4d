#!/usr/bin/env python3
"""How big --store grows under talk at the default rate limit (issue 18,
item 6): 16 users in 8 rooms (2 each) each send lines of 4,096 0xFF bytes
(every byte becomes U+FFFD, then the line is cut to --max-line + 64) as
fast as --rate-limit lets through (its burst, then its rate) for SECONDS,
reading everything they get. Then chatd is stopped (SIGTERM, so the writer
finishes) and the store's files are measured: PATH, PATH-wal, PATH-shm.
Target: under 8 MiB (before the pruning: 34.8 MiB in 10 s).

  bench/store_growth.py [CHATD [SECONDS [chatd options...]]]

A fresh chatd on 127.0.0.1 with --store in a temporary directory, stopped
here by PID. Python 3 standard library only.
"""
import os
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
chatd = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "server", "chatd")
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10
extra = sys.argv[3:]
LINE = b"\xff" * 4096 + b"\n"

tmp = tempfile.mkdtemp(prefix="chat-store-growth-")
db = os.path.join(tmp, "h.db")
p = subprocess.Popen([chatd, "--host", "127.0.0.1", "--port", "0", "--quiet", "--store", db] + extra,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
try:
    port = int(p.stdout.readline().split()[-1].rstrip(b"."))
    threading.Thread(target=lambda: [None for _ in iter(lambda: p.stdout.read(65536), b"")], daemon=True).start()
    users = []
    for i in range(16):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(f"/join #room{i // 2}\n".encode())
        users.append(s)  # blocking: a send never cuts a line; reads only when select() says so
    sent = 0
    start = time.time()
    next_send = start
    while time.time() < start + seconds:
        if time.time() >= next_send:
            for s in users:  # ten a second each: the default rate; the first second also its burst
                burst = 50 if next_send == start else 1
                s.sendall(LINE * burst)
                sent += burst
            next_send += 0.1
        r, _, _ = select.select(users, [], [], max(0.0, min(next_send, start + seconds) - time.time()))
        for s in r:
            s.recv(1 << 20)
    for s in users:
        s.close()
    time.sleep(0.5)
    p.terminate()
    p.wait(timeout=10)
    sizes = {f: os.path.getsize(os.path.join(tmp, f)) for f in sorted(os.listdir(tmp)) if f.startswith("h.db")}
    total = sum(sizes.values())
    load = open("/proc/loadavg").read().split()[0]
    print(f"16 users in 8 rooms, {seconds:.0f} s, {sent:,} lines of 4,096 bytes offered: store "
          f"{total / 2**20:.2f} MiB ({', '.join(f'{k} {v:,}' for k, v in sizes.items())}); target < 8 MiB; "
          f"load {load}")
finally:
    if p.poll() is None:
        p.kill()
        p.wait()
    subprocess.run(["rm", "-rf", tmp])
