"""irctest's controller for chatd: a fresh chatd for every test.

irctest (../shared/vendor/irctest.tar.gz, unpacked by scripts/test-irctest
into the build tree) calls run() before each test with the host and port
the IRC port must listen on, and kill() after it. chatd is the binary named
by $CHATD (scripts/test-irctest sets it).

What it starts:

    chatd --host HOST --port 0 --irc-port PORT --server-name My.Little.Server
          --rate-limit 0 --quiet

--port 0: the line port on a free port nobody uses, so tests never collide
on 8888. --rate-limit 0: irctest sends bursts no person types; ergo's and
ngircd's controllers likewise run without fake lag or penalties where the
server allows it. My.Little.Server: the name irctest's tests expect in
some replies (ngircd's and ergo's controllers use it too).

kill() stops only the process run() started, by its PID: SIGTERM, then
SIGKILL if it has not exited within 5 s.
"""

import os
import signal
import subprocess
from typing import Optional, Set, Type

from irctest import patma
from irctest.basecontrollers import BaseServerController, DirectoryBasedController
from irctest.runner import NotImplementedByController
from irctest.specifications import Capabilities, OptionalBehaviors

SERVER_NAME = "My.Little.Server"


def chatd_path() -> str:
    path = os.environ.get("CHATD")
    if not path:
        raise RuntimeError("set CHATD to the chatd binary (scripts/test-irctest does)")
    return path


class ChatdController(BaseServerController, DirectoryBasedController):
    software_name = "chatd"
    supported_sasl_mechanisms: Set[str] = {"PLAIN"}
    supports_sts = False

    # What the port is designed to offer (docs/IRC.md); irctest checks the
    # server keeps these promises instead of skipping the tests.
    capabilities = frozenset(
        (
            Capabilities.ECHO_MESSAGE,
            Capabilities.MESSAGE_TAGS,
            Capabilities.MULTI_PREFIX,
            Capabilities.SERVER_TIME,
        )
    )
    optional_behaviors = frozenset(
        (
            OptionalBehaviors.CAP_REQ_MINUS,
            OptionalBehaviors.MULTI_JOIN,
            OptionalBehaviors.MULTI_KICK,
            OptionalBehaviors.MULTI_NAMES_COMMAND,
            OptionalBehaviors.MULTI_PRIVMSG,
        )
    )
    # The RPL_ISUPPORT values server/irc/isupport.cpp writes.
    isupport = {
        "CASEMAPPING": "rfc8265",
        "CHANTYPES": "#",
        "NICKLEN": "32",
        "PREFIX": "(ov)@+",
        "TARGMAX": patma.ANYSTR,
        "UTF8ONLY": None,
    }

    def run(
        self,
        hostname: str,
        port: int,
        *,
        password: Optional[str],
        ssl: bool,
        run_services: bool,
        faketime: Optional[str],
        websocket_hostname: Optional[str],
        websocket_port: Optional[int],
    ) -> None:
        if websocket_hostname is not None or websocket_port is not None:
            raise NotImplementedByController("Websocket")
        if password is not None:
            raise NotImplementedByController("PASS: chatd has no server password")
        if run_services:
            raise NotImplementedByController("services: chatd has none")
        assert self.proc is None
        self.port = port
        self.hostname = hostname
        self.create_config()

        command = [chatd_path(), "--host", hostname, "--port", "0", "--rate-limit", "0",
                   "--server-name", SERVER_NAME, "--quiet"]
        if ssl:
            self.gen_ssl()
            command += ["--tls-cert", str(self.pem_path), "--tls-key", str(self.key_path),
                        "--tls-port", "0", "--irc-tls-port", str(port)]
            # The plain IRC port on a free port of its own, unused by the test.
            (_, plain_port) = self.get_hostname_and_port()
            command += ["--irc-port", str(plain_port)]
        else:
            command += ["--irc-port", str(port)]
        # irctest waits for the port itself (addClient).
        self.proc = self.execute(command)

    def kill_proc(self) -> None:
        # The base class signals the whole process group; chatd has no
        # children, and only the process started here is ours to stop.
        assert self.proc
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None


def get_irctest_controller_class() -> Type[ChatdController]:
    return ChatdController
