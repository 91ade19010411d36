"""gunicorn serving the app as deployed (``gunicorn -c gunicorn.conf.py app:app``) in a subprocess, for the
tests that need real worker processes: it listens on a socket bound here first, so requests sent while the
app is still starting wait in the socket's queue until a worker takes them."""
import json
import signal
import socket
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path

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


def command(*arguments: str) -> list[str]:
    return [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), *arguments, "app:app"]


@contextmanager
def served_by_gunicorn(folder: Path, arguments: tuple[str, ...], env: dict):
    """gunicorn with ``arguments`` and exactly the environment ``env``; its output goes to ``folder``."""
    listener = socket.create_server(("127.0.0.1", 0))
    env = {**env, "BIND": f"fd://{listener.fileno()}"}
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
