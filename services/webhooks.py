"""Webhooks: endpoints that receive signed events, and their delivery.

An endpoint belongs to a user (the events of their own rentals and wallet: events whose ``user_id``
is theirs) or to a pool (events whose ``pool_id`` is the pool; its owner and admins manage it). The
outbox's consumer ``write_webhook_messages`` writes, in the dispatcher's transaction, one message per
event and subscribed endpoint with the body it will carry, and queues ``deliver_webhooks`` for the
endpoint when that commits.

Delivery follows the Standard Webhooks spec: a POST of ``{"id", "type", "created_at", "data"}`` with
``webhook-id`` (the message's id, the same on every attempt), ``webhook-timestamp`` and
``webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`` keyed with the secret's
decoded bytes. A 2xx within ``WEBHOOK_TIMEOUT_SECONDS`` is success; anything else is retried after
each wait of ``WEBHOOK_RETRY_SCHEDULE``. A job leases the whole endpoint and sends its messages
oldest first, so a failing message holds the endpoint's later ones (order per endpoint) while the
jobs of other endpoints go on. Each attempt is written before the request goes out, so a worker
killed mid-send leaves the message pending: when its lease runs out the periodic check queues the
endpoint again and the message is sent again, under the same id (at least once). A message whose
retries run out disables its endpoint, and the endpoint's owner is told (``webhook.disabled``).
"""
import base64
import functools
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from cryptography.fernet import Fernet
from flask import current_app
from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from standardwebhooks.webhooks import Webhook

from core import jobs
from core.bulk import insert_missing
from core.extensions import db
from core.ids import new_id
from core.limits import ROLE_ADMIN, ROLE_OWNER, WEBHOOKS_PER_OWNER
from core.timeutil import isoformat, utcnow
from models import Event, Membership, Pool, Rental, Server, Transaction, User, WebhookAttempt, WebhookEndpoint, WebhookMessage
from models.webhook import MESSAGE_DELIVERED, MESSAGE_FAILED, MESSAGE_PENDING
from services import events, inputs, pools, webhook_http
from services.atomic import write_transaction
from services.errors import BadRequest, Conflict, Forbidden, NotFound
from services.inputs import Maybe
from services.paging import Page, paginate
from services.webhook_events import ALL, PING, WEBHOOK_DISABLED, WEBHOOK_EVENT_TYPES

ENDPOINT_NOT_FOUND = "Webhook endpoint not found"
DELIVERY_NOT_FOUND = "Delivery not found"
SECRET_PREFIX = "whsec_"
# Messages sent by one job before it hands the endpoint over to a fresh one (fairness between endpoints
# when many wait; the next job carries on at once).
JOB_MESSAGES_MAX = 200


# --- Secrets ----------------------------------------------------------------------------------------

def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_secret_key()))


def _secret_key(secret_key: str | None = None) -> bytes:
    return hashlib.sha256(b"webhook-secret:" + (secret_key or current_app.config["SECRET_KEY"]).encode("utf-8")).digest()


def _new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


def secret_of(endpoint: WebhookEndpoint) -> str:
    return _decrypted(current_app.config["SECRET_KEY"], endpoint.secret_encrypted)


# --- Who manages which endpoint ---------------------------------------------------------------------

def _managed_pool_ids(user: User):
    """The pools whose webhooks ``user`` manages (as ``pools.manages_webhooks`` says: owner and admins)."""
    return select(Membership.pool_id).where(Membership.user_id == user.id, Membership.is_authorized.is_(True),
                                            Membership.role.in_((ROLE_OWNER, ROLE_ADMIN)))


def _check_pool(user: User, pool_id: str) -> Pool:
    """The pool, if ``user`` may manage its webhooks: 404 when they have not joined it, 403 when they
    have but are not its owner or an admin."""
    pool = pools.joined_pool(user, pool_id)
    if not pools.manages_webhooks(pools.role_in_pool(user, pool_id)):
        raise Forbidden("Only the pool's owner and admins manage its webhooks")
    return pool


