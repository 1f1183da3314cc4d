#!/usr/bin/env python3
"""Runs the shell blocks of README.md and docs/*.md against the built
binaries, so a command a doc shows that does not work as written fails the
build (issue 24, item 5). Python 3 standard library only.

The convention (README.md, "Docs that run"):
- every ```sh block is run, unless its fence says why not:
  ```sh no-run       (builds, installs, needs root, runs for minutes, or
                      stays in the foreground: read, not run)
  ```sh needs-redis  (run only when redis-server is installed)
- a block runs in bash as if typed line by line (a failing command does
  not stop the next; a command not found fails the block, and so does the
  block's last command failing), stdin /dev/null, in a fresh temporary
  directory where build/, build-serve/, scripts/, bench/
  and packaging/ lead to this checkout and its build; chatd, chat and flood
  are on PATH; ports 8888, 8443 and 6379 become free ports, and /tmp/ the
  temporary directory. What it starts in the background is killed when
  the block ends. Each block has 20 s.
- lines "# TEXT" right after a command are its expected output: each must
  appear in what the block printed (stdout and stderr), also when a
  process it started in the background prints it after the block's last
  line has run (awaited within the 20 s).
"""
import argparse
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

TIMEOUT_S = 20
FENCE = re.compile(r"^```sh(?P<markers>(?: [a-z-]+)*)\s*$")


def blocks(path):
    """Yields (line number, markers, lines) for each ```sh block of `path`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m is None:
            i += 1
            continue
        start = i + 1
        end = start
        while end < len(lines) and not lines[end].startswith("```"):
            end += 1
        yield start, m.group("markers").split(), lines[start:end]
        i = end + 1


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def expected_output(lines):
    """The "# TEXT" lines that follow a command (not a block's leading comments)."""
    out = []
    after_command = False
    for line in lines:
        if line.startswith("# ") and after_command:
            out.append(line[2:])
        else:
            after_command = bool(line.strip()) and not line.startswith("#")
    return out


def run_block(repo, build, body, expect):
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="chat-doc-"))
    try:
        for name in ("scripts", "bench", "packaging", "docs"):
            (tmp / name).symlink_to(repo / name)
        (tmp / "build").symlink_to(build)
        (tmp / "build-serve").symlink_to(build)
        ports = {"8888": str(free_port()), "8443": str(free_port()), "6379": str(free_port())}

        def subst(text):
            text = re.sub(r"\b(8888|8443|6379)\b", lambda m: ports[m.group(1)], text)
            return text.replace("/tmp/", str(tmp) + "/")

        script = subst("\n".join(body)) + "\n"
        env = dict(os.environ)
        env["PATH"] = os.pathsep.join(
            [str(build / "server"), str(build / "client"), str(build / "bench"), env.get("PATH", "")])
        env["NO_COLOR"] = "1"
        log_path = tmp / ".output"
        wanted = [subst(e) for e in expect]
        deadline = time.monotonic() + TIMEOUT_S
        with open(log_path, "wb") as log:
            # A file, not a pipe: what the block leaves in the background
            # keeps its output open, and must not keep us waiting for EOF.
            proc = subprocess.Popen(["bash", "-c", script], cwd=tmp, env=env, stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            try:
                code = proc.wait(timeout=TIMEOUT_S)
            except subprocess.TimeoutExpired:
                code = None
            text = ""
            missing = wanted
            while True:  # awaits lines that background processes print
                text = log_path.read_bytes().decode("utf-8", "replace")
                missing = [w for w in wanted if w not in text]
                if not missing or code is None or time.monotonic() >= deadline:
                    break
                time.sleep(0.05)
        finally:
            try:
                os.killpg(proc.pid, signal.SIGTERM)  # what the block left running
            except ProcessLookupError:
                pass
        if code is None:
            return f"did not finish within {TIMEOUT_S} s", text
        if "command not found" in text or "No such file or directory" in text:
            return "a command or file it names does not exist", text
        if code != 0:
            return f"its last command exited {code}", text
        if missing:
            return f"expected output missing: {missing[0]!r}", text
        return None, text
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", required=True, type=pathlib.Path)
    parser.add_argument("--build", required=True, type=pathlib.Path)
    parser.add_argument("files", nargs="*", help="markdown files (default: README.md and docs/*.md)")
    args = parser.parse_args()
    repo, build = args.repo.resolve(), args.build.resolve()
    files = [pathlib.Path(f).resolve() for f in args.files] or \
        [repo / "README.md"] + sorted((repo / "docs").glob("*.md"))
    have_redis = shutil.which("redis-server") is not None
    failures = ran = skipped = 0
    for path in files:
        for line, markers, body in blocks(path):
            where = f"{path.relative_to(repo)}:{line}"
            unknown = [m for m in markers if m not in ("no-run", "needs-redis")]
            if unknown:
                print(f"FAIL {where}: unknown marker {' '.join(unknown)} (no-run, needs-redis)")
                failures += 1
                continue
            if "no-run" in markers or ("needs-redis" in markers and not have_redis):
                skipped += 1
                continue
            ran += 1
            error, output = run_block(repo, build, body, expected_output(body))
            if error is None:
                print(f"ok   {where}")
                continue
            failures += 1
            print(f"FAIL {where}: {error}")
            for out_line in output.splitlines()[-20:]:
                print(f"     | {out_line}")
    print(f"{ran} blocks run, {skipped} not run (marked), {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
