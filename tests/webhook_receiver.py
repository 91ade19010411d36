"""A real webhook receiver on localhost, in a thread of the test process: it checks each delivery's
signature with the ``standardwebhooks`` library, answers as the test tells it (fail a few times, hang,
redirect, send a huge body), and records what arrived, in order, duplicates included."""
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    webhook_id: str
    timestamp: str
    signature: str
    body: str
    verified: bool
    path: str

    @property
    def payload(self) -> dict:
        return json.loads(self.body)

    @property
    def type(self) -> str:
        return self.payload["type"]


@dataclass
class Behaviour:
    """What the receiver answers: ``fail_first`` requests get 500; then ``status`` (with ``location``
    for a redirect) and ``body_bytes`` of body; ``hang`` holds the first requests that many times
    until ``release`` (or the receiver stops)."""

    fail_first: int = 0
    status: int = 200
    location: str | None = None
    body_bytes: int = 2
    hang: int = 0


class Receiver:
    def __init__(self, secret: str | None = None):
        self.secret = secret
        self.behaviour = Behaviour()
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.arrived = threading.Condition(self.lock)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
                headers = {name.lower(): value for name, value in self.headers.items()}
                verified = False
                if receiver.secret:
                    try:
                        Webhook(receiver.secret).verify(body, headers)
                        verified = True
                    except WebhookVerificationError:
                        verified = False
                with receiver.lock:
                    receiver.received.append(Received(headers.get("webhook-id", ""),
                                                      headers.get("webhook-timestamp", ""),
                                                      headers.get("webhook-signature", ""), body, verified,
                                                      self.path))
                    number = len(receiver.received)
                    behaviour = receiver.behaviour
                    receiver.arrived.notify_all()
                if number <= behaviour.hang:
                    receiver.release.wait(120)
                    return
                if number <= behaviour.fail_first:
                    self._answer(500, b"down")
                    return
                self._answer(behaviour.status, b"x" * behaviour.body_bytes, behaviour.location)

            def _answer(self, status: int, body: bytes, location: str | None = None):
                try:
                    self.send_response(status)
                    if location:
                        self.send_header("Location", location)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    chunk = 1024 * 1024
                    for start in range(0, len(body), chunk):
                        self.wfile.write(body[start:start + chunk])
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender stopped reading, as it should past its limit

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def wait_for(self, count: int, timeout: float = 60) -> None:
        with self.lock:
            if not self.arrived.wait_for(lambda: len(self.received) >= count, timeout):
                raise AssertionError(f"{len(self.received)} of {count} deliveries arrived")

    def types(self) -> list[str]:
        with self.lock:
            return [item.type for item in self.received]

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Receivers:
    started: list[Receiver] = field(default_factory=list)

    def __call__(self, secret: str | None = None) -> Receiver:
        receiver = Receiver(secret)
        self.started.append(receiver)
        return receiver

    def stop(self) -> None:
        for receiver in self.started:
            receiver.stop()
