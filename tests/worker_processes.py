"""``flask jobs worker`` processes for the tests: started with given settings, stopped at the end
(the ``workers`` fixture); the Redis database their queue is on (``jobs_redis_url``: ``TEST_JOBS_REDIS_URL``,
default ``redis://127.0.0.1:6379/2``, emptied before and after); and waiting on what they do, which
shows only in the database. A test module takes the fixtures by importing them.
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from redis import Redis

from core.extensions import db

ROOT = Path(__file__).resolve().parents[1]
WAIT_SECONDS = 120  # a worker process takes a few seconds to start on a busy machine


@pytest.fixture
def jobs_redis_url():
    url = os.environ.get("TEST_JOBS_REDIS_URL") or "redis://127.0.0.1:6379/2"
    with Redis.from_url(url) as redis:
        redis.flushdb()
        yield url
        redis.flushdb()


class Workers:
    """``flask jobs worker`` processes started with the given settings, stopped at the end."""

    def __init__(self, tmp_path: Path, settings: dict, app_path: str = "app"):
        self.tmp_path = tmp_path
        self.app_path = app_path
        self.environment = {
            **{name: value for name, value in os.environ.items()
               if not name.startswith(("REDIS_URL", "DATABASE_URL", "JOBS_", "TEST_"))},
            "APP_ENV": "testing", "AUTO_MIGRATE": "0", "INSTANCE_PATH": str(tmp_path / "instance"),
            "HEARTBEAT_SECONDS": "1", "PYTHONUNBUFFERED": "1", **settings,
        }
        self.processes: list[subprocess.Popen] = []

    def start(self, threads: int = 2) -> subprocess.Popen:
        log = open(self.tmp_path / f"worker-{len(self.processes)}.log", "w")
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", self.app_path, "jobs", "worker", "--workers", str(threads)],
            cwd=ROOT, env=self.environment, stdout=log, stderr=subprocess.STDOUT)
        process.log_path = log.name
        self.processes.append(process)
        return process

    def log(self, process) -> str:
        return Path(process.log_path).read_text()

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)  # finish the jobs in hand, then exit
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def workers(tmp_path):
    started = []

    def make(settings: dict, app_path: str = "app") -> Workers:
        group = Workers(tmp_path, settings, app_path)
        started.append(group)
        return group

    yield make
    for group in started:
        group.stop()


def wait_for(condition, what: str, workers: Workers | None = None):
    """Poll ``condition`` (the workers' progress shows only in the database) until it holds."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    logs = "\n".join(workers.log(process) for process in workers.processes) if workers else ""
    raise AssertionError(f"timed out waiting for {what}\n{logs}")


def count(app, statement) -> int:
    with app.app_context():
        value = db.session.scalar(statement)
        db.session.remove()
    return value
