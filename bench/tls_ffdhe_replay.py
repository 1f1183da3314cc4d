#!/usr/bin/python3
"""16 connections replaying a canned ClientHello that offers only ffdhe8192
against chatd's TLS port, while two plain users ping each other every 150 ms.
Prints RTT p50/max and chatd's CPU. RATE_OFF=1 runs chatd with
--tls-handshake-rate 0 (a chatd older than that option needs it unset).
Usage: [RATE_OFF=1] bench/tls_ffdhe_replay.py CHATD CERT KEY SECONDS"""
import os, socket, subprocess, sys, threading, time, statistics

chatd, cert, key, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])

# 1. Capture a ClientHello offering only ffdhe8192 (openssl does the work once).
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
port = srv.getsockname()[1]
p = subprocess.Popen(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-tls1_3", "-groups", "ffdhe8192"],
                     stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
c, _ = srv.accept(); c.settimeout(10)
hello = b""
while len(hello) < 5 or len(hello) < 5 + int.from_bytes(hello[3:5], "big"):
    hello += c.recv(65536)
c.close(); p.kill(); p.wait(); srv.close()

# 2. chatd with TLS, ports read from its start lines.
d = subprocess.Popen([chatd, "--host", "127.0.0.1", "--port", "0", "--tls-port", "0", "--tls-cert", cert,
                      "--tls-key", key, "--quiet"] + (["--tls-handshake-rate", "0"] if os.environ.get("RATE_OFF") else []), stdout=subprocess.PIPE, text=True)
plain = int(d.stdout.readline().split()[-1].rstrip("."))
tls = int(d.stdout.readline().split("TLS port ")[1].split()[0])
def cpu():
    f = open(f"/proc/{d.pid}/stat").read().split(")")[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")

stop = time.time() + seconds
count = [0]
def attacker():
    while time.time() < stop:
        try:
            s = socket.create_connection(("127.0.0.1", tls)); s.sendall(hello); s.settimeout(2)
            try: s.recv(65536)
            except OSError: pass
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            s.close(); count[0] += 1
        except OSError:
            time.sleep(0.01)

def user():
    s = socket.create_connection(("127.0.0.1", plain)); s.settimeout(5)
    f = s.makefile("rb")
    f.readline()
    return s, f
a, fa = user(); b, fb = user()
fa.readline()  # b entered
cpu0 = cpu()
threads = [threading.Thread(target=attacker) for _ in range(16)]
for t in threads: t.start()
rtts = []; lost = 0
while time.time() < stop:
    t0 = time.time()
    a.sendall(b"ping\n")
    try:
        line = fb.readline()
        rtts.append((time.time() - t0) * 1000)
    except OSError:
        lost += 1
    time.sleep(0.15)
for t in threads: t.join()
cpu1 = cpu()
d.terminate(); d.wait()
rtts.sort()
print(f"{count[0]} attacking handshakes in {seconds:.0f} s; chatd CPU {100*(cpu1-cpu0)/seconds:.0f} % of a core; "
      f"RTT p50 {statistics.median(rtts):.1f} ms, max {max(rtts):.1f} ms over {len(rtts)} pings, {lost} lost")
