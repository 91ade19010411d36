"""Email the app sends: one row per message, written before it is sent, so that a message is sent once.

A notification's email is unique per (event, recipient): a second dispatch of the event, a retried
job or a second worker finds the row and sends nothing more. A worker claims a row for a short
while (``claimed_until``) before it talks to the mail server, so two workers never send the same row
at once; ``sent_at`` says it went. An address verification or a password reset has no event: each
request is a row.
"""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.limits import EMAIL_MAX
from core.timeutil import utcnow
from models.event import EVENT_TYPE_MAX
from models.types import UTCDateTime, id_column

KIND_NOTIFICATION = "notification"
KIND_VERIFY_EMAIL = "verify_email"
KIND_PASSWORD_RESET = "password_reset"


class EmailDelivery(db.Model):
    __tablename__ = "email_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id", name="uq_email_deliveries_event_user"),
        # The periodic check looks for messages whose job was lost: unsent ones, oldest first.
        Index("ix_email_deliveries_unsent", "sent_at", "created_at"),
    )

    id: Mapped[str] = id_column()
    kind: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[str | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    event: Mapped[str | None] = mapped_column(String(EVENT_TYPE_MAX))
    to_address: Mapped[str] = mapped_column(String(EMAIL_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(String(300))
    # Why it was not sent after all: the address changed or lost its verification meanwhile.
    skipped: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
