"""A real IRC client against chatd's IRC port (docs/IRC.md): Debian's
weechat-headless connects, joins two channels, talks with a line-protocol
user (what `nc` is) both ways, and quits. It is driven through its FIFO,
so every step awaits what the previous one caused instead of sleeping.
Usage: weechat_test.py CHATD; ctest runs it (label "irc")."""
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "web"))
from webtest import LineClient, wait_for  # noqa: E402

CHATD = sys.argv[1]


def start_chatd():
    cmd = [CHATD, "--host", "127.0.0.1", "--port", "0", "--irc-port", "0", "--server-name", "irc.test"]
    if os.environ.get("CHAT_ENGINE"):
        cmd += ["--engine", os.environ["CHAT_ENGINE"]]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ports = {}
    deadline = time.time() + 20
    while len(ports) < 2:
        line = proc.stdout.readline()
        if not line or time.time() > deadline:
            raise RuntimeError("chatd did not start: " + proc.stderr.read())
        m = re.match(r"(Chat|IRC) [Ss]erver started on port (\d+)\.", line)
        if m:
            ports[m.group(1)] = int(m.group(2))
    for stream in (proc.stdout, proc.stderr):
        threading.Thread(target=lambda s=stream: [None for _ in s], daemon=True).start()
    return proc, ports["Chat"], ports["IRC"]


def main():
    if shutil.which("weechat-headless") is None:
        print("weechat-headless is missing: scripts/install-deps installs it")
        return 1
    chatd, line_port, irc_port = start_chatd()
    home = tempfile.mkdtemp(prefix="chat-weechat-")
    weechat = None
    try:
        bob = LineClient(line_port, "bob")
        bob.send("/join #room")
        bob.expect("> You are now in #room (1 user here)")
        # Logs written at once (flush_delay 0), so the test can read what
        # weechat shows; the FIFO takes commands from the test.
        weechat = subprocess.Popen(
            ["weechat-headless", "--dir", home, "-r",
             "/set logger.file.flush_delay 0; /set irc.server_default.nicks wee; "
             "/set irc.server_default.autojoin #room,#two; "
             f"/server add chat 127.0.0.1/{irc_port} -notls; /connect chat"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        bob.expect("> wee joined #room (2 users here)", timeout=30)
        fifo = wait_for(lambda: glob.glob(os.path.join(home, "weechat_fifo*")), what="weechat's FIFO")[0]

        def command(text):
            with open(fifo, "w") as f:
                f.write("*" + text + "\n")

        command("/msg -server chat #room hello from weechat")
        bob.expect("[wee] hello from weechat")
        bob.send("hi weechat")
        room_log = os.path.join(home, "logs", "irc.chat.#room.weechatlog")
        wait_for(lambda: os.path.exists(room_log) and "bob\thi weechat" in open(room_log).read(),
                 timeout=30, what="bob's line in weechat's #room")
        wait_for(lambda: os.path.exists(os.path.join(home, "logs", "irc.chat.#two.weechatlog")),
                 timeout=30, what="weechat in #two")
        bob.send("/msg wee psst")
        bob.expect("[You -> wee] psst")
        private_log = os.path.join(home, "logs", "irc.chat.bob.weechatlog")
        wait_for(lambda: os.path.exists(private_log) and "psst" in open(private_log).read(),
                 timeout=30, what="bob's private line in weechat")
        command("/quit")
        bob.expect("< The user wee left (1 user online)", timeout=30)
        weechat.wait(30)
        print("weechat: joined two channels, talked both ways, quit")
        return 0
    finally:
        if weechat is not None and weechat.poll() is None:
            weechat.kill()
            weechat.wait()
        chatd.send_signal(signal.SIGTERM)
        chatd.wait(20)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