def _endpoint(user: User, endpoint_id: str, for_update: bool = False) -> WebhookEndpoint:
    statement = select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id)
    if for_update:
        statement = statement.with_for_update()
    endpoint = db.session.scalar(statement)
    if endpoint is None:
        raise NotFound(ENDPOINT_NOT_FOUND)
    if endpoint.pool_id is None:
        if endpoint.user_id != user.id:
            raise NotFound(ENDPOINT_NOT_FOUND)
    elif pools.role_in_pool(user, endpoint.pool_id) is None:
        raise NotFound(ENDPOINT_NOT_FOUND)
    else:
        _check_pool(user, endpoint.pool_id)
    return endpoint


def _checked_url(url: str) -> str:
    try:
        webhook_http.check(url)
    except webhook_http.UnsafeUrl as refusal:
        raise BadRequest.for_field("url", str(refusal)) from None
    return url


# --- Managing endpoints -----------------------------------------------------------------------------

def list_endpoints(user: User, pool_id: str | None = None) -> list[WebhookEndpoint]:
    """The caller's own endpoints and those of the pools they manage, oldest first; with ``pool_id``,
    that pool's only."""
    if pool_id is not None:
        (pool_id,) = inputs.checked(pool_id=(inputs.ObjectId, pool_id))
        _check_pool(user, pool_id)
        condition = WebhookEndpoint.pool_id == pool_id
    else:
        condition = or_(and_(WebhookEndpoint.pool_id.is_(None), WebhookEndpoint.user_id == user.id),
                        WebhookEndpoint.pool_id.in_(_managed_pool_ids(user)))
    return list(db.session.scalars(
        select(WebhookEndpoint).where(condition).order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)))


def get_endpoint(user: User, endpoint_id: str) -> WebhookEndpoint:
    return _endpoint(user, endpoint_id)


def create_endpoint(user: User, url: str, description: str | None = None, event_types: list[str] | None = None,
                    pool_id: str | None = None) -> tuple[WebhookEndpoint, str]:
    """A new endpoint, enabled, and its secret (shown this once)."""
    url, description, event_types, pool_id = inputs.checked(
        url=(inputs.WebhookUrl, url), description=(Maybe(inputs.WebhookDescription), description),
        events=(inputs.WebhookEvents, event_types), pool_id=(Maybe(inputs.ObjectId), pool_id))
    with write_transaction():
        if pool_id is not None:
            # One answer whether the pool is not theirs or not theirs to manage: a create says nothing of
            # pools the caller cannot see.
            if not pools.manages_webhooks(pools.role_in_pool(user, pool_id)):
                raise Forbidden("Only a pool's owner and admins add webhooks to it")
            owned = WebhookEndpoint.pool_id == pool_id
        else:
            owned = and_(WebhookEndpoint.pool_id.is_(None), WebhookEndpoint.user_id == user.id)
        if db.session.scalar(select(func.count()).select_from(WebhookEndpoint).where(owned)) >= WEBHOOKS_PER_OWNER:
            raise Conflict(f"That is one webhook endpoint too many: at most {WEBHOOKS_PER_OWNER} per "
                           f"{'pool' if pool_id else 'user'}; remove one first")
        _checked_url(url)
        secret = _new_secret()
        now = utcnow()
        endpoint = WebhookEndpoint(id=new_id(), user_id=user.id, pool_id=pool_id, url=url,
                                   description=description or "", events=event_types, enabled=True,
                                   secret_encrypted=_fernet().encrypt(secret.encode("ascii")).decode("ascii"),
                                   created_at=now, updated_at=now)
        db.session.add(endpoint)
    return endpoint, secret


def update_endpoint(user: User, endpoint_id: str, changes: dict) -> WebhookEndpoint:
    """Change ``url``, ``description``, ``events`` and/or ``enabled``; only the keys given change.
    Turning an endpoint on again sends what waited meanwhile."""
    url, description, event_types, enabled = inputs.checked(
        url=(Maybe(inputs.WebhookUrl), changes.get("url")),
        description=(Maybe(inputs.WebhookDescription), changes.get("description")),
        events=(Maybe(inputs.WebhookEvents), changes.get("events")),
        enabled=(Maybe(inputs.Flag), changes.get("enabled")))
    with write_transaction():
        endpoint = _endpoint(user, endpoint_id, for_update=True)
        if url is not None:
            endpoint.url = _checked_url(url)
        if "description" in changes:
            endpoint.description = description or ""
        if event_types is not None:
            endpoint.events = event_types
        if enabled is not None and enabled != endpoint.enabled:
            endpoint.enabled = enabled
            endpoint.disabled_reason = None if enabled else "Turned off by hand"
            if enabled:
                jobs.enqueue_after_commit(deliver_webhooks, endpoint.id)
        endpoint.updated_at = utcnow()
    return endpoint


