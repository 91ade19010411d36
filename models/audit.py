from datetime import datetime

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.limits import USERNAME_MAX
from core.timeutil import utcnow
from models.types import UTCDateTime, id_column


class AuditEvent(db.Model):
    """A security-relevant event: who did what, to what, when and from where.

    No foreign keys: the trail must outlive the pool, token or rental it speaks of,
    so the actor's username and the pool's id are copied in as plain values.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_pool_time", "pool_id", "created_at"),
                      Index("ix_audit_events_actor_time", "actor_id", "created_at"),
                      # The events about a user (failed logins name no actor): their security history.
                      Index("ix_audit_events_target_time", "target_id", "created_at"))

    id: Mapped[str] = id_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[str | None] = mapped_column(String(24))
    actor_username: Mapped[str | None] = mapped_column(String(USERNAME_MAX))
    pool_id: Mapped[str | None] = mapped_column(String(24))
    target_type: Mapped[str | None] = mapped_column(String(24))
    target_id: Mapped[str | None] = mapped_column(String(24))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(45))
