"""``Idempotency-Key``: a retried rent or extend replays its first answer instead of charging again.

The first request with a key claims it by inserting a record, in the same database transaction as
the charge; the record then keeps the response. A concurrent request with the same key waits on
that insert (unique ``(user_id, key)``) and, once the first commits, replays its response. Only
successful answers are kept: a refused request charged nothing, so retrying it is safe.

A key reused for a different request (another endpoint or body) is a 409.
"""
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from models import IdempotencyRecord, User
from services.atomic import write_transaction
from services.errors import IDEMPOTENCY_KEY_REUSED, Conflict


@dataclass
class Outcome:
    status: int
    body: dict
    replayed: bool


def _stored(user: User, key: str, fingerprint: str) -> Outcome | None:
    record = db.session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.user_id == user.id, IdempotencyRecord.key == key)
    )
    if record is None:
        return None
    if record.endpoint != fingerprint:
        raise Conflict("This Idempotency-Key was already used for a different request", code=IDEMPOTENCY_KEY_REUSED)
    return Outcome(record.status_code, record.response, replayed=True)


def run(user: User, key: str | None, fingerprint: str, operation: Callable[[], tuple[int, dict]]) -> Outcome:
    """``operation()`` makes the change in its own ``write_transaction`` and returns ``(status, body)``;
    with a key, the claim joins that transaction and the change happens at most once."""
    if key is None:
        status, body = operation()
        return Outcome(status, body, replayed=False)

    if (outcome := _stored(user, key, fingerprint)) is not None:
        return outcome
    try:
        with write_transaction():
            record = IdempotencyRecord(user_id=user.id, key=key, endpoint=fingerprint, status_code=0, response={})
            db.session.add(record)
            db.session.flush()  # the claim: a concurrent holder of the key makes this wait, then fail
            status, body = operation()
            record.status_code, record.response = status, body
    except IntegrityError:
        if (outcome := _stored(user, key, fingerprint)) is not None:
            return outcome
        raise
    return Outcome(status, body, replayed=False)