def delete_endpoint(user: User, endpoint_id: str) -> None:
    with write_transaction():
        db.session.delete(_endpoint(user, endpoint_id, for_update=True))


def send_test(user: User, endpoint_id: str) -> WebhookMessage:
    """A ``ping`` sent now (even to a disabled endpoint, to see that it works again); it is not held
    behind a message waiting for its retry, and is tried once."""
    with write_transaction():
        endpoint = _endpoint(user, endpoint_id)
        now = utcnow()
        message_id = new_id()
        body = _body(message_id, PING, now, {"endpoint_id": endpoint.id, "message": "A test from the Webhooks page"})
        message = WebhookMessage(id=message_id, key=f"ping:{message_id}", endpoint_id=endpoint.id,
                                 event_id=message_id, event_type=PING, body=body, status=MESSAGE_PENDING, attempts=0,
                                 next_attempt_at=now, created_at=now)
        db.session.add(message)
        jobs.enqueue_after_commit(deliver_webhooks, endpoint.id)
    return message


def redeliver(user: User, endpoint_id: str, delivery_id: str) -> WebhookMessage:
    """The message of attempt ``delivery_id`` written again, as a new message (a new ``webhook-id``: a
    receiver that drops repeats takes it) at the end of the endpoint's queue."""
    with write_transaction():
        endpoint = _endpoint(user, endpoint_id)
        original = db.session.scalar(
            select(WebhookMessage).join(WebhookAttempt, WebhookAttempt.message_id == WebhookMessage.id)
            .where(WebhookAttempt.id == delivery_id, WebhookAttempt.endpoint_id == endpoint.id))
        if original is None:
            raise NotFound(DELIVERY_NOT_FOUND)
        now = utcnow()
        message_id = new_id()
        message = WebhookMessage(id=message_id, key=f"again:{message_id}", endpoint_id=endpoint.id,
                                 event_id=original.event_id, event_type=original.event_type, body=original.body,
                                 status=MESSAGE_PENDING, attempts=0, next_attempt_at=now, created_at=now)
        db.session.add(message)
        jobs.enqueue_after_commit(deliver_webhooks, endpoint.id)
    return message


@dataclass
class Delivery:
    attempt: WebhookAttempt
    event_id: str | None
    event_type: str


def deliveries(user: User, endpoint_id: str, page: Page) -> tuple[list[Delivery], int]:
    """The endpoint's attempts, newest first."""
    endpoint = _endpoint(user, endpoint_id)
    statement = (
        select(WebhookAttempt, WebhookMessage.event_id, WebhookMessage.event_type)
        .join(WebhookMessage, WebhookMessage.id == WebhookAttempt.message_id)
        .where(WebhookAttempt.endpoint_id == endpoint.id)
        .order_by(WebhookAttempt.created_at.desc(), WebhookAttempt.id.desc())
    )
    rows, total = paginate(statement, page)
    return [Delivery(attempt, event_id, event_type) for attempt, event_id, event_type in rows], total


# --- Writing messages (the outbox's consumer) ---------------------------------------------------------

def _body(event_id: str, event_type: str, created_at: datetime, data: dict) -> str:
    return json.dumps({"id": event_id, "type": event_type, "created_at": isoformat(created_at), "data": data},
                      separators=(",", ":"), default=str)


def payload_data(event: Event, now: datetime) -> dict:
    """What a webhook says of ``event``: its subject as the API shows it (``rental``, ``pool`` or
    ``transaction``), beside the event's own data."""
    from views.api import serializers

    data = dict(event.data or {})
    if event.subject_type == "rental" and event.subject_id:
        row = db.session.execute(select(Rental, Server).join(Server, Server.id == Rental.server_id)
                                 .where(Rental.id == event.subject_id)).first()
        if row is not None:
            data["rental"] = serializers.rental_summary(row.Rental, row.Server, now)
    elif event.subject_type == "transaction" and event.subject_id:
        transaction = db.session.get(Transaction, event.subject_id)
        if transaction is not None:
            data["transaction"] = serializers.wallet_transaction(transaction)
    if event.pool_id and event.subject_type in ("pool", "membership", "invitation"):
        pool = db.session.get(Pool, event.pool_id)
        if pool is not None:
            data["pool"] = serializers.pool_fields(pool)
    return data


