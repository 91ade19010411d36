"""Serving through gunicorn with the project's gunicorn.conf.py: who answers an over-long URL.

Every server here is real: ``gunicorn -c gunicorn.conf.py app:app`` in a subprocess, in production
mode with SQLite in a temporary folder, listening on a socket this module binds first, so requests
sent while the app is still starting wait in the socket's queue until a worker takes them.
"""
import json
import secrets
import signal
import socket
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path

import pytest

from core.limits import REQUEST_LINE_MAX, REQUEST_LINE_OVERHEAD, URL_LENGTH_MAX

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")


@dataclass
class Answer:
    status: int
    content_type: str
    body: str

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class Server:
    port: int
    log_path: Path

    def request(self, method: str, target: str, body: str | None = None, headers: dict | None = None) -> Answer:
        connection = HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, target, body=body, headers=headers or {})
            response = connection.getresponse()
            return Answer(response.status, response.getheader("Content-Type", ""), response.read().decode())
        finally:
            connection.close()

    def log(self) -> str:
        return self.log_path.read_text()


def environment(folder: Path, settings: dict) -> dict:
    """Only what a server needs, so no setting of the shell running the tests leaks in."""
    return {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "INSTANCE_PATH": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'marketplace.db'}",
        **settings,
    }


def command(*arguments: str) -> list[str]:
    return [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), *arguments, "app:app"]


@contextmanager
def gunicorn(folder: Path, *arguments: str, **settings: str):
    listener = socket.create_server(("127.0.0.1", 0))
    env = {**environment(folder, settings), "BIND": f"fd://{listener.fileno()}"}
    log_path = folder / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command(*arguments), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   pass_fds=[listener.fileno()])
    try:
        yield Server(listener.getsockname()[1], log_path)
    finally:
        process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown: nothing is left to finish
        process.wait(timeout=60)
        listener.close()


def refused_start(folder: Path, *arguments: str, **settings: str) -> subprocess.CompletedProcess:
    env = {**environment(folder, settings), "BIND": "127.0.0.1:0"}
    return subprocess.run(command(*arguments), cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def default_server(tmp_path_factory):
    """Served as a fresh install is."""
    with gunicorn(tmp_path_factory.mktemp("default")) as server:
        yield server


# --- Over-long request lines ---------------------------------------------------------------------

def url(prefix: str, length: int) -> str:
    return prefix + "a" * (length - len(prefix))


LONGEST_LINE_URL = REQUEST_LINE_MAX - REQUEST_LINE_OVERHEAD


@pytest.mark.parametrize("length", [URL_LENGTH_MAX + 1, LONGEST_LINE_URL])
def test_an_overlong_url_under_the_api_is_the_414_envelope(default_server, length):
    answer = default_server.request("GET", url("/api/v1/servers/available?pool=", length))
    assert answer.status == 414
    assert answer.content_type == "application/json"
    assert answer.json == {"statusCode": 414, "message": f"The URL is longer than the limit of {URL_LENGTH_MAX} bytes",
                           "error": "Request URI Too Long"}


@pytest.mark.parametrize("length", [URL_LENGTH_MAX + 1, LONGEST_LINE_URL])
def test_an_overlong_url_elsewhere_is_a_414_page(default_server, length):
    answer = default_server.request("GET", url("/marketplace?q=", length))
    assert answer.status == 414
    assert answer.content_type.startswith("text/html")
    assert "<html" in answer.body
    assert f"longer than this site accepts ({URL_LENGTH_MAX} characters)" in answer.body


def test_a_url_at_the_limit_is_served(default_server):
    assert default_server.request("GET", url("/healthz?padding=", URL_LENGTH_MAX)).status == 200


def test_a_url_limit_gunicorn_would_cut_short_is_refused_at_start(tmp_path):
    result = refused_start(tmp_path, "--limit-request-line", "4000")
    assert result.returncode == 1
    assert f"Error: MAX_URL_LENGTH ({URL_LENGTH_MAX}) does not fit in gunicorn's limit_request_line (4000)" \
        in result.stderr
