from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.limits import POOL_DESCRIPTION_MAX, POOL_NAME_MAX
from core.timeutil import utcnow
from models.types import UTCDateTime, id_column


class Pool(db.Model):
    __tablename__ = "pools"
    __table_args__ = (
        UniqueConstraint("owner_id", "name", name="uq_pools_owner_name"),
        CheckConstraint("balance_cents >= 0", name="ck_pools_balance_not_negative"),
        # One default pool per user.
        Index(
            "uq_pools_one_default_per_owner",
            "owner_id",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
    )

    id: Mapped[str] = id_column()
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(POOL_NAME_MAX))
    description: Mapped[str] = mapped_column(String(POOL_DESCRIPTION_MAX), default="")
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    # The pool's wallet, filled by its members' transfers and spent on pool-paid rentals.
    balance_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # The budget (each null: no limit): what may be paid from the pool's wallet in a calendar month
    # (UTC), in all and by each member, and the charge above which a member's spending needs approval.
    monthly_limit_cents: Mapped[int | None] = mapped_column(BigInteger)
    member_monthly_limit_cents: Mapped[int | None] = mapped_column(BigInteger)
    approval_threshold_cents: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner = relationship("User")
    memberships = relationship(
        "Membership", back_populates="pool", cascade="all, delete-orphan", passive_deletes=True
    )


class Membership(db.Model):
    """A user's place in a pool. ``is_authorized`` false means a pending invitation.

    The owner has a membership too (role ``owner``), so visibility and counts are one query.
    """

    __tablename__ = "pool_memberships"
    __table_args__ = (
        UniqueConstraint("pool_id", "user_id", name="uq_memberships_pool_user"),
        CheckConstraint("role IN ('owner', 'admin', 'user')", name="ck_memberships_role"),
        Index("ix_memberships_user_authorized", "user_id", "is_authorized"),
    )

    id: Mapped[str] = id_column()
    pool_id: Mapped[str] = mapped_column(ForeignKey("pools.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(10))
    is_authorized: Mapped[bool] = mapped_column(Boolean, default=False)
    invited_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Until when a pending invitation can be answered; after it, it is gone from everyone's view.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    pool = relationship("Pool", back_populates="memberships")
    user = relationship("User", foreign_keys=[user_id])
    invited_by = relationship("User", foreign_keys=[invited_by_id])


class TransferOffer(db.Model):
    """The owner's offer of a pool to one of its members, open until answered, replaced or expired.

    One open offer a pool (a new one replaces it); it goes with the pool, and with the member's or the
    owner's account.
    """

    __tablename__ = "pool_transfer_offers"
    __table_args__ = (
        UniqueConstraint("pool_id", name="uq_transfer_offers_pool"),
        Index("ix_transfer_offers_to_user", "to_user_id"),
    )

    id: Mapped[str] = id_column()
    pool_id: Mapped[str] = mapped_column(ForeignKey("pools.id", ondelete="CASCADE"))
    from_user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    to_user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
