"""``scripts/demo`` serves the app with a job worker beside it, and leaves nothing running when it
stops: Ctrl-C in its terminal, or its web server going away, ends the worker too.

The script runs in a pseudo-terminal of its own, as in a person's terminal, on a free port, with its
instance folder (the demo database) in a temporary folder.
"""
import json
import os
import pty
import select
import signal
import socket
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import pytest

from core.timeutil import isoformat

ROOT = Path(__file__).resolve().parents[1]
WAIT_SECONDS = 240  # setting up, seeding the demo and starting two apps, on a busy machine


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_of(pid: int) -> list[int]:
    """Every process below ``pid``, from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        for child, its_parent in parents.items():
            if its_parent == parent:
                found.append(child)
                frontier.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    return state != "Z"


class Demo:
    def __init__(self, instance: Path):
        self.port = free_port()
        self.started_at = isoformat(datetime.now(timezone.utc))
        environment = {**{name: value for name, value in os.environ.items()
                          if not name.startswith(("REDIS_URL", "DATABASE_URL", "JOBS_", "TEST_"))},
                       "INSTANCE_PATH": str(instance), "APP_ENV": "development", "LOG_LEVEL": "WARNING"}
        self.pid, self.terminal = pty.fork()
        if self.pid == 0:  # the child: the script, in the terminal
            # As from a person's shell: whatever this test process ignores or blocks (a library may),
            # the script must receive Ctrl-C, since a shell cannot trap a signal ignored on entry.
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT):
                signal.signal(number, signal.SIG_DFL)
            os.chdir(ROOT)
            os.execvpe("scripts/demo", ["scripts/demo", "--port", str(self.port)], environment)
        self.output = b""

    def read(self, seconds: float) -> None:
        ready, _, _ = select.select([self.terminal], [], [], seconds)
        if ready:
            try:
                self.output += os.read(self.terminal, 65536)
            except OSError:
                pass

    def health(self) -> dict | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as response:
                return json.load(response)
        except OSError:
            return None

    def wait_until_serving_with_a_worker(self) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            health = self.health() or {}
            # ok: the database, and the heartbeat of this demo's worker (not an earlier demo's)
            if health.get("status") == "ok" and health["worker"]["last_heartbeat"] >= self.started_at:
                return
            self.read(0.5)
        raise AssertionError(f"the demo did not come up with a worker:\n{self.output.decode(errors='replace')}")

    def wait_for_exit(self) -> int:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            self.read(0.2)
            finished, status = os.waitpid(self.pid, os.WNOHANG)
            if finished:
                return status
        raise AssertionError(f"the demo did not stop:\n{self.output.decode(errors='replace')}")


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    return tmp_path_factory.mktemp("demo") / "instance"  # seeded by the first demo, reused by the second


def test_ctrl_c_stops_the_server_and_the_worker(instance):
    demo = Demo(instance)
    demo.wait_until_serving_with_a_worker()
    started = children_of(demo.pid)
    assert len(started) >= 2  # the web server and the worker

    os.write(demo.terminal, b"\x03")  # Ctrl-C
    demo.wait_for_exit()

    assert [pid for pid in started if alive(pid)] == []
    assert demo.health() is None


def test_when_the_server_stops_the_worker_stops_with_it(instance):
    demo = Demo(instance)
    demo.wait_until_serving_with_a_worker()
    started = children_of(demo.pid)
    server = next(pid for pid in started
                  if b"run" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0"))

    os.kill(server, signal.SIGTERM)
    demo.wait_for_exit()

    assert [pid for pid in started if alive(pid)] == []
