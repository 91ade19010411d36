from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import utcnow
from models.types import UTCDateTime, id_column


class AutoRenewal(db.Model):
    """A rental's standing order to extend itself (``services.auto_renew``): one per rental, paid by
    the person who set it up."""

    __tablename__ = "auto_renewals"
    __table_args__ = (
        # The renewals due: an indexed range; those with no attempt to come (null) take no space in it.
        Index("ix_auto_renewals_next_attempt", "next_attempt_at", sqlite_where=text("next_attempt_at IS NOT NULL"),
              postgresql_where=text("next_attempt_at IS NOT NULL")),
        # The renewals a payer will owe (services.renewals).
        Index("ix_auto_renewals_user", "user_id"),
        CheckConstraint("additional_days > 0", name="ck_auto_renewals_days_positive"),
        CheckConstraint("max_charge_cents >= 0", name="ck_auto_renewals_ceiling_not_negative"),
    )

    id: Mapped[str] = id_column()
    rental_id: Mapped[str] = mapped_column(ForeignKey("rentals.id", ondelete="CASCADE"), unique=True)
    # Who set it up, and so who pays.
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    additional_days: Mapped[int] = mapped_column(Integer)
    max_charge_cents: Mapped[int] = mapped_column(BigInteger)
    # Whose wallet pays: the payer's own ("self") or the rental's pool's ("pool", as extending with pay_from).
    pay_from: Mapped[str] = mapped_column(String(8), default="self", server_default="self")
    # When the next renewal is tried; null when none is to come (the rental has ended).
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "renewed", "already_renewed", or why it was refused (services.auto_renew.REASONS).
    last_result: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
