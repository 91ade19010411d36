"""Serving through gunicorn with the project's gunicorn.conf.py: processes and threads, where the
rate-limit counts live, what a start that would split them is told, and who answers an over-long URL.

Every server here is real: ``gunicorn -c gunicorn.conf.py app:app`` in a subprocess, in production
mode with SQLite in a temporary folder, listening on a socket this module binds first, so requests
sent while the app is still starting wait in the socket's queue until a worker takes them.
"""
import json
import re
import secrets
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from core.limits import REQUEST_LINE_MAX, REQUEST_LINE_OVERHEAD, URL_LENGTH_MAX
from tests.gunicorn_server import ROOT, Server, command, served_by_gunicorn

LOGIN = "/api/v1/users/auth/login"
ATTEMPTS = 45
# Low limits, so that few attempts pay for a real password hash; 45 attempts still overrun them.
PER_USERNAME = 3
PER_ADDRESS = 6


def bad_login(server: Server, username: str, address: str) -> int:
    """A wrong password for ``username``, sent by the client at ``address`` (through the proxy)."""
    body = json.dumps({"username": username, "password": "wrong-password"})
    headers = {"Content-Type": "application/json", "X-Forwarded-For": address}
    return server.request("POST", LOGIN, body, headers).status


def environment(folder: Path, settings: dict) -> dict:
    """Only what a server needs, so no setting of the shell running the tests leaks in."""
    return {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "INSTANCE_PATH": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'marketplace.db'}",
        "PROXY_FIX": "1",  # so each test names the client address it sends from
        "RATELIMIT_LOGIN_PER_USERNAME": f"{PER_USERNAME} per minute",
        "RATELIMIT_LOGIN_PER_IP": f"{PER_ADDRESS} per minute",
        **settings,
    }


@contextmanager
def gunicorn(folder: Path, *arguments: str, **settings: str):
    with served_by_gunicorn(folder, arguments, environment(folder, settings)) as server:
        yield server


def refused_start(folder: Path, *arguments: str, **settings: str) -> subprocess.CompletedProcess:
    env = {**environment(folder, settings), "BIND": "127.0.0.1:0"}
    return subprocess.run(command(*arguments), cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def all_at_once(send, arguments: list) -> Counter:
    """The statuses of ``send(argument)`` for every argument, sent from several threads together."""
    with ThreadPoolExecutor(max_workers=9) as pool:
        return Counter(pool.map(send, arguments))


def one_username_from_many_addresses(server: Server, username: str) -> Counter:
    return all_at_once(lambda n: bad_login(server, username, f"198.51.100.{n}"), list(range(ATTEMPTS)))


def many_usernames_from_one_address(server: Server, address: str) -> Counter:
    return all_at_once(lambda n: bad_login(server, f"guess{n}", address), list(range(ATTEMPTS)))


@pytest.fixture(scope="module")
def default_server(tmp_path_factory):
    """Served as a fresh install is: no shared store, no worker or thread settings."""
    with gunicorn(tmp_path_factory.mktemp("default")) as server:
        yield server


# --- One count for all workers -------------------------------------------------------------------

def test_by_default_one_process_serves_with_threads(default_server):
    assert default_server.request("GET", "/healthz").status == 200
    assert re.search(r"Serving with 1 gthread worker process with \d+ threads; "
                     r"rate-limit counts in the memory of the one worker process", default_server.log())


def test_by_default_every_login_for_a_username_is_counted_once(default_server):
    assert one_username_from_many_addresses(default_server, "alice") == {401: PER_USERNAME,
                                                                         429: ATTEMPTS - PER_USERNAME}


def test_by_default_every_login_from_an_address_is_counted_once(default_server):
    assert many_usernames_from_one_address(default_server, "203.0.113.7") == {401: PER_ADDRESS,
                                                                              429: ATTEMPTS - PER_ADDRESS}


def test_with_redis_several_worker_processes_share_one_count(tmp_path, redis_url):
    with gunicorn(tmp_path, REDIS_URL=redis_url, WEB_CONCURRENCY="2") as server:
        by_username = one_username_from_many_addresses(server, "alice")
        by_address = many_usernames_from_one_address(server, "203.0.113.7")
    assert f"Serving with 2 sync worker processes; rate-limit counts shared in {redis_url}" in server.log()
    assert by_username == {401: PER_USERNAME, 429: ATTEMPTS - PER_USERNAME}
    assert by_address == {401: PER_ADDRESS, 429: ATTEMPTS - PER_ADDRESS}


@pytest.mark.parametrize("arguments, settings", [
    ([], {"WEB_CONCURRENCY": "4"}),
    (["-w", "4"], {}),
    (["--workers", "4", "--threads", "2"], {"RATELIMIT_STORAGE_URI": "memory://"}),
])
def test_several_processes_counting_alone_are_refused_at_start(tmp_path, arguments, settings):
    result = refused_start(tmp_path, *arguments, **settings)
    assert result.returncode == 1
    assert ("Error: 4 worker processes would each keep their own rate-limit counts (memory://), so every "
            "login limit would let through 4 times as many attempts.") in result.stderr
    assert "REDIS_URL" in result.stderr and "RATELIMIT_PER_PROCESS=1" in result.stderr
    assert "Booting worker" not in result.stderr


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
                           "error": "Request URI Too Long", "code": "URI_TOO_LONG"}


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
