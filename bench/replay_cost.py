#!/usr/bin/env python3
"""What history replays cost chatd: issue 18, item 3's four targets.

  bench/replay_cost.py [--chatd PATH] [--seconds S] [--silent N] [--churn N] [--only a,b,c,d] [-- chatd options]

Each part runs a fresh chatd on 127.0.0.1 (default flags, --quiet, and the
options after --) whose rooms are filled with full histories: 50 lines of
4,096 0xFF bytes each (every byte becomes U+FFFD, then the line is cut to
--max-line + 64 bytes), sent by filler users within their rate-limit burst.

  a. /join toggling: 16 users each send "/join #a" and "/join #b"
     alternately every 50 ms for S s (default 10) and read everything;
     bytes out (all they received) per byte in (all they sent).
     Target: <= 1,000.
  b. Connect churn from one address: 4 processes connect in a loop for S s,
     each connection sends /who, reads up to its answer (the replay comes
     before it) and resets; the replayed history bytes per second, with
     the default --replay-rate and with --replay-rate 0 (no per-address
     budget) for comparison. Target: <= 10 MiB/s.
  c. Silent clients: N (default 1,000) connect into a full #lobby and never
     read; chatd's CPU per client from the first connect to 1 s after the
     last, then per client per second over the next 5 s, its RSS growth
     per client, and the bytes held for each (everything it is sent, counted
     by draining them afterwards: chatd's queue and both kernels' buffers).
     Target: <= 64 KiB and <= 1 ms each.
  d. Connect cost: N (default 2,000) connect-then-reset connections, one
     at a time, into a full #lobby and into an empty one; chatd's CPU per
     connection. Target: full <= 1.5 x empty.

Every process is started here and stopped by PID; every loop is bounded.
Prints one line per part and the load average. Python 3 standard library.
"""
import argparse
import multiprocessing
import os
import select
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
TICK = os.sysconf("SC_CLK_TCK")
FFFD = "\ufffd".encode()
LINE = b"\xff" * 4096 + b"\n"


def load():
    return open("/proc/loadavg").read().split()[0]


