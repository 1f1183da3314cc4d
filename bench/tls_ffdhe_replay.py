#!/usr/bin/python3
"""Sixteen hostile TLS connections from one address against chatd's TLS port
while two plain users ping each other every 150 ms. Prints the attack's
count, chatd's CPU and the ping round trip (p50, max, lost).

  bench/tls_ffdhe_replay.py [options] CHATD CERT KEY SECONDS

--attack ffdhe (default): each connection replays a canned ClientHello that
    offers only ffdhe8192 (captured once from openssl s_client) and resets
    after the server's reply: no cryptography on the attacker's side.
--attack handshake: each connection does a full TLS handshake (X25519, the
    client's default) with Python's ssl module and closes, in a loop.
--engine E: chatd's --engine (default: chatd's own default).
--rate-off (or RATE_OFF=1): chatd with --tls-handshake-rate 0.
--cluster: a redis-server on a free loopback port and two chatd nodes; the
    attack and one pinging user are on node A, the other user on node B, so
    every ping crosses the cluster: B's lines to A's user. Also prints how
    many of B's lines reached A's user and whether node A kept its Redis
    subscription (PUBSUB NUMSUB of the cluster channel, before and after,
    and chatd's stderr for "cluster:" lines). Needs redis-server.
Every process is started here and stopped by PID; loops are bounded by
SECONDS. Python 3 standard library (and the openssl CLI) only."""
import argparse, multiprocessing, os, re, signal, socket, ssl, subprocess, sys, threading, time, statistics, tempfile, queue

ap = argparse.ArgumentParser(usage=__doc__)
ap.add_argument("chatd"); ap.add_argument("cert"); ap.add_argument("key"); ap.add_argument("seconds", type=float)
ap.add_argument("--attack", choices=["ffdhe", "handshake"], default="ffdhe")
ap.add_argument("--engine")
ap.add_argument("--rate-off", action="store_true", default=bool(os.environ.get("RATE_OFF")))
ap.add_argument("--cluster", action="store_true")
ap.add_argument("--attackers", type=int, default=16)
a = ap.parse_args()
chatd, cert, key, seconds = a.chatd, a.cert, a.key, a.seconds
procs = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_all():
    for p in reversed(procs):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in reversed(procs):
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill(); p.wait()


