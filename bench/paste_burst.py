#!/usr/bin/env python3
"""Issue 18, item 7: one sender pastes 20 lines of 4,000 bytes (a whole
--rate-limit 5:20 burst) to one reader that reads as fast as loopback
allows; prints how many it received and chatd's notices to it.

Usage: bench/paste_burst.py build/server/chatd 64K   (or 128K)
"""
import socket, subprocess, sys, time
chatd = sys.argv[1]; q = sys.argv[2]
p = subprocess.Popen([chatd, "--host", "127.0.0.1", "--port", "0", "--rate-limit", "5:20", "--max-queue", q, "--quiet"],
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
port = int(p.stdout.readline().split("port ")[1].split(".")[0])
s = socket.create_connection(("127.0.0.1", port)); s.recv(100)
r = socket.create_connection(("127.0.0.1", port)); time.sleep(0.2)
r.settimeout(1.0)
buf = b""
try:
    while True:
        d = r.recv(65536)
        if not d: break
        buf += d
        if buf.count(b"\n") >= 1: break
except socket.timeout: pass
buf = b""
s.sendall(b"".join((b"%d" % (i % 10)) + b"p" * 3999 + b"\n" for i in range(20)))
try:
    while True:
        d = r.recv(65536)
        if not d: break
        buf += d
except socket.timeout: pass
lines = buf.split(b"\n")
print(q, "paste lines received:", sum(1 for l in lines if l.startswith(b"[")), [l for l in lines if l.startswith(b"!")])
p.terminate(); p.wait()