def _subscribes(endpoint: WebhookEndpoint, event_type: str) -> bool:
    return ALL in endpoint.events or event_type in endpoint.events


@events.consumer
def write_webhook_messages(batch) -> int:
    """One message per event and enabled endpoint that subscribes to it."""
    wanted = [event for event in batch if event.type in WEBHOOK_EVENT_TYPES and event.type != PING]
    if not wanted:
        return 0
    user_ids = {event.user_id for event in wanted}
    pool_ids = {event.pool_id for event in wanted if event.pool_id}
    endpoints = list(db.session.scalars(
        select(WebhookEndpoint).where(WebhookEndpoint.enabled.is_(True), or_(
            and_(WebhookEndpoint.pool_id.is_(None), WebhookEndpoint.user_id.in_(user_ids)),
            WebhookEndpoint.pool_id.in_(pool_ids)))))
    if not endpoints:
        return 0
    now = utcnow()
    rows = []
    for event in wanted:
        matching = [endpoint for endpoint in endpoints if _subscribes(endpoint, event.type) and (
            (endpoint.pool_id is None and endpoint.user_id == event.user_id)
            or (endpoint.pool_id is not None and endpoint.pool_id == event.pool_id))]
        if not matching:
            continue
        body = _body(event.id, event.type, event.created_at, payload_data(event, now))
        for endpoint in matching:
            rows.append({"id": new_id(), "key": f"{event.id}:{endpoint.id}", "endpoint_id": endpoint.id,
                         "event_id": event.id, "event_type": event.type, "body": body, "status": MESSAGE_PENDING,
                         # In the order of the events: an endpoint's messages are sent oldest first.
                         "attempts": 0, "next_attempt_at": now, "created_at": event.created_at,
                         "delivered_at": None})
    made = insert_missing(WebhookMessage, rows, ["key"])
    for endpoint_id in dict.fromkeys(row["endpoint_id"] for row in rows):
        jobs.enqueue_after_commit(deliver_webhooks, endpoint_id)
    return made


# --- Delivering ---------------------------------------------------------------------------------------

def retry_schedule() -> tuple[int, ...]:
    return tuple(current_app.config["WEBHOOK_RETRY_SCHEDULE"])


def _lease_length() -> timedelta:
    # Longer than one attempt can take (connecting and answering each within the timeout).
    return timedelta(seconds=2 * current_app.config["WEBHOOK_TIMEOUT_SECONDS"] + 30)


def _take_lease(endpoint_id: str) -> bool:
    now = utcnow()
    taken = db.session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id,
               or_(WebhookEndpoint.lease_until.is_(None), WebhookEndpoint.lease_until < now))
        .values(lease_until=now + _lease_length()),
        execution_options={"synchronize_session": False},
    ).rowcount
    if taken:
        # Attempts left unfinished belonged to a worker that stopped mid-send (its lease ran out).
        db.session.execute(
            update(WebhookAttempt)
            .where(WebhookAttempt.endpoint_id == endpoint_id, WebhookAttempt.duration_ms.is_(None),
                   WebhookAttempt.error.is_(None))
            .values(error="the worker stopped during this attempt; it is sent again"),
            execution_options={"synchronize_session": False})
    db.session.commit()
    return bool(taken)


def _release_lease(endpoint_id: str) -> None:
    db.session.execute(update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id).values(lease_until=None),
                       execution_options={"synchronize_session": False})
    db.session.commit()


@dataclass
class _Outgoing:
    """A message in hand, as plain values: a commit in between reloads nothing."""

    id: str
    event_type: str
    body: str
    attempts: int  # before this attempt


# The statements of the delivery loop, built once: each message costs a handful of them, and building
# them anew each time cost more than running them.
_PENDING_COLUMNS = (WebhookMessage.id, WebhookMessage.event_type, WebhookMessage.body, WebhookMessage.attempts,
                    WebhookMessage.next_attempt_at)
_PENDING = (select(*_PENDING_COLUMNS)
            .where(WebhookMessage.endpoint_id == bindparam("endpoint"), WebhookMessage.status == MESSAGE_PENDING)
            .order_by(WebhookMessage.created_at, WebhookMessage.id).limit(1))
