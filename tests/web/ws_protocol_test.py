"""The web port's WebSocket and HTTP edges with an independent client
(Debian's python3-websockets) and raw sockets. Usage: ws_protocol_test.py
CHATD CASE; ctest runs each case (label "web")."""
import asyncio
import base64
import os
import socket
import struct
import sys
import time

import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatusCode

sys.path.insert(0, os.path.dirname(__file__))
from webtest import Chatd, LineClient, wait_for  # noqa: E402

CHATD = sys.argv[1]
KEY = "dGhlIHNhbXBsZSBub25jZQ=="


def raw_upgrade(port, extra="", origin=None):
    """A WebSocket handshake over a raw socket; returns (socket, response head)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    head = (f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n{extra}")
    if origin:
        head += f"Origin: {origin}\r\n"
    s.sendall((head + "\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return s, head.decode(), rest


def frame(opcode, payload, fin=True, mask=True):
    b0 = (0x80 if fin else 0) | opcode
    n = len(payload)
    if n < 126:
        h = bytes([b0, (0x80 if mask else 0) | n])
    elif n < 65536:
        h = bytes([b0, (0x80 if mask else 0) | 126]) + struct.pack(">H", n)
    else:
        h = bytes([b0, (0x80 if mask else 0) | 127]) + struct.pack(">Q", n)
    if not mask:
        return h + payload
    key = os.urandom(4)
    return h + key + bytes(c ^ key[i % 4] for i, c in enumerate(payload))


def read_frames(s, rest=b"", until_close=True, timeout=10):
    """Server frames until a close (or EOF): [(opcode, payload)]."""
    buf, out = rest, []
    s.settimeout(timeout)
    while True:
        while len(buf) >= 2:
            n = buf[1] & 0x7F
            at = 2
            if n == 126:
                n, at = struct.unpack(">H", buf[2:4])[0], 4
            elif n == 127:
                n, at = struct.unpack(">Q", buf[2:10])[0], 10
            assert not buf[1] & 0x80, "server frames are not masked"
            if len(buf) < at + n:
                break
            out.append((buf[0] & 0x0F, buf[at:at + n]))
            buf = buf[at + n:]
            if out[-1][0] == 8 and until_close:
                return out
        try:
            data = s.recv(65536)
        except socket.timeout:
            return out
        if not data:
            return out
        buf += data


def close_code(frames):
    closes = [p for op, p in frames if op == 8]
    assert closes, "no close frame in %r" % frames[-5:]
    return struct.unpack(">H", closes[0][:2])[0]


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


def case_handshake():
    """the 101 and its accept key, subprotocols, 404/405/426/403, headers."""
    with Chatd(CHATD) as c:
        s, head, _ = raw_upgrade(c.web_port, "Sec-WebSocket-Protocol: chat.lines\r\n")
        assert head.startswith("HTTP/1.1 101 "), head
        assert "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" in head, head
        assert "Sec-WebSocket-Protocol: chat.lines" in head, head
        s.close()
        s, head, _ = raw_upgrade(c.web_port)
        assert head.startswith("HTTP/1.1 101 ") and "Sec-WebSocket-Protocol" not in head, head
        s.close()
        s, head, rest = raw_upgrade(c.web_port, "Sec-WebSocket-Protocol: text.ircv3.net\r\n")
        assert head.startswith("HTTP/1.1 400 "), head
        assert b"not served yet" in rest, rest
        for origin, want in (("http://evil.example", "403"), (f"http://127.0.0.1:{c.web_port}", "101")):
            s, head, _ = raw_upgrade(c.web_port, origin=origin)
            assert head.startswith("HTTP/1.1 " + want), (origin, head)
            s.close()
        for request, want in ((b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", b"404"),
                              (b"POST / HTTP/1.1\r\nHost: x\r\n\r\n", b"405"),
                              (b"GET /ws HTTP/1.1\r\nHost: x\r\n\r\n", b"426"),
                              (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", b"200")):
            s = socket.create_connection(("127.0.0.1", c.web_port), timeout=10)
            s.sendall(request)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            assert data.startswith(b"HTTP/1.1 " + want), (request, data[:80])
            for h in (b"Content-Security-Policy: default-src 'self'; frame-ancestors 'none'",
                      b"X-Content-Type-Options: nosniff"):
                assert h in data, (request, h)
            assert b"Strict-Transport-Security" not in data
    with Chatd(CHATD, "--web-origin", "https://chat.example.org") as c:
        s, head, _ = raw_upgrade(c.web_port, origin="https://chat.example.org")
        assert head.startswith("HTTP/1.1 101 "), head


def case_lines():
    """a text message is a line; lines come back one per text frame;
    fragmentation; ping/pong; a 1 MiB message with --max-line 1M."""
    with Chatd(CHATD, "--max-line", "1M", "--max-queue", "8M") as c:
        a = LineClient(c.port, "alice")

        async def go():
            async with websockets.connect(f"ws://127.0.0.1:{c.web_port}/ws", subprotocols=["chat.lines"],
                                          max_size=4 << 20) as ws:
                assert (await ws.recv()).startswith("> Connected to the chat server")
                await ws.send("/nick wsuser")
                assert await ws.recv() == "> You are now known as wsuser"
                await ws.send(["frag", "ment", "ed"])  # three frames, one message
                a.expect("[wsuser] fragmented")
                pong = await ws.ping(b"are you there")
                await asyncio.wait_for(pong, 5)
                big = "x" * (1 << 20)
                await ws.send(big)
                line = a.expect("[wsuser] ")
                assert line == "[wsuser] " + big, len(line)
                a.send("y" * (1 << 20))
                got = await ws.recv()
                assert got == "[alice] " + "y" * (1 << 20), len(got)
                a.send("two words")
                assert await ws.recv() == "[alice] two words"
        run(go())


def case_close_codes():
    """1000 echoed, 1003 binary, 1007 not UTF-8, 1009 over --max-line after
    the line-too-long notice, 1002 unmasked, 1001 on shutdown."""
    with Chatd(CHATD, "--max-line", "100") as c:
        def session(*frames):
            s, head, rest = raw_upgrade(c.web_port)
            assert head.startswith("HTTP/1.1 101"), head
            for f in frames:
                s.sendall(f)
            got = read_frames(s, rest)
            s.close()
            return got

        assert close_code(session(frame(8, struct.pack(">H", 1000) + b"bye"))) == 1000
        assert close_code(session(frame(8, b""))) == 1000
        assert close_code(session(frame(2, b"\x00\x01"))) == 1003
        assert close_code(session(frame(1, b"caf\xc3("))) == 1007
        assert close_code(session(frame(1, b"abc", mask=False))) == 1002
        got = session(frame(1, b"x" * 60, fin=False), frame(0, b"y" * 60))
        texts = [p.decode() for op, p in got if op == 1]
        assert "! line too long (max 100 bytes)" in texts, texts
        assert close_code(got) == 1009
        s, head, rest = raw_upgrade(c.web_port)
        c.stop()
        assert close_code(read_frames(s, rest)) == 1001


def case_keepalive():
    """a silent WebSocket is pinged; one that never answers is dropped
    after --stall-timeout; one that answers stays."""
    with Chatd(CHATD, "--web-ping", "1", "--stall-timeout", "2") as c:
        s, head, rest = raw_upgrade(c.web_port)
        start = time.time()
        frames = read_frames(s, rest, timeout=15)  # until EOF: never answered
        assert any(op == 9 for op, _ in frames), frames
        assert 2 <= time.time() - start < 12, time.time() - start
        wait_for(lambda: any("no answer to a WebSocket ping" in l for l in c.stderr), what="drop logged")

        async def answers():
            async with websockets.connect(f"ws://127.0.0.1:{c.web_port}/ws") as ws:  # answers pings itself
                await asyncio.sleep(5)
                await ws.send("still here")
                await ws.recv()  # the welcome
        run(answers())


def case_slowloris():
    """a request head that trickles in is answered 408 and closed within
    seconds; one over 8 KiB is answered 431."""
    with Chatd(CHATD) as c:
        s = socket.create_connection(("127.0.0.1", c.web_port), timeout=20)
        start = time.time()
        data = b""
        s.sendall(b"GET / HTTP/1.1\r\n")
        s.settimeout(0.5)
        while not data and time.time() - start < 15:
            try:
                s.sendall(b"X-a: b\r\n")
                data = s.recv(4096)
            except socket.timeout:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
        assert data.startswith(b"HTTP/1.1 408"), data[:60]
        assert time.time() - start < 10
        s = socket.create_connection(("127.0.0.1", c.web_port), timeout=10)
        try:
            s.sendall(b"GET / HTTP/1.1\r\nX-Pad: " + b"a" * 9000 + b"\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert s.recv(4096).startswith(b"HTTP/1.1 431"), "431"


def case_ping_flood():
    """100,000 pings from a client that never reads: chatd stays
    responsive for others and its memory stays bounded (no rate limit
    here: each of alice's lines must arrive)."""
    with Chatd(CHATD, "--rate-limit", "0") as c:
        a, b = LineClient(c.port, "alice"), LineClient(c.port, "bob")
        before = c.rss_kib()
        s, head, _ = raw_upgrade(c.web_port)
        ping = frame(9, b"p" * 125)
        s.settimeout(0.2)
        sent = 0
        for _ in range(100):
            try:
                s.sendall(ping * 1000)
                sent += 1000
            except (socket.timeout, BrokenPipeError, ConnectionResetError):
                break
            a.send("still served %d" % sent)
            b.expect("[alice] still served")
        grown = c.rss_kib() - before
        assert grown < 64 * 1024, "RSS grew %d KiB" % grown
        print(f"ping flood: {sent} pings sent, chatd RSS +{grown} KiB")


def case_idle_connections():
    """N idle WebSocket connections (default 10,000): chatd's memory per
    connection, stated on stdout."""
    import resource
    n = int(os.environ.get("CHAT_WEB_IDLE", "10000"))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, n + 200)), hard))
    n = min(n, resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 200)
    with Chatd(CHATD, "--max-clients", str(n + 10), "--web-ping", "3600") as c:
        a = LineClient(c.port, "alice")
        time.sleep(0.2)
        before = c.rss_kib()
        request = (f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{c.web_port}\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode()
        socks = []
        for i in range(0, n, 500):
            batch = [socket.create_connection(("127.0.0.1", c.web_port), timeout=30) for _ in range(min(500, n - i))]
            for s in batch:
                s.sendall(request)
            for s in batch:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += s.recv(4096)
                assert data.startswith(b"HTTP/1.1 101"), data[:40]
            socks += batch
        a.send("/who *")
        line = a.expect("> Online (")
        assert line.startswith(f"> Online ({n + 1})"), line[:40]
        per = (c.rss_kib() - before) * 1024 / n
        print(f"idle WebSocket connections: {n}, chatd RSS +{(c.rss_kib() - before) / 1024:.1f} MiB, "
              f"{per:.0f} bytes per connection")
        for s in socks:
            s.close()


if __name__ == "__main__":
    case = sys.argv[2]
    start = time.time()
    globals()["case_" + case]()
    print(f"web {case}: passed in {time.time() - start:.1f} s")
