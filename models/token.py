from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.limits import IP_MAX, TOKEN_NAME_MAX
from core.timeutil import utcnow
from models.types import UTCDateTime, id_column

# How a token came to be: a person named it on the tokens page, or the API login made it. The tokens page
# lists the two apart, since every login adds one.
NAMED = "named"
LOGIN = "login"


class ApiToken(db.Model):
    """A bearer token. Only its SHA-256 is stored; the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(TOKEN_NAME_MAX))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(8), default=NAMED, server_default=NAMED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the token may do (services.permissions); None: everything its user may do, as login tokens.
    permissions: Mapped[dict | None] = mapped_column(JSON)
    # The addresses and CIDR ranges it is accepted from; None: from anywhere.
    ip_whitelist: Mapped[list | None] = mapped_column(JSON)
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    last_used_ip: Mapped[str | None] = mapped_column(String(IP_MAX))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")

    def is_usable(self, now: datetime) -> bool:
        return self.is_enabled and is_usable(self.revoked_at, self.expires_at, now)


def is_usable(revoked_at: datetime | None, expires_at: datetime | None, now: datetime) -> bool:
    """A token works until it is revoked or expires (and while it is enabled, which its owner switches)."""
    return revoked_at is None and (expires_at is None or expires_at > now)