class Chatd:
    def __init__(self, path, extra):
        self.p = subprocess.Popen([path, "--host", "127.0.0.1", "--port", "0", "--quiet"] + extra,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.port = int(self.p.stdout.readline().split()[-1].rstrip(b"."))
        threading.Thread(target=lambda: [None for _ in iter(lambda: self.p.stdout.read(65536), b"")],
                         daemon=True).start()

    def cpu(self):
        f = open(f"/proc/{self.p.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / TICK

    def rss_kb(self):
        for l in open(f"/proc/{self.p.pid}/status"):
            if l.startswith("VmRSS:"):
                return int(l.split()[1])

    def stop(self):
        self.p.terminate()
        try:
            self.p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


def read_until(s, pred, timeout=10):
    """Reads lines from socket `s` until pred(line) (bounded); returns (lines, bytes)."""
    buf, lines, total = b"", [], 0
    end = time.time() + timeout
    s.settimeout(timeout)
    while time.time() < end:
        chunk = s.recv(65536)
        if not chunk:
            break
        total += len(chunk)
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            lines.append(line)
            if pred(line):
                return lines, total
    raise RuntimeError("timed out reading")


def is_who_answer(line):
    return line.startswith(b"> Online (") or line.startswith(b"> In #")


def fill(port, room):
    """A filler user puts 50 full-size lines into `room` (within its burst),
    heard by a companion (a line said to nobody is not kept); both are
    returned, to be closed once done."""
    s = socket.create_connection(("127.0.0.1", port))
    read_until(s, lambda l: l.startswith(b"> Connected"))
    companion = socket.create_connection(("127.0.0.1", port))
    read_until(s, lambda l: l.startswith(b"> New user"))
    if room != "#lobby":
        for c in (companion, s):
            c.sendall(f"/join {room}\n".encode())
            read_until(c, lambda l: l.startswith(b"> You are now in"))
    s.sendall(LINE * 50)
    time.sleep(0.3)  # a token for the /who (the 50 lines are the whole default burst)
    s.sendall(b"/who\n")
    read_until(s, is_who_answer)  # all 50 handled
    companion.shutdown(socket.SHUT_RD)
    return s, companion


def part_a(chatd, extra, seconds):
    d = Chatd(chatd, extra)
    try:
        fillers = [*fill(d.port, "#a"), *fill(d.port, "#b")]
        users = []
        for _ in range(16):
            s = socket.create_connection(("127.0.0.1", d.port))
            s.setblocking(False)
            users.append(s)
        time.sleep(0.5)
        for s in users:  # their welcome and the lobby's (empty) history are not counted
            try:
                while s.recv(1 << 20):
                    pass
            except BlockingIOError:
                pass
        out = sent = 0
        cpu0 = d.cpu()
        start = time.time()
        i = 0
        next_send = start
        while time.time() < start + seconds:
            now = time.time()
            if now >= next_send:
                line = b"/join #a\n" if i % 2 == 0 else b"/join #b\n"
                for s in users:
                    s.sendall(line)
                    sent += len(line)
                i += 1
                next_send += 0.05
            r, _, _ = select.select(users, [], [], max(0.0, min(next_send, start + seconds) - time.time()))
            for s in r:
                try:
                    out += len(s.recv(1 << 20))
                except BlockingIOError:
                    pass
        # What is still on its way after the last /join (bounded).
        quiet_until = time.time() + 0.5
        while time.time() < quiet_until:
            r, _, _ = select.select(users, [], [], 0.1)
            for s in r:
                try:
                    n = len(s.recv(1 << 20))
                    out += n
                    if n:
                        quiet_until = time.time() + 0.5
                except BlockingIOError:
                    pass
        cpu = d.cpu() - cpu0
        print(f"a. /join toggling, 16 users, {seconds:.0f} s: {out:,} bytes out for {sent:,} in = "
              f"{out / sent:,.0f} per byte in (target <= 1,000); chatd {100 * cpu / seconds:.0f} % of a core; "
              f"load {load()}", flush=True)
        for s in users + fillers:
            s.close()
    finally:
        d.stop()


def churner(port, stop_at, counts):
    connects = replayed = 0
    while time.time() < stop_at:
        try:
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"/who\n")
            lines, _ = read_until(s, is_who_answer)
            replayed += sum(len(l) + 1 for l in lines if FFFD in l)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
            s.close()
            connects += 1
        except (OSError, RuntimeError):
            time.sleep(0.01)
    with counts.get_lock():
        counts[0] += connects
        counts[1] += replayed


def part_b(chatd, extra, seconds):
    for label, more in (("default --replay-rate", []), ("--replay-rate 0 (no per-address budget)",
                                                        ["--replay-rate", "0"])):
        d = Chatd(chatd, extra + more)
        try:
            filler = fill(d.port, "#lobby")
            counts = multiprocessing.Array("d", 2)
            cpu0 = d.cpu()
            start = time.time()
            procs = [multiprocessing.Process(target=churner, args=(d.port, start + seconds, counts))
                     for _ in range(4)]
            for p in procs:
                p.start()
            for p in procs:
                p.join(seconds + 30)
            took = time.time() - start
            cpu = d.cpu() - cpu0
            print(f"b. connect churn from 127.0.0.1, {label}: {counts[0] / took:,.0f} connects/s, replays "
                  f"{counts[1] / took / 2**20:.2f} MiB/s (target <= 10); chatd {100 * cpu / took:.0f} % of a core; "
                  f"load {load()}", flush=True)
            for s in filler:
                s.close()
        finally:
            d.stop()


def settle(d, limit=60):
    end, last = time.time() + limit, -1.0
    while time.time() < end:
        time.sleep(0.5)
        cpu = d.cpu()
        if cpu == last:
            return
        last = cpu


def part_c(chatd, extra, n):
    d = Chatd(chatd, extra)
    try:
        filler = fill(d.port, "#lobby")
        settle(d)
        rss0, cpu0 = d.rss_kb(), d.cpu()
        socks = []
        for _ in range(n):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # as a client that reads nothing would
            s.connect(("127.0.0.1", d.port))
            socks.append(s)
        # Not settle(): the threads engine's writers look at the kernel's
        # send queue every 250 ms while output waits there, so its CPU never
        # stops moving; the upkeep is measured apart.
        time.sleep(1)
        cpu, rss = d.cpu() - cpu0, d.rss_kb()
        time.sleep(5)
        upkeep = (d.cpu() - cpu0 - cpu) / 5
        held = 0
        for s in socks:
            s.setblocking(False)
        # Everything chatd sent or holds for them: passes over every socket
        # until one reads nothing (chatd sends the rest as buffers free up).
        end = time.time() + 30
        while time.time() < end:
            got = 0
            for s in socks:
                try:
                    while chunk := s.recv(1 << 20):
                        got += len(chunk)
                except BlockingIOError:
                    pass
            held += got
            if got == 0:
                break
            time.sleep(0.1)
        print(f"c. {n} silent clients into a full #lobby: {held / n / 1024:.1f} KiB held for each "
              f"(all it was sent), chatd RSS +{(rss - rss0) / n:.1f} KiB each, {1000 * cpu / n:.3f} ms of chatd CPU "
              f"each to connect and be sent its welcome and replay (targets <= 64 KiB, <= 1 ms), then "
              f"{1e6 * upkeep / n:.1f} us each per second while they stay; load {load()}", flush=True)
        for s in socks:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
            s.close()
        for s in filler:
            s.close()
    finally:
        d.stop()


def part_d(chatd, extra, n):
    per = {}
    for label in ("empty", "full"):
        d = Chatd(chatd, extra)
        try:
            filler = fill(d.port, "#lobby") if label == "full" else None
            settle(d)
            cpu0 = d.cpu()
            for _ in range(n):
                s = socket.create_connection(("127.0.0.1", d.port))
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
                s.close()
            settle(d)
            per[label] = (d.cpu() - cpu0) / n
            for s in filler or ():
                s.close()
        finally:
            d.stop()
    print(f"d. connect-then-reset x {n}: chatd CPU {1000 * per['empty']:.3f} ms each into an empty #lobby, "
          f"{1000 * per['full']:.3f} ms into a full one ({per['full'] / per['empty']:.2f} x; target <= 1.5); "
          f"load {load()}", flush=True)


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    ap = argparse.ArgumentParser(usage=__doc__)
    ap.add_argument("--chatd", default=os.path.join(ROOT, "build", "server", "chatd"))
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--silent", type=int, default=1000)
    ap.add_argument("--churn", type=int, default=2000)
    ap.add_argument("--only", default="a,b,c,d")
    a = ap.parse_args(argv)
    parts = a.only.split(",")
    print(f"chatd {a.chatd} {' '.join(extra)}; load {load()}", flush=True)
    if "a" in parts:
        part_a(a.chatd, extra, a.seconds)
    if "b" in parts:
        part_b(a.chatd, extra, a.seconds)
    if "c" in parts:
        part_c(a.chatd, extra, a.silent)
    if "d" in parts:
        part_d(a.chatd, extra, a.churn)


if __name__ == "__main__":
    main()
