"""A password-reset link: emailed once, good for ``PASSWORD_RESET_HOURS``, used at most once.

The link's token is never stored: the message is written from the row's id and the app's secret
(``services.recovery``), and only the token's SHA-256 is kept to find the row, so a copy of the
table opens no account. The row remembers a digest of the password hash it was sent for: once the
password changes, by this link or any other way, the link is dead.
"""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import utcnow
from models.types import UTCDateTime, id_column


class PasswordReset(db.Model):
    __tablename__ = "password_resets"

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email_delivery_id: Mapped[str] = mapped_column(ForeignKey("email_deliveries.id", ondelete="CASCADE"),
                                                   unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    password_fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and self.expires_at > now