_PENDING_PING = (select(*_PENDING_COLUMNS)
                 .where(WebhookMessage.endpoint_id == bindparam("endpoint"), WebhookMessage.status == MESSAGE_PENDING,
                        WebhookMessage.event_type == PING)
                 .order_by(WebhookMessage.created_at, WebhookMessage.id).limit(1))
_RENEW_LEASE = (update(WebhookEndpoint).where(WebhookEndpoint.id == bindparam("endpoint"))
                .values(lease_until=bindparam("until"))
                .returning(WebhookEndpoint.url, WebhookEndpoint.enabled, WebhookEndpoint.secret_encrypted))
_START_ATTEMPT = insert(WebhookAttempt)
_COUNT_ATTEMPT = (update(WebhookMessage).where(WebhookMessage.id == bindparam("message"))
                  .values(attempts=WebhookMessage.attempts + 1))
_FINISH_ATTEMPT = (update(WebhookAttempt).where(WebhookAttempt.id == bindparam("attempt_id"))
                   .values(status_code=bindparam("code"), duration_ms=bindparam("duration"),
                           error=bindparam("problem"), next_retry_at=bindparam("retry_at")))
_DELIVERED = (update(WebhookMessage).where(WebhookMessage.id == bindparam("message"))
              .values(status=MESSAGE_DELIVERED, delivered_at=bindparam("at")))
_RETRY = (update(WebhookMessage).where(WebhookMessage.id == bindparam("message"))
          .values(next_attempt_at=bindparam("at")))
_GIVEN_UP = update(WebhookMessage).where(WebhookMessage.id == bindparam("message")).values(status=MESSAGE_FAILED)


def _run(statement, **params):
    return db.session.connection().execute(statement, params)


def _next_message(endpoint_id: str, enabled: bool, now: datetime) -> tuple[_Outgoing | None, datetime | None]:
    """The message to send now, or None and when the next one comes due (None: nothing waits).

    The others strictly in order, the oldest pending first, and only while the endpoint is enabled;
    a ping is not held up by a message waiting for its retry.
    """
    row = _run(_PENDING if enabled else _PENDING_PING, endpoint=endpoint_id).first()
    wake_at = None
    if row is not None and row.event_type != PING and row.next_attempt_at > now:
        wake_at, row = row.next_attempt_at, _run(_PENDING_PING, endpoint=endpoint_id).first()
    if row is None:
        return None, wake_at
    return _Outgoing(row.id, row.event_type, row.body, row.attempts), None


def _headers(secret: str, message: _Outgoing) -> dict[str, str]:
    sent_at = datetime.now(timezone.utc)  # the receiver's clock judges it: the real time, always
    return {"webhook-id": message.id, "webhook-timestamp": str(int(sent_at.timestamp())),
            "webhook-signature": Webhook(secret).sign(message.id, sent_at, message.body)}


@dataclass
class _Target:
    url: str
    enabled: bool
    secret: str


@functools.lru_cache(maxsize=256)
def _decrypted(secret_key: str, encrypted: str) -> str:
    return Fernet(base64.urlsafe_b64encode(_secret_key(secret_key))).decrypt(encrypted.encode("ascii")).decode("ascii")


def _renew_lease(endpoint_id: str) -> _Target | None:
    """Hold the endpoint a while longer, and read what it is now (its URL may have been changed)."""
    row = _run(_RENEW_LEASE, endpoint=endpoint_id, until=utcnow() + _lease_length()).first()
    if row is None:
        return None
    return _Target(row.url, row.enabled, _decrypted(current_app.config["SECRET_KEY"], row.secret_encrypted))


def _start(endpoint_id: str, message: _Outgoing) -> str:
    """Write the attempt before the request goes out (committed by the caller); its id."""
    attempt_id = new_id()
    _run(_START_ATTEMPT, id=attempt_id, message_id=message.id, endpoint_id=endpoint_id, attempt=message.attempts + 1,
         created_at=utcnow())
    _run(_COUNT_ATTEMPT, message=message.id)
    return attempt_id


