"""The outbox: ``emit`` records an event in the caller's transaction, and ``dispatch_events`` hands
the events to every consumer (in-app notifications, and later email and webhooks) and marks them
dispatched.

Emitting inside the action's own transaction means an action and its event commit or roll back
together: a crash after the commit loses no event (the periodic dispatcher finds it), a rollback
leaves none behind. Each event has a ``key``; a second emit with the same key adds nothing, which
is what makes reminders, retries and two workers never duplicate an event.

A consumer is a function of a batch of events, registered with ``@consumer``; it must be keyed the
same way (one notification per event and recipient, say), because a batch whose transaction fails is
handed over again. It returns how many things it made, for the dispatcher's counts.

    @events.consumer
    def deliver_webhooks(batch: list[Event]) -> int: ...
"""
from collections import Counter
from collections.abc import Callable, Sequence

from sqlalchemy import select, update

from core import jobs
from core.bulk import insert_missing
from core.extensions import db
from core.ids import new_id
from core.timeutil import utcnow
from models import Event
from services.atomic import write_transaction

# Events handed to the consumers in one transaction: the consumers' statements are per batch, not
# per event, so a thousand reminders cost a handful of statements.
DISPATCH_BATCH = 500

Consumer = Callable[[Sequence[Event]], int | None]
_consumers: dict[str, Consumer] = {}


def consumer(func: Consumer) -> Consumer:
    """Register ``func`` to receive every batch of events the dispatcher hands out."""
    _consumers[jobs.job_name(func)] = func
    return func


def event_row(type: str, key: str, *, user_id: str, pool_id: str | None = None, actor_id: str | None = None,
              subject: tuple[str, str] | None = None, data: dict | None = None, now=None) -> dict:
    subject_type, subject_id = subject or (None, None)
    return {"id": new_id(), "type": type, "key": key, "created_at": now or utcnow(), "actor_id": actor_id,
            "user_id": user_id, "pool_id": pool_id, "subject_type": subject_type, "subject_id": subject_id,
            "data": data or {}, "dispatched_at": None}


def emit(type: str, key: str, *, user_id: str, pool_id: str | None = None, actor_id: str | None = None,
         subject: tuple[str, str] | None = None, data: dict | None = None) -> bool:
    """Record an event in the current transaction; False (and nothing written) when ``key`` exists.

    ``key`` names the happening, so that it is made once: ``rental.ending_soon:<rental id>:<the
    rental_end it speaks of>:24``. ``data`` is plain JSON (ids, amounts, times as ISO strings): what
    the notification, the email and the webhook say. The dispatcher is queued for when the
    transaction commits.
    """
    return emit_many([event_row(type, key, user_id=user_id, pool_id=pool_id, actor_id=actor_id,
                                subject=subject, data=data)]) == 1


def emit_many(rows: Sequence[dict]) -> int:
    """Several events (``event_row``s) in one statement; returns how many were new."""
    added = insert_missing(Event, rows, ["key"])
    if added:
        jobs.enqueue_after_commit(dispatch_events)
    return added


class ConsumerFailed(Exception):
    """A consumer raised while handling a batch; nothing of the batch was kept."""

    def __init__(self, event_ids: list[str]):
        super().__init__(f"a consumer failed on a batch of {len(event_ids)} event(s)")
        self.event_ids = event_ids


@jobs.periodic(minutes=1)
@jobs.task(retries=5, retry_delay=30, retry_backoff=2)
def dispatch_events() -> dict:
    """Hand every undispatched event to the consumers, oldest first, a batch per transaction.

    Queued after each commit that emitted events, and run every minute as well, so events whose job
    was lost (a crash between the commit and the queue) are dispatched all the same. Two dispatchers
    at once on PostgreSQL take different batches (SKIP LOCKED); on SQLite one waits for the other.
    A batch that fails is tried again event by event, so one event that cannot be dispatched holds
    up no other; it stays undispatched, and the job fails so that it is retried and, in the end,
    shown among the failed jobs.
    """
    counts = Counter()
    stuck: list[str] = []
    while True:
        try:
            if not _dispatch_batch(counts, excluding=stuck):
                break
        except ConsumerFailed as failure:
            for event_id in failure.event_ids:
                try:
                    _dispatch_batch(counts, only=event_id)
                except ConsumerFailed as single:
                    stuck.append(event_id)
                    error = single.__cause__
    if stuck:
        raise RuntimeError(f"{len(stuck)} event(s) could not be dispatched (the last, {stuck[-1]}: "
                           f"{type(error).__name__}: {error})") from error
    return dict(counts)


def _dispatch_batch(counts: Counter, excluding: Sequence[str] = (), only: str | None = None) -> int:
    """Dispatch one batch in one transaction; returns how many events it held (0: none left)."""
    with write_transaction():
        statement = select(Event).where(Event.dispatched_at.is_(None))
        if only is not None:
            statement = statement.where(Event.id == only)
        elif excluding:
            statement = statement.where(Event.id.not_in(excluding))
        batch = db.session.scalars(
            statement.order_by(Event.created_at, Event.id).limit(DISPATCH_BATCH).with_for_update(skip_locked=True)
        ).all()
        if not batch:
            return 0
        ids = [event.id for event in batch]
        made = Counter()
        try:
            for name, consume in _consumers.items():
                if count := consume(batch) or 0:  # a consumer that made nothing is not worth a mention
                    made[name.rpartition(".")[2]] += count
        except Exception as error:
            raise ConsumerFailed(ids) from error
        dispatched = db.session.execute(
            update(Event).where(Event.id.in_(ids), Event.dispatched_at.is_(None)).values(dispatched_at=utcnow()),
            execution_options={"synchronize_session": False},
        ).rowcount
    counts.update(made)
    counts["events"] += dispatched
    return len(ids)
