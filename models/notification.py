"""Notifications a user reads in the app: one per (event, recipient), or an announcement to everyone.

An announcement (``user_id`` null, ``is_global``) is one row for all users; each user's read and
dismissed state of it is an ``AnnouncementRead``.
"""
from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.limits import NOTIFICATION_TITLE_MAX, NOTIFICATION_TYPES, SEVERITIES  # noqa: F401  (the columns' enums)
from core.timeutil import utcnow
from models.event import EVENT_TYPE_MAX
from models.types import UTCDateTime, id_column

TITLE_MAX = NOTIFICATION_TITLE_MAX
LINK_MAX = 500


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        # One notification per event and recipient: a second dispatch of an event adds nothing.
        UniqueConstraint("event_id", "user_id", name="uq_notifications_event_user"),
        # The bell: a user's unread notifications are one range of this index.
        Index("ix_notifications_user_read", "user_id", "read_at"),
        # A user's list, newest first (announcements are the range of a null user_id).
        Index("ix_notifications_user_created", "user_id", "created_at", "id"),
        CheckConstraint("type IN ('MAINTENANCE', 'ANNOUNCEMENT', 'STATUS_UPDATE')", name="ck_notifications_type"),
        CheckConstraint("severity IN ('INFO', 'WARNING', 'ERROR', 'SUCCESS')", name="ck_notifications_severity"),
    )

    id: Mapped[str] = id_column()
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))  # null: an announcement
    event_id: Mapped[str | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    event: Mapped[str | None] = mapped_column(String(EVENT_TYPE_MAX))  # the event's type, e.g. rental.ended
    type: Mapped[str] = mapped_column(String(16), default="STATUS_UPDATE")
    severity: Mapped[str] = mapped_column(String(8), default="INFO")
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    message: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(LINK_MAX))  # path of the page to act on
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    is_global: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AnnouncementRead(db.Model):
    """A user's read and dismissed state of a global announcement."""

    __tablename__ = "announcement_reads"

    notification_id: Mapped[str] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"),
                                                 primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