def _finish(endpoint_id: str, target: _Target, message: _Outgoing, attempt_id: str,
            answer: webhook_http.Answer) -> bool:
    """Record what came of an attempt (committed with the start of the next one, or at the end); False
    when the endpoint was turned off."""
    now = utcnow()
    attempts = message.attempts + 1
    retry_at = None
    if answer.ok:
        _run(_DELIVERED, message=message.id, at=now)
    elif message.event_type != PING and attempts <= len(schedule := retry_schedule()):
        retry_at = now + timedelta(seconds=schedule[attempts - 1])
        _run(_RETRY, message=message.id, at=retry_at)
    else:
        _run(_GIVEN_UP, message=message.id)
    _run(_FINISH_ATTEMPT, attempt_id=attempt_id, code=answer.status_code, duration=answer.duration_ms,
         problem=answer.error, retry_at=retry_at)
    if not answer.ok and retry_at is None and message.event_type != PING:
        _disable(endpoint_id, target, message, attempts, answer.error)
        return False
    return True


def _disable(endpoint_id: str, target: _Target, message: _Outgoing, attempts: int, error: str | None) -> None:
    """Turn off an endpoint whose message failed every attempt, and tell its owner."""
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    endpoint.enabled = False
    endpoint.disabled_reason = f"Every attempt to deliver {message.event_type} failed (the last: {error})"[:300]
    events.emit(WEBHOOK_DISABLED, f"{WEBHOOK_DISABLED}:{endpoint.id}:{message.id}", user_id=endpoint.user_id,
                pool_id=endpoint.pool_id, subject=("webhook_endpoint", endpoint.id),
                data={"endpoint_id": endpoint.id, "url": target.url, "description": endpoint.description,
                      "event_type": message.event_type, "attempts": attempts, "error": error})


@jobs.task(retries=3, retry_delay=10, retry_backoff=2)
def deliver_webhooks(endpoint_id: str) -> dict:
    """Send an endpoint's due messages in order while holding its lease; queue itself again for the
    next retry. Another worker holding the endpoint: nothing to do here.

    One commit per message: the start of an attempt (written before its request goes out) is
    committed with the outcome of the one before, so a worker that stops between the two sends that
    one again (at least once) rather than losing it.
    """
    if not _take_lease(endpoint_id):
        return {"busy": 1}
    sent = failed = 0
    wake_at = None
    try:
        for _ in range(JOB_MESSAGES_MAX):
            target = _renew_lease(endpoint_id)
            if target is None:
                break  # removed meanwhile
            message, wake_at = _next_message(endpoint_id, target.enabled, utcnow())
            if message is None:
                break
            attempt_id = _start(endpoint_id, message)
            db.session.commit()
            answer = webhook_http.post(target.url, message.body.encode("utf-8"), _headers(target.secret, message))
            if answer.ok:
                sent += 1
            else:
                failed += 1
            if not _finish(endpoint_id, target, message, attempt_id, answer):
                db.session.commit()
        else:
            jobs.enqueue(deliver_webhooks, endpoint_id)  # more waits: a fresh job, after the others queued
        db.session.commit()
    finally:
        db.session.rollback()
        _release_lease(endpoint_id)
    if wake_at is not None:
        jobs.enqueue_at(wake_at, deliver_webhooks, endpoint_id)
    return {key: value for key, value in (("sent", sent), ("failed", failed)) if value}


def _due_condition(now: datetime):
    return and_(WebhookMessage.status == MESSAGE_PENDING, WebhookMessage.next_attempt_at <= now,
                or_(WebhookEndpoint.enabled.is_(True), WebhookMessage.event_type == PING),
                or_(WebhookEndpoint.lease_until.is_(None), WebhookEndpoint.lease_until < now))


@jobs.periodic(minutes=1)
def deliver_waiting_webhooks() -> dict:
    """Queue the endpoints whose messages are due and that nobody holds: a job lost between a commit
    and the queue, a retry whose job was lost, a worker killed mid-send (its lease ran out)."""
    ids = db.session.scalars(
        select(WebhookMessage.endpoint_id).join(WebhookEndpoint, WebhookEndpoint.id == WebhookMessage.endpoint_id)
        .where(_due_condition(utcnow())).group_by(WebhookMessage.endpoint_id)).all()
    for endpoint_id in ids:
        jobs.enqueue(deliver_webhooks, endpoint_id)
    return {"queued": len(ids)} if ids else {}
