"""Shared helpers of the web port's Python tests (tests/web/): a chatd child
process on ephemeral loopback ports, a raw TCP line client (what `nc` is),
and free-port picking. Run by ctest with /usr/bin/python3 (Debian's
python3-websockets and python3-selenium)."""
import os
import re
import signal
import socket
import subprocess
import threading
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Chatd:
    """chatd with --web-port; .port and .web_port are read from its stdout."""

    def __init__(self, chatd, *args, port=0, web_port=0, expect_tls=False):
        cmd = [chatd, "--host", "127.0.0.1", "--port", str(port), "--web-port", str(web_port), *args]
        if os.environ.get("CHAT_ENGINE"):  # ctest runs some cases once per reactor engine
            cmd += ["--engine", os.environ["CHAT_ENGINE"]]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = []
        self.stderr = []
        self.port = self.web_port = self.url = None
        deadline = time.time() + 20
        while self.url is None:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("chatd exited: " + self.proc.stderr.read())
            self.lines.append(line)
            m = re.match(r"Chat Server started on port (\d+)\.", line)
            if m:
                self.port = int(m.group(1))
            m = re.match(r"Web client at ((https?)://[^/]+:(\d+)/) \(WebSocket at /ws\)\.", line)
            if m:
                self.url, self.web_port = m.group(1), int(m.group(3))
            if time.time() > deadline:
                raise RuntimeError("chatd did not start")
        threading.Thread(target=self._drain, args=(self.proc.stdout, self.lines), daemon=True).start()
        threading.Thread(target=self._drain, args=(self.proc.stderr, self.stderr), daemon=True).start()

    @staticmethod
    def _drain(stream, into):
        for line in stream:
            into.append(line)

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        """SIGTERM; chatd must exit 0 (a sanitizer report or a crash fails the test)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("chatd did not exit within 20 s of SIGTERM")
        time.sleep(0.1)  # the drain threads read the last of stderr
        if self.proc.returncode != 0:
            raise AssertionError("chatd exited %d: %s" % (self.proc.returncode, "".join(self.stderr)[-3000:]))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class LineClient:
    """A raw TCP user of the line port, like nc."""

    def __init__(self, port, nick=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""
        self.seen = []
        self.expect("> Connected to the chat server")
        if nick:
            self.send("/nick " + nick)
            self.expect("> You are now known as " + nick)

    def send(self, line):
        self.sock.sendall(line.encode() + b"\n")

    def line(self, timeout=10):
        deadline = time.time() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError("no line; seen: %r" % self.seen[-10:])
            self.sock.settimeout(left)
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("closed; seen: %r" % self.seen[-10:])
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        text = line.decode("utf-8", "replace")
        self.seen.append(text)
        return text

    def expect(self, prefix, timeout=10):
        """Reads lines until one starts with `prefix`; returns it."""
        deadline = time.time() + timeout
        while True:
            line = self.line(max(0.01, deadline - time.time()))
            if line.startswith(prefix):
                return line

    def close(self):
        self.sock.close()


def wait_for(cond, timeout=10, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)
