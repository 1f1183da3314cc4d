#!/usr/bin/env python3
"""Opens N connections to a fresh chatd on 127.0.0.1 that never send or read
a byte (with SPEAK=1: each sends one line), then resets them all. Prints
chatd's CPU seconds over the storm, its peak RSS (VmHWM), and its RSS before
and after. Needs `ulimit -n` above N.

Usage: bench/silent_storm.py build/server/chatd 10000 [chatd options...]
"""
import os, socket, subprocess, sys, threading, time

chatd, n = sys.argv[1], int(sys.argv[2])
p = subprocess.Popen([chatd, "--host", "127.0.0.1", "--port", "0"] + sys.argv[3:],
                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
port = int(p.stdout.readline().split()[-1].rstrip(b"."))
threading.Thread(target=lambda: [None for _ in iter(lambda: p.stdout.read(65536), b"")], daemon=True).start()

def stat():
    f = open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()
    cpu = (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
    st = dict(l.split(":", 1) for l in open(f"/proc/{p.pid}/status"))
    return cpu, int(st["VmRSS"].split()[0]), int(st["VmHWM"].split()[0])

def settle(limit=90):
    end, last = time.time() + limit, -1.0
    while time.time() < end:
        time.sleep(0.5)
        cpu = stat()[0]
        if cpu == last:
            return
        last = cpu

time.sleep(0.2)
cpu0, rss0, _ = stat()
speak = os.environ.get("SPEAK") == "1"  # each sends one line, so each is announced
socks = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    if speak:
        s.sendall(b"hi\n")
    socks.append(s)
settle()
for s in socks:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")  # RST: no unread-data wait
    s.close()
settle()
cpu, rss, hwm = stat()
print(f"clients={n} cpu_s={cpu - cpu0:.2f} rss_before_kb={rss0} peak_rss_kb={hwm} rss_after_kb={rss}", flush=True)
p.terminate()
p.wait()
