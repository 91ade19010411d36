from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.timeutil import utcnow
from core.extensions import db
from models.types import UTCDateTime, id_column

SPEND_REQUEST_KINDS = ("rent", "extend")
SPEND_REQUEST_STATUSES = ("pending", "approved", "rejected", "expired", "failed")


class SpendRequest(db.Model):
    """A charge to a pool's wallet above its approval threshold, waiting for the owner or an admin.

    It keeps what was quoted (the server, the days, the amount, and for an extension the rental's end
    then), so that approving carries out exactly that charge or none. ``status`` moves once from
    ``pending`` to one of the others; ``reason`` says why a ``failed`` one could not be carried out.
    """

    __tablename__ = "spend_requests"
    __table_args__ = (
        CheckConstraint(f"kind IN ({', '.join(repr(k) for k in SPEND_REQUEST_KINDS)})", name="ck_spend_requests_kind"),
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in SPEND_REQUEST_STATUSES)})",
                        name="ck_spend_requests_status"),
        CheckConstraint("amount_cents > 0", name="ck_spend_requests_amount_positive"),
        Index("ix_spend_requests_pool_created", "pool_id", "created_at"),
        # The lapse check reads the pending requests whose time has come.
        Index("ix_spend_requests_status_expires", "status", "expires_at"),
    )

    id: Mapped[str] = id_column()
    pool_id: Mapped[str] = mapped_column(ForeignKey("pools.id", ondelete="CASCADE"))
    requested_by_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    days: Mapped[int] = mapped_column(Integer)
    server_id: Mapped[str] = mapped_column(String(24))
    rental_id: Mapped[str | None] = mapped_column(String(24))
    expected_rental_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    reason: Mapped[str | None] = mapped_column(String(300))
    decided_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
