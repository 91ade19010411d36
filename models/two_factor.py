from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import utcnow
from models.types import UTCDateTime, id_column


class TwoFactorCredential(db.Model):
    """A user's authenticator secret. Until ``enabled_at`` is set it is only being set up, and logins ignore it.

    The secret is stored encrypted with a key derived from ``SECRET_KEY`` (``services.two_factor``), so a
    copy of the database alone cannot make codes. ``last_used_step`` is the time step of the last code
    accepted: a code of that step or an earlier one is refused, so a code seen over a shoulder cannot be
    used again within its window.
    """

    __tablename__ = "two_factor_credentials"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    secret_encrypted: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_step: Mapped[int | None] = mapped_column(BigInteger)
    require_for_tokens: Mapped[bool] = mapped_column(Boolean, default=False)


class TwoFactorBackupCode(db.Model):
    """One single-use backup code; only its SHA-256 is stored."""

    __tablename__ = "two_factor_backup_codes"

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TwoFactorChallenge(db.Model):
    """A login whose password was right and whose code is awaited: what a ``temp_token`` names.

    The token is ``<id>.<secret>`` and only the secret's SHA-256 is stored; it works once, and only until
    ``expires_at``.
    """

    __tablename__ = "two_factor_challenges"

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
