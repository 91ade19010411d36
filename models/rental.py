import math
from datetime import datetime, timedelta

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.limits import (
    TRANSACTION_TYPES,
    CURRENCY,
    PROVISIONING_MESSAGE_MAX,
    PROVISIONING_PENDING,
    PROVISIONING_STATUS_MAX,
)
from core.timeutil import utcnow
from models.types import UTCDateTime, id_column

STATUS_ACTIVE = "active"
STATUS_EXPIRED = "expired"
STATUS_ENDED = "ended"

_SECONDS_PER_DAY = 86400


class Rental(db.Model):
    __tablename__ = "rentals"
    __table_args__ = (
        Index("ix_rentals_user_hold", "user_id", "hold_until"),
        Index("ix_rentals_pool_hold", "pool_id", "hold_until"),
        # The renewals coming up (services.renewals): a range of ends, with whose they are.
        Index("ix_rentals_end_user", "rental_end", "user_id"),
        # Only rentals with something still to come: the ended ones (null) never take space in it.
        Index("ix_rentals_next_event", "next_event_at", sqlite_where=text("next_event_at IS NOT NULL"),
              postgresql_where=text("next_event_at IS NOT NULL")),
        CheckConstraint("amount_cents >= 0", name="ck_rentals_amount_not_negative"),
        # Rentals whose setup is still awaited, by when it is overdue (services.provisioning); null otherwise.
        Index("ix_rentals_provisioning_due", "provisioning_due_at",
              sqlite_where=text("provisioning_due_at IS NOT NULL"),
              postgresql_where=text("provisioning_due_at IS NOT NULL")),
    )

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    server_id: Mapped[str] = mapped_column(ForeignKey("servers.id"), index=True)
    pool_id: Mapped[str] = mapped_column(ForeignKey("pools.id"))
    rental_start: Mapped[datetime] = mapped_column(UTCDateTime)
    rental_end: Mapped[datetime] = mapped_column(UTCDateTime)
    hold_days: Mapped[int] = mapped_column(Integer)
    # rental_end + hold_days, kept so "not ended" is an indexed comparison on every database.
    hold_until: Mapped[datetime] = mapped_column(UTCDateTime)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the rental's next reminder or change of state is due (services.rental_lifecycle); null once
    # it has ended. The periodic check reads only the rentals due, through this column's index.
    next_event_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The server's setup as administrators report it (services.provisioning): pending from renting.
    provisioning_status: Mapped[str] = mapped_column(String(PROVISIONING_STATUS_MAX), default=PROVISIONING_PENDING)
    provisioning_message: Mapped[str | None] = mapped_column(String(PROVISIONING_MESSAGE_MAX))
    # {"ipv4": [...], "ipv6": [...], "hostname": str | None, "notes": str | None}, or null before any report.
    provisioning_access: Mapped[dict | None] = mapped_column(JSON)
    provisioning_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a setup not yet ready is flagged to administrators; null once ready, failed or flagged.
    provisioning_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the setup now awaited began: the renting, or the report that began a re-install. Null on
    # rentals made before it was kept.
    provisioning_began_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")
    server = relationship("Server")
    pool = relationship("Pool")

    def status_at(self, now: datetime) -> str:
        if now < self.rental_end:
            return STATUS_ACTIVE
        if now < self.hold_until:
            return STATUS_EXPIRED
        return STATUS_ENDED

    def remaining_days_at(self, now: datetime) -> int:
        """Whole days left until ``rental_end``, rounded up; 0 once it has passed."""
        seconds = (self.rental_end - now).total_seconds()
        return max(0, math.ceil(seconds / _SECONDS_PER_DAY))

    def usage_days_at(self, now: datetime) -> int:
        """Whole days since ``rental_start``."""
        return max(0, (now - self.rental_start) // timedelta(days=1))

    def is_ready_at(self, now: datetime, setup_time_minutes: int) -> bool:
        """Ready once the rental is running and the server's setup time has passed."""
        return self.status_at(now) == STATUS_ACTIVE and now >= self.rental_start + timedelta(minutes=setup_time_minutes)


class Transaction(db.Model):
    """A movement of a wallet: a user's (``pool_id`` null) or a pool's (``pool_id`` set; ``user_id`` is then
    the member who moved it). ``services.wallet`` says which kinds add to a balance and which take from it."""

    __tablename__ = "transactions"
    __table_args__ = (
        Index("ix_transactions_user_created", "user_id", "created_at"),
        # The wallets that moved lately (services.renewals), whoever's they are.
        Index("ix_transactions_created_user", "created_at", "user_id"),
        CheckConstraint("amount_cents > 0", name="ck_transactions_amount_positive"),
        CheckConstraint(f"type IN ({', '.join(repr(kind) for kind in TRANSACTION_TYPES)})",
                        name="ck_transactions_type"),
        # A pool's wallet history, and its spending in a month from the index alone (who, what kind, how much).
        Index("ix_transactions_pool_created", "pool_id", "created_at", "user_id", "type", "amount_cents",
              sqlite_where=text("pool_id IS NOT NULL"), postgresql_where=text("pool_id IS NOT NULL")),
    )

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(16))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default=CURRENCY)
    rental_id: Mapped[str | None] = mapped_column(ForeignKey("rentals.id"), index=True)
    # No foreign key, as in the audit trail: a pool's wallet history outlives the pool.
    pool_id: Mapped[str | None] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdempotencyRecord(db.Model):
    """The first response to a request carrying an ``Idempotency-Key``, replayed for repeats."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_user_key"),)

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    endpoint: Mapped[str] = mapped_column(String(200))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
