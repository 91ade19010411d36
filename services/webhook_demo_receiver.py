"""The demo's webhook receiver: a page of this very app that takes deliveries as any receiver would,
checks each signature with the ``standardwebhooks`` library, and keeps what arrived in
``instance/webhooks-received.jsonl`` for a page to list. On only with ``WEBHOOK_DEMO_RECEIVER=1``
(``scripts/demo`` sets it, with ``WEBHOOK_ALLOW_PRIVATE=1`` so that the app may send to itself).

A real receiver knows its secret; this one looks it up from the ``webhook-id`` (the message's id),
which only the sending app itself can do.
"""
import json
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from core.extensions import db
from core.timeutil import isoformat, utcnow
from models import WebhookEndpoint, WebhookMessage
from services import webhooks

PATH = "/demo/webhook-receiver"
DESCRIPTION = "Demo receiver"
KEPT = 200  # the newest deliveries listed
_lock = threading.Lock()


def is_on() -> bool:
    return bool(current_app.config.get("WEBHOOK_DEMO_RECEIVER"))


def _log() -> Path:
    return Path(current_app.instance_path) / "webhooks-received.jsonl"


@dataclass
class Received:
    received_at: str
    webhook_id: str
    type: str
    verified: bool
    problem: str | None
    body: str


def receive(headers: dict[str, str], body: bytes) -> Received:
    """Check one delivery's signature and keep it; returns what was kept."""
    headers = {name.lower(): value for name, value in headers.items()}
    text = body.decode("utf-8", "replace")
    message = db.session.get(WebhookMessage, headers.get("webhook-id") or "")
    endpoint = db.session.get(WebhookEndpoint, message.endpoint_id) if message else None
    verified, problem = False, None
    if endpoint is None:
        problem = "no message of this app has that webhook-id"
    else:
        try:
            Webhook(webhooks.secret_of(endpoint)).verify(text, headers)
            verified = True
        except WebhookVerificationError as error:
            problem = str(error)
    try:
        kind = json.loads(text).get("type", "?")
    except ValueError:
        kind = "?"
    item = Received(isoformat(utcnow()), headers.get("webhook-id", ""), kind, verified, problem, text[:20_000])
    with _lock, _log().open("a", encoding="utf-8") as log:
        log.write(json.dumps(item.__dict__) + "\n")
    return item


def received() -> list[Received]:
    """What arrived, newest first."""
    if not _log().exists():
        return []
    lines = _log().read_text(encoding="utf-8").splitlines()[-KEPT:]
    return [Received(**json.loads(line)) for line in reversed(lines) if line.strip()]


def ensure_endpoint(user, public_url: str) -> str:
    """The demo user's endpoint pointing at this receiver (its URL brought up to date); what was done."""
    url = public_url.rstrip("/") + PATH
    existing = db.session.scalar(db.select(WebhookEndpoint).where(
        WebhookEndpoint.user_id == user.id, WebhookEndpoint.pool_id.is_(None),
        WebhookEndpoint.description == DESCRIPTION))
    if existing is None:
        webhooks.create_endpoint(user, url, DESCRIPTION, ["*"])
        return "created"
    if existing.url != url:
        webhooks.update_endpoint(user, existing.id, {"url": url})
        return "moved"
    return "existing"