# 1. For the ffdhe attack, capture a ClientHello offering only ffdhe8192
#    (openssl does the work once).
hello = b""
if a.attack == "ffdhe":
    srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
    port = srv.getsockname()[1]
    p = subprocess.Popen(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-tls1_3", "-groups", "ffdhe8192"],
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    c, _ = srv.accept(); c.settimeout(10)
    while len(hello) < 5 or len(hello) < 5 + int.from_bytes(hello[3:5], "big"):
        hello += c.recv(65536)
    c.close(); p.kill(); p.wait(); srv.close()

# 2. chatd (one, or two nodes and a redis-server), ports read from its start lines.
redis_port = None
tmp = tempfile.mkdtemp(prefix="chat-bench-tls-")
if a.cluster:
    redis_port = free_port()
    procs.append(subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                                   "--appendonly", "no", "--dir", tmp, "--logfile", os.path.join(tmp, "redis.log")],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", redis_port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    break
        except OSError:
            time.sleep(0.05)


def redis(*args):
    with socket.create_connection(("127.0.0.1", redis_port), timeout=2) as s:
        s.sendall(("*%d\r\n" % len(args) + "".join(f"${len(x)}\r\n{x}\r\n" for x in args)).encode())
        time.sleep(0.1)
        return s.recv(65536).decode(errors="replace")


def subscribers():
    """The ids of Redis clients subscribed to something (one per node)."""
    return sorted(int(re.search(r"\bid=(\d+)", l).group(1)) for l in redis("CLIENT", "LIST").splitlines()
                  if re.search(r"\b(p?sub)=[1-9]", l))


def start_chatd(name):
    argv = [chatd, "--host", "127.0.0.1", "--port", "0", "--tls-port", "0", "--tls-cert", cert, "--tls-key", key,
            "--quiet"]
    if a.engine: argv += ["--engine", a.engine]
    if a.rate_off: argv += ["--tls-handshake-rate", "0"]
    if a.cluster: argv += ["--cluster", f"redis://127.0.0.1:{redis_port}", "--node-name", name]
    d = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    procs.append(d)
    plain = int(d.stdout.readline().split()[-1].rstrip("."))
    tls = int(d.stdout.readline().split("TLS port ")[1].split()[0])
    errors = queue.Queue()
    threading.Thread(target=lambda: [errors.put(l) for l in d.stderr], daemon=True).start()
    threading.Thread(target=lambda: [None for _ in d.stdout], daemon=True).start()
    return d, plain, tls, errors


try:
    d, plain, tls, errors = start_chatd("a")
    other = start_chatd("b") if a.cluster else None
    if a.cluster:
        deadline = time.time() + 10
        while time.time() < deadline and "cluster: connected" not in "".join(list(other[3].queue)):
            time.sleep(0.05)

    def cpu():
        f = open(f"/proc/{d.pid}/stat").read().split(")")[1].split()
        return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")

    client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_ctx.check_hostname = False
    client_ctx.verify_mode = ssl.CERT_NONE
    stop = time.time() + seconds
    # Processes, not threads: one interpreter's lock would cap the attack
    # and delay the pings.
    count = [multiprocessing.Value("l", 0), multiprocessing.Value("l", 0)]  # done (or answered); refused or failed

    def attacker():
        while time.time() < stop:
            try:
                s = socket.create_connection(("127.0.0.1", tls)); s.settimeout(2)
                if a.attack == "ffdhe":
                    s.sendall(hello)
                    try: s.recv(65536)
                    except OSError: pass
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    s.close(); inc(count[0])
                else:
                    try:
                        t = client_ctx.wrap_socket(s)
                        inc(count[0])
                        t.close()
                    except (OSError, ssl.SSLError):
                        inc(count[1])
                        s.close()
            except OSError:
                time.sleep(0.01)

    def inc(v):
        with v.get_lock():
            v.value += 1

    def user(port):
        s = socket.create_connection(("127.0.0.1", port)); s.settimeout(5)
        f = s.makefile("rb")
        f.readline()
        return s, f

    a_sock, fa = user(plain)  # reads, on the attacked node
    b_sock, fb = user(other[1] if a.cluster else plain)  # pings; in a cluster, from node B
    deadline = time.time() + 10
    while b"entered" not in fa.readline() and time.time() < deadline:  # b entered (possibly via the cluster)
        pass
    if a.cluster:
        subs_before = subscribers()
        # Traffic across the cluster beside the pings: 8 users on node B
        # each say a line every 100 ms (the default rate limit's pace) to 8
        # readers on node A, who count what arrives.
        talkers = [user(other[1])[0] for _ in range(8)]
        readers = [user(plain)[0] for _ in range(8)]
        for r in readers: r.setblocking(False)
        talk = {"sent": 0, "got": 0}

        def talk_loop():
            i = 0
            while time.time() < stop:
                for t in talkers:
                    t.sendall(b"talk %d\n" % i); talk["sent"] += 1
                i += 1
                time.sleep(0.1)

        def read_loop():
            import select
            bufs = {r: b"" for r in readers}
            quiet_end = None
            while quiet_end is None or time.time() < quiet_end:
                if quiet_end is None and time.time() >= stop + 0.2:
                    quiet_end = time.time() + 2  # what is still on its way
                ready, _, _ = select.select(readers, [], [], 0.1)
                for r in ready:
                    try:
                        chunk = r.recv(1 << 20)
                    except BlockingIOError:
                        continue
                    bufs[r] += chunk
                    *lines, bufs[r] = bufs[r].split(b"\n")
                    talk["got"] += sum(1 for l in lines if b"] talk " in l)
                if quiet_end is not None and talk["got"] >= talk["sent"] * len(readers):
                    break

        talk_threads = [threading.Thread(target=talk_loop), threading.Thread(target=read_loop)]
        for t in talk_threads: t.start()
    cpu0 = cpu()
    threads = [multiprocessing.Process(target=attacker) for _ in range(a.attackers)]
    for t in threads: t.start()
    # b sends "ping N"; the round trip is from b's send to a's read (one
    # process, one clock), as the issue measured it. In a cluster it is a
    # line from node B to node A's user.
    rtts = []; lost = 0; n = 0
    while time.time() < stop:
        n += 1
        t0 = time.time()
        b_sock.sendall(b"ping %d\n" % n)
        try:
            while b"ping %d" % n not in fa.readline():
                pass  # the attackers' "entered" and "left" lines, when they get in
            rtts.append((time.time() - t0) * 1000)
        except OSError:
            lost += 1
        time.sleep(0.15)
    for t in threads: t.join()
    cpu1 = cpu()
    rtts.sort()
    kind = "ffdhe8192 ClientHellos sent (refused by the rate or by the groups)" if a.attack == "ffdhe" else "handshakes"
    refused = f" ({count[1].value} refused or failed)" if a.attack == "handshake" else ""
    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    print(f"{a.engine or 'default'} engine: {count[0].value} {kind}{refused} in {seconds:.0f} s; "
          f"chatd CPU {100*(cpu1-cpu0)/seconds:.0f} % of a core; "
          f"RTT p50 {statistics.median(rtts):.1f} ms, max {max(rtts):.1f} ms over {len(rtts)} pings, "
          f"{lost} lost; load {load}")
    if a.cluster:
        for t in talk_threads: t.join()
        subs_after = subscribers()
        print(f"cluster: {talk['sent']} lines from 8 users on node B to 8 readers on node A: "
              f"{talk['got']} of {talk['sent'] * len(readers)} deliveries arrived")
        cluster_lines = [l.strip() for l in list(errors.queue) if "cluster" in l]
        print(f"cluster: node B's lines to node A's user: {len(rtts)} of {n} delivered; Redis subscribers "
              f"(client ids) before {subs_before}, after {subs_after}; node A's stderr about the cluster: "
              f"{cluster_lines[-3:] if cluster_lines else 'nothing'}")
finally:
    stop_all()
    subprocess.run(["rm", "-rf", tmp])
