from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.limits import SERVER_NAME_MAX
from core.timeutil import utcnow
from models.types import UTCDateTime, id_column


class Server(db.Model):
    """A dedicated server in the inventory. Every filterable attribute is its own column."""

    __tablename__ = "servers"
    __table_args__ = (
        Index("ix_servers_marketplace_order", "featured", "popularity_rank", "min_price_per_day_millicents"),
        Index("ix_servers_cpu_score", "cpu_score_type", "cpu_score"),
        Index("ix_servers_traffic_tb", "traffic_tb"),
        Index("ix_servers_traffic_unlimited", "traffic_unlimited"),
    )

    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(String(SERVER_NAME_MAX))
    country: Mapped[str] = mapped_column(String(2), index=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    city: Mapped[str] = mapped_column(String(100))
    datacenter: Mapped[str] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(200))
    is_vm: Mapped[bool] = mapped_column(Boolean, default=False)
    category: Mapped[str] = mapped_column(String(16), index=True)
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    popularity_rank: Mapped[int] = mapped_column(Integer)
    setup_time_minutes: Mapped[int] = mapped_column(Integer)

    cpu_model: Mapped[str] = mapped_column(String(200))
    cpu_cores: Mapped[int] = mapped_column(Integer, index=True)
    cpu_threads: Mapped[int] = mapped_column(Integer)
    cpu_score: Mapped[int] = mapped_column(Integer)
    cpu_score_type: Mapped[str] = mapped_column(String(32))
    ram_gb: Mapped[int] = mapped_column(Integer, index=True)
    ram_type: Mapped[str] = mapped_column(String(16), index=True)
    ram_speed_mhz: Mapped[int] = mapped_column(Integer)
    disks: Mapped[list] = mapped_column(JSON)
    total_storage_gb: Mapped[int] = mapped_column(BigInteger, index=True)
    disk_summary: Mapped[str] = mapped_column(String(300))
    bandwidth_mbps: Mapped[int] = mapped_column(Integer, index=True)
    traffic_tb: Mapped[float | None] = mapped_column(Float)
    traffic_unlimited: Mapped[bool] = mapped_column(Boolean, default=False)
    ipv4_count: Mapped[int] = mapped_column(Integer)
    ipv6_enabled: Mapped[bool] = mapped_column(Boolean)

    # Cheapest per-day price over all durations, precomputed for filtering and ordering.
    min_price_per_day_millicents: Mapped[int] = mapped_column(BigInteger, index=True)
    # End of the current rental's hold; the server is in the marketplace when this is past.
    reserved_until: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    prices = relationship(
        "ServerPrice", back_populates="server", cascade="all, delete-orphan", order_by="ServerPrice.days"
    )
    disk_types = relationship("ServerDiskType", cascade="all, delete-orphan")


class ServerPrice(db.Model):
    """The price of renting a server for one supported duration."""

    __tablename__ = "server_prices"
    __table_args__ = (
        Index("ix_server_prices_days_per_day", "days", "price_per_day_millicents"),
    )

    server_id: Mapped[str] = mapped_column(ForeignKey("servers.id", ondelete="CASCADE"), primary_key=True)
    days: Mapped[int] = mapped_column(Integer, primary_key=True)
    price_cents: Mapped[int] = mapped_column(BigInteger)
    # ceil(price / days) in thousandths of a cent: exact enough that a filter never lets a dearer server through.
    price_per_day_millicents: Mapped[int] = mapped_column(BigInteger)

    server = relationship("Server", back_populates="prices")


class ServerDiskType(db.Model):
    """One row per distinct disk type a server has, for the any-of disk type filter."""

    __tablename__ = "server_disk_types"
    __table_args__ = (Index("ix_server_disk_types_type", "disk_type", "server_id"),)

    server_id: Mapped[str] = mapped_column(ForeignKey("servers.id", ondelete="CASCADE"), primary_key=True)
    disk_type: Mapped[str] = mapped_column(String(16), primary_key=True)
