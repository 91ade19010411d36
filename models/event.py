"""The outbox: what happened, written in the same transaction as the action it reports.

A worker fans each event out to its consumers (in-app notifications first; email and webhooks
later) and marks it dispatched. ``key`` makes an event happen once: a second emit with the same key
adds nothing, so a retried action or two workers checking the same rental never duplicate it.
"""
from datetime import datetime

from sqlalchemy import JSON, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import utcnow
from models.types import UTCDateTime, id_column

EVENT_TYPE_MAX = 64
EVENT_KEY_MAX = 200


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        # The dispatcher's queue: only undispatched events, oldest first, so finding work costs
        # nothing however many events were dispatched before.
        Index("ix_events_undispatched", "created_at", "id",
              sqlite_where=text("dispatched_at IS NULL"), postgresql_where=text("dispatched_at IS NULL")),
    )

    id: Mapped[str] = id_column()
    type: Mapped[str] = mapped_column(String(EVENT_TYPE_MAX))  # e.g. rental.ending_soon
    key: Mapped[str] = mapped_column(String(EVENT_KEY_MAX), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[str | None] = mapped_column(String(24))  # who did it; none for the clock
    # The subject user: the renter, the invitee, the wallet's owner. No foreign keys, as in the audit
    # trail: an event outlives what it speaks of.
    user_id: Mapped[str] = mapped_column(String(24))
    pool_id: Mapped[str | None] = mapped_column(String(24))
    subject_type: Mapped[str | None] = mapped_column(String(24))  # e.g. rental
    subject_id: Mapped[str | None] = mapped_column(String(24))
    # What notifications and webhooks need, as plain JSON: ids, amounts, times as ISO strings.
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
