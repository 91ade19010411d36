from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.limits import IP_MAX, USER_AGENT_MAX
from core.timeutil import utcnow
from models.types import UTCDateTime, id_column


class LoginSession(db.Model):
    """One browser login. Its cookies carry the id and a secret whose SHA-256 alone is stored here,
    so the server can end a session (logout, an administrator's disable) and its cookies stop working."""

    __tablename__ = "login_sessions"
    # The sessions of a user, newest first: what signing out the others and listing them read.
    __table_args__ = (Index("ix_login_sessions_user_created", "user_id", "created_at"),)

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(IP_MAX))
    user_agent: Mapped[str] = mapped_column(String(USER_AGENT_MAX), default="")
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def is_live(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now
