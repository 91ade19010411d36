from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.limits import ALIAS_MAX, EMAIL_MAX, IP_MAX, USERNAME_MAX
from core.timeutil import utcnow
from models.types import UTCDateTime, id_column


class User(db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("balance_cents >= 0", name="ck_users_balance_not_negative"),
    )

    id: Mapped[str] = id_column()
    username: Mapped[str] = mapped_column(String(USERNAME_MAX))
    alias: Mapped[str] = mapped_column(String(ALIAS_MAX), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    balance_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set by an administrator: the account's tokens and sessions are refused until it is cleared.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Where notifications are emailed once verified; unique without regard to case when set.
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX))
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # {"<event type>": {"email": bool, "in_app": bool}}; an event missing here has the defaults.
    notification_preferences: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    # Warn (wallet.low_balance) when the balance falls under this; None: only the renewals rule.
    low_balance_threshold_cents: Mapped[int | None] = mapped_column(BigInteger)

    # Not a column: the key of the browser session this object was loaded for or logged into
    # (``services.sessions``). Flask-Login keeps ``get_id()`` in the session and remember cookies,
    # so those cookies name a session the server can end, never the bare user id.
    browser_session_key = None  # str | None

    @property
    def is_disabled(self) -> bool:
        return self.disabled_at is not None

    # What Flask-Login asks of a user object (in place of its UserMixin, whose get_id is the user id).
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return not self.is_disabled

    def get_id(self) -> str:
        if self.browser_session_key is None:
            raise RuntimeError("Log a user in through services.sessions, which opens their browser session")
        return self.browser_session_key

    def public_dict(self) -> dict:
        return {"id": self.id, "username": self.username, "alias": self.alias}


# Usernames are unique without regard to case, and so are email addresses.
Index("uq_users_username_lower", func.lower(User.username), unique=True)
Index("uq_users_email_lower", func.lower(User.email), unique=True)
# The users under their own low-balance threshold are one range of this index (services.renewals),
# however many users there are.
Index("ix_users_under_threshold", (User.balance_cents - User.low_balance_threshold_cents),
      sqlite_where=User.low_balance_threshold_cents.is_not(None),
      postgresql_where=User.low_balance_threshold_cents.is_not(None))


class LoginAddress(db.Model):
    """An address a user has logged in from: a login from one not seen before is worth telling them of."""

    __tablename__ = "user_login_addresses"
    __table_args__ = (UniqueConstraint("user_id", "ip", name="uq_user_login_addresses_user_ip"),)

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    ip: Mapped[str] = mapped_column(String(IP_MAX))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
