"""The development mail sink: ``flask mail sink`` keeps every message it receives in MAIL_SINK_DIR
instead of sending it on, and administrators read them on ``/admin/mail``. It runs here as a person
runs it, as a command in a process of its own."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.web_helpers import log_in, text

ROOT = Path(__file__).resolve().parents[1]
START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def sink(app, tmp_path):
    """``flask mail sink`` on a free port, keeping mail in a temporary folder; the app sends to it."""
    port = free_port()
    directory = tmp_path / "mail"
    environment = {**os.environ, "INSTANCE_PATH": str(tmp_path / "instance"), "MAIL_SINK_DIR": str(directory),
                   "APP_ENV": "testing"}
    environment.pop("DATABASE_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "mail", "sink", "--port", str(port)],
                               cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_SECONDS
    while not listening(port):
        assert process.poll() is None, process.stdout.read().decode()
        assert time.monotonic() < deadline, "the sink did not start"
        time.sleep(0.2)
    app.config.update(SMTP_URL=f"smtp://127.0.0.1:{port}", MAIL_SINK_DIR=str(directory), PUBLIC_URL="http://localhost")
    yield directory
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0


def test_the_sink_keeps_what_would_have_been_sent_and_administrators_read_it(app, api, client, make_user, sink):
    alice = make_user("alice")
    make_user("root", is_admin=True)
    assert api.patch("/users/me", as_=alice, json={"email": "alice@example.com"}).status_code == 200
    result = app.test_cli_runner().invoke(args=["jobs", "tick"])
    assert "send_email: sent" in result.output, result.output

    [kept] = list(sink.glob("*.eml"))
    assert b"Subject: Verify your email address" in kept.read_bytes()
    log_in(client, "alice")
    assert client.get("/admin/mail").status_code == 403
    administrator = app.test_client()
    log_in(administrator, "root")
    page = text(administrator.get("/admin/mail"))
    assert "Verify your email address" in page and "alice@example.com" in page and "/verify-email?token=" in page
