#!/usr/bin/env python3
"""A frozen disk under --store (issue 18, item 5): needs root, util-linux
(mount, fsfreeze) and e2fsprogs (mkfs.ext4).

  sudo bench/store_freeze.py [CHATD [chatd options...]]

Makes a 256 MiB ext4 image in a temporary directory, loop-mounts it, starts
chatd with --store on it, and has 64 users in 8 rooms say lines of 4,096
0xFF bytes at the default rate limit (their burst, then ten a second),
reading everything. After 3 s the filesystem is frozen (fsfreeze -f) for
15 s while the talk goes on; chatd's RSS is sampled every second and its
stderr lines are timed. Then SIGTERM while still frozen: how long chatd
takes to exit (waited for up to 10 s), then the filesystem is thawed and
the exit awaited again. Targets: the queue bounded (<= 64 MiB), stderr
says the store is stalled within 15 s, SIGTERM exits within 3 s whatever
the disk does. KILL=1 sends SIGKILL instead of SIGTERM (can chatd end at
all while the disk is frozen?). Everything started here is stopped here by PID, the
filesystem thawed and unmounted.
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
extra = sys.argv[2:]
LINE = b"\xff" * 4096 + b"\n"

tmp = tempfile.mkdtemp(prefix="chat-store-freeze-")
img, mnt = os.path.join(tmp, "fs.img"), os.path.join(tmp, "mnt")
os.mkdir(mnt)
subprocess.run(["dd", "if=/dev/zero", f"of={img}", "bs=1M", "count=256", "status=none"], check=True)
subprocess.run(["mkfs.ext4", "-q", "-F", img], check=True)
subprocess.run(["mount", "-o", "loop", img, mnt], check=True)
frozen = False
p = None
t0 = time.time()


def rss_mib():
    for l in open(f"/proc/{p.pid}/status"):
        if l.startswith("VmRSS:"):
            return int(l.split()[1]) / 1024
    return 0


try:
    p = subprocess.Popen([chatd, "--host", "127.0.0.1", "--port", "0", "--quiet", "--store",
                          os.path.join(mnt, "h.db")] + extra, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    port = int(p.stdout.readline().split()[-1].rstrip(b"."))
    threading.Thread(target=lambda: [None for _ in iter(lambda: p.stdout.read(65536), b"")], daemon=True).start()
    errors = []
    threading.Thread(target=lambda: [errors.append((time.time(), l.decode(errors="replace").rstrip()))
                                     for l in p.stderr], daemon=True).start()
    users = []
    for i in range(64):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(f"/join #room{i % 8}\n".encode())
        s.settimeout(5)  # a chatd that stops reading ends the talk, not this script
        users.append(s)
    stop_talk = [False]

    def talk():
        try:
            talk_loop()
        except OSError as e:
            print(f"talk stopped: {e}")

    def talk_loop():
        first = True
        next_send = time.time()
        while not stop_talk[0]:
            if time.time() >= next_send:
                for s in users:
                    s.sendall(LINE * (50 if first else 1))
                first = False
                next_send += 0.1
            r, _, _ = select.select(users, [], [], max(0.0, next_send - time.time()))
            for s in r:
                s.recv(1 << 20)

    talker = threading.Thread(target=talk)
    talker.start()
    time.sleep(3)
    rss0 = rss_mib()
    subprocess.run(["fsfreeze", "-f", mnt], check=True)
    frozen = True
    frozen_at = time.time()
    samples = []
    for _ in range(15):
        time.sleep(1)
        samples.append(round(rss_mib() - rss0))
    stop_talk[0] = True
    talker.join()
    said = [(round(t - frozen_at, 1), l) for t, l in errors if t >= frozen_at]
    print(f"frozen 15 s with 64 users talking: chatd RSS growth per second (MiB) {samples}")
    print(f"stderr while frozen: {said if said else 'nothing'}")
    stuck = [open(f"/proc/{p.pid}/task/{t}/stat").read().rsplit(")", 1)[1].split()[0] + ":" +
             open(f"/proc/{p.pid}/task/{t}/comm").read().strip() for t in os.listdir(f"/proc/{p.pid}/task")]
    print(f"chatd's threads (state:name) while frozen: {stuck}")
    term_at = time.time()
    if os.environ.get("KILL") == "1":  # whether any exit is possible while frozen
        p.kill()
    else:
        p.terminate()
    try:
        p.wait(timeout=10)
        print(f"signalled while frozen: exited {p.returncode} after {time.time() - term_at:.2f} s")
    except subprocess.TimeoutExpired:
        print("signalled while frozen: still running after 10 s; thawing")
    subprocess.run(["fsfreeze", "-u", mnt], check=True)
    frozen = False
    thawed_at = time.time()
    if p.poll() is None:
        try:
            p.wait(timeout=10)
            print(f"after the thaw: exited {p.returncode} {time.time() - thawed_at:.2f} s later")
        except subprocess.TimeoutExpired:
            print("after the thaw: still running 10 s later")
    time.sleep(0.2)
    print("stderr after the signal (s after it): " +
          " | ".join(f"{t - term_at:.1f}: {l}" for t, l in errors if t >= term_at))
    for s in users:
        s.close()
    print(f"load {open('/proc/loadavg').read().split()[0]}")
finally:
    if frozen:
        subprocess.run(["fsfreeze", "-u", mnt])
    if p is not None and p.poll() is None:
        p.kill()
        p.wait()
    subprocess.run(["umount", mnt])
    subprocess.run(["rm", "-rf", tmp])
