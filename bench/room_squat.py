#!/usr/bin/env python3
"""Issue 18, item 4: with --store, two users make 999 rooms of one stored
line each (the --max-rooms default is 1000 with #lobby) and leave; then a
newcomer's /join #mine, and after a SIGTERM restart a newcomer's
/join #fresh. Prints each answer and how long it took. Before rooms could
be evicted both answered "! too many rooms".

Usage: bench/room_squat.py build/server/chatd
"""
import socket, subprocess, sys, time, os, tempfile
chatd = sys.argv[1]
d = tempfile.mkdtemp()
db = os.path.join(d, "h.db")
def start():
    p = subprocess.Popen([chatd, "--host", "127.0.0.1", "--port", "0", "--store", db, "--rate-limit", "0", "--quiet"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    port = int(line.split("port ")[1].split(".")[0])
    return p, port
def conn(port):
    s = socket.create_connection(("127.0.0.1", port)); s.settimeout(10)
    f = s.makefile("rb")
    f.readline()
    return s, f
def until(f, pred):
    while True:
        l = f.readline().decode(errors="replace")
        if not l: raise SystemExit("eof")
        if pred(l): return l
p, port = start()
a, fa = conn(port); b, fb = conn(port)
t0 = time.time()
for i in range(999):
    r = "#spam%d" % i
    a.sendall(("/join %s\n" % r).encode()); until(fa, lambda l: l.startswith("> You are now in"))
    b.sendall(("/join %s\n" % r).encode()); until(fb, lambda l: l.startswith("> You are now in"))
    a.sendall(b"x\n"); until(fb, lambda l: l.startswith("["))
print("999 rooms made in %.1f s" % (time.time() - t0))
a.close(); b.close()
time.sleep(0.5)
n, fn = conn(port)
t0 = time.perf_counter(); n.sendall(b"/join #mine\n"); r = fn.readline().decode().strip(); t1 = time.perf_counter()
print("before restart: %r in %.2f ms" % (r, (t1 - t0) * 1e3))
n.sendall(b"/rooms\n"); print("rooms line starts:", fn.readline()[:40])
n.close()
time.sleep(1.0)  # the store's writer commits every ~20 ms
p.terminate(); p.wait()
p, port = start()
n, fn = conn(port)
t0 = time.perf_counter(); n.sendall(b"/join #fresh\n"); r = fn.readline().decode().strip(); t1 = time.perf_counter()
print("after restart: %r in %.2f ms" % (r, (t1 - t0) * 1e3))
p.terminate(); p.wait()
