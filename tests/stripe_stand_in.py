"""A local stand-in for Stripe: its HTTP API for checkout sessions, served from a thread of the test
process, with the real ``stripe`` library pointed at it (``STRIPE_API_BASE``); and webhook deliveries
signed with Stripe's own scheme, so the app verifies them for real.

A test module takes the fixture by importing it: ``from tests.stripe_stand_in import stripe_api  # noqa: F401``.
"""
import hashlib
import hmac
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest

SECRET_KEY = "sk_test_stand_in_0123456789"
WEBHOOK_SECRET = "whsec_stand_in_0123456789abcdef"
WEBHOOK_PATH = "/api/v1/wallet/payments/stripe/webhook"


def _nested(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's form encoding (``line_items[0][price_data][unit_amount]=5000``) back into a dict."""
    result: dict = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = result
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return result


class StripeStandIn:
    """What the stand-in received (``requests``) and the sessions it made (``sessions``, by id)."""

    def __init__(self):
        self.sessions: dict[str, dict] = {}
        self.requests: list[dict] = []
        self.refuse_next = False  # answer the next create as Stripe does an API error
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _handler(self):
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, body, content_type="application/json"):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _error(self, status: int, message: str, kind="invalid_request_error"):
                self._answer(status, {"error": {"type": kind, "message": message}})

            def do_GET(self):
                if self.path.startswith("/pay/"):  # where checkout_url leads: the stand-in's payment page
                    session_id = self.path.removeprefix("/pay/")
                    # No favicon to fetch: a browser asking for one as the test ends would find the
                    # stand-in closed (a connection reset in the console).
                    page = (f"<!doctype html><html lang='en'><title>Stand-in checkout</title>"
                            f"<link rel='icon' href='data:,'><main><h1>Pay {session_id}</h1></main></html>").encode()
                    return self._answer(200, page, "text/html")
                if not self._authorized():
                    return None
                session_id = self.path.removeprefix("/v1/checkout/sessions/")
                stand_in.requests.append({"method": "GET", "path": self.path, "headers": dict(self.headers)})
                session = stand_in.sessions.get(session_id)
                if session is None:
                    return self._error(404, f"No such checkout.session: '{session_id}'")
                return self._answer(200, session)

            def do_POST(self):
                if not self._authorized():
                    return None
                length = int(self.headers.get("Content-Length") or 0)
                params = _nested(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
                stand_in.requests.append({"method": "POST", "path": self.path, "headers": dict(self.headers),
                                          "params": params})
                if self.path != "/v1/checkout/sessions":
                    return self._error(404, f"Unrecognized request URL (POST: {self.path})")
                if stand_in.refuse_next:
                    stand_in.refuse_next = False
                    return self._error(400, "The stand-in refuses this checkout", "invalid_request_error")
                item = params["line_items"]["0"]
                amount = int(item["price_data"]["unit_amount"]) * int(item["quantity"])
                session_id = "cs_test_" + secrets.token_hex(12)
                session = {
                    "id": session_id, "object": "checkout.session", "mode": params["mode"],
                    "amount_total": amount, "currency": item["price_data"]["currency"],
                    "client_reference_id": params.get("client_reference_id"),
                    "metadata": params.get("metadata", {}), "payment_status": "unpaid", "status": "open",
                    "success_url": params["success_url"], "cancel_url": params["cancel_url"],
                    "url": f"{stand_in.base_url}/pay/{session_id}", "livemode": False,
                    "created": int(time.time()),
                }
                stand_in.sessions[session_id] = session
                return self._answer(200, session)

            def _authorized(self) -> bool:
                if self.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
                    self._error(401, "Invalid API Key provided")
                    return False
                return True

        return Handler


def signature_header(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """``Stripe-Signature`` as Stripe writes it: ``t=<ts>,v1=<HMAC-SHA256 of "<ts>.<payload>">``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event_payload(event_type: str, session: dict, **changes) -> bytes:
    """A webhook event (as Stripe sends it) about ``session``, with ``changes`` to the session."""
    return json.dumps({
        "id": "evt_" + secrets.token_hex(12), "object": "event", "api_version": "2025-01-27.acacia",
        "created": int(time.time()), "type": event_type, "livemode": False, "pending_webhooks": 1,
        "data": {"object": {**session, **changes}},
    }).encode()


def paid(session: dict) -> bytes:
    return event_payload("checkout.session.completed", session, payment_status="paid", status="complete")


def deliver(client, payload: bytes, header: str | None = None):
    """POST ``payload`` to the webhook as Stripe does, signed unless ``header`` says otherwise."""
    return client.post(WEBHOOK_PATH, data=payload, headers={
        "Content-Type": "application/json; charset=utf-8",
        "Stripe-Signature": signature_header(payload) if header is None else header})


@pytest.fixture
def stripe_api(app):
    """The stand-in running, and the app's card payments on and pointed at it."""
    stand_in = StripeStandIn()
    stand_in.start()
    app.config.update(STRIPE_SECRET_KEY=SECRET_KEY, STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
                      STRIPE_API_BASE=stand_in.base_url, STRIPE_MIN_USD="5.00", STRIPE_MAX_USD="1000.00")
    yield stand_in
    stand_in.stop()
