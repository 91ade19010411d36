from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, Boolean, CheckConstraint, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.limits import ALIAS_MAX, USERNAME_MAX
from core.timeutil import utcnow
from models.types import UTCDateTime, id_column


class User(UserMixin, db.Model):
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

    def public_dict(self) -> dict:
        return {"id": self.id, "username": self.username, "alias": self.alias}


# Usernames are unique without regard to case.
Index("uq_users_username_lower", func.lower(User.username), unique=True)
