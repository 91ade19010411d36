from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.limits import (
    CATEGORY_MAX,
    CITY_MAX,
    CPU_SCORE_TYPE_MAX,
    DATACENTER_MAX,
    DISK_SUMMARY_MAX,
    DISK_TYPE_MAX,
    DURATIONS_KEY_MAX,
    MODEL_MAX,
    RAM_TYPE_MAX,
    REGION_MAX,
    SERVER_NAME_MAX,
)
from core.timeutil import utcnow
from models.types import UTCDateTime, id_column


class Server(db.Model):
    """A dedicated server in the inventory. Every filterable attribute is its own column.

    The marketplace's indexes are defined after the class: one per order it can list servers in.
    """

    __tablename__ = "servers"

    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(String(SERVER_NAME_MAX))
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str] = mapped_column(String(REGION_MAX))
    city: Mapped[str] = mapped_column(String(CITY_MAX))
    datacenter: Mapped[str] = mapped_column(String(DATACENTER_MAX))
    model: Mapped[str] = mapped_column(String(MODEL_MAX))
    is_vm: Mapped[bool] = mapped_column(Boolean, default=False)
    category: Mapped[str] = mapped_column(String(CATEGORY_MAX))
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    popularity_rank: Mapped[int] = mapped_column(Integer)
    setup_time_minutes: Mapped[int] = mapped_column(Integer)

    cpu_model: Mapped[str] = mapped_column(String(MODEL_MAX))
    cpu_cores: Mapped[int] = mapped_column(Integer)
    cpu_threads: Mapped[int] = mapped_column(Integer)
    cpu_score: Mapped[int] = mapped_column(Integer)
    cpu_score_type: Mapped[str] = mapped_column(String(CPU_SCORE_TYPE_MAX))
    ram_gb: Mapped[int] = mapped_column(Integer)
    ram_type: Mapped[str] = mapped_column(String(RAM_TYPE_MAX))
    ram_speed_mhz: Mapped[int] = mapped_column(Integer)
    disks: Mapped[list] = mapped_column(JSON)
    total_storage_gb: Mapped[int] = mapped_column(BigInteger)
    disk_summary: Mapped[str] = mapped_column(String(DISK_SUMMARY_MAX))
    bandwidth_mbps: Mapped[int] = mapped_column(Integer)
    traffic_tb: Mapped[float | None] = mapped_column(Float)
    traffic_unlimited: Mapped[bool] = mapped_column(Boolean, default=False)
    ipv4_count: Mapped[int] = mapped_column(Integer)
    ipv6_enabled: Mapped[bool] = mapped_column(Boolean)

    # Cheapest per-day price over all durations, precomputed for filtering and ordering.
    min_price_per_day_millicents: Mapped[int] = mapped_column(BigInteger)
    # End of the current rental's hold; the server is in the marketplace when this is past.
    reserved_until: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # One bit per disk type the server has (services.inventory.importing.DISK_TYPE_BITS), for the any-of filter.
    disk_type_bits: Mapped[int] = mapped_column(Integer, server_default="0")
    # The durations of its prices as "|1|7|30|", for the offers-any-of-these-durations filter.
    durations_key: Mapped[str] = mapped_column(String(DURATIONS_KEY_MAX), server_default="")
    # The browse object's "pricing" (prices in dollars and their tiers, services.inventory.pricing),
    # written with the prices: they change only when an administrator edits them, and a marketplace
    # page would otherwise format hundreds of amounts.
    pricing: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    prices = relationship(
        "ServerPrice", back_populates="server", cascade="all, delete-orphan", order_by="ServerPrice.days"
    )
    disk_types = relationship("ServerDiskType", cascade="all, delete-orphan")


# Every marketplace filter is a condition on a column of the browse index, so a page walks the index in
# order, and counting the matches (X-Total-Count) reads only the index, never the table. Each other
# order has a narrow index of its own; reserved_until comes last in all of them, so skipping rows for
# a deep offset reads nothing else.
_TIE_BREAK = (Server.featured.desc(), Server.popularity_rank, Server.min_price_per_day_millicents, Server.id)
Index(
    "ix_servers_browse", *_TIE_BREAK, Server.reserved_until,
    Server.country, Server.region, Server.category, Server.cpu_cores, Server.cpu_score_type, Server.cpu_score,
    Server.ram_gb, Server.ram_type, Server.total_storage_gb, Server.disk_type_bits, Server.bandwidth_mbps,
    Server.traffic_tb, Server.traffic_unlimited, Server.durations_key,
)
Index("ix_servers_by_price", Server.min_price_per_day_millicents, *_TIE_BREAK[:2], Server.id, Server.reserved_until)
Index("ix_servers_by_price_desc", Server.min_price_per_day_millicents.desc(), *_TIE_BREAK[:2], Server.id,
      Server.reserved_until)
Index("ix_servers_by_cpu_score", Server.cpu_score.desc(), *_TIE_BREAK, Server.reserved_until)
Index("ix_servers_by_ram", Server.ram_gb.desc(), *_TIE_BREAK, Server.reserved_until)
Index("ix_servers_by_storage", Server.total_storage_gb.desc(), *_TIE_BREAK, Server.reserved_until)


class ServerPrice(db.Model):
    """The price of renting a server for one supported duration."""

    __tablename__ = "server_prices"

    server_id: Mapped[str] = mapped_column(ForeignKey("servers.id", ondelete="CASCADE"), primary_key=True)
    days: Mapped[int] = mapped_column(Integer, primary_key=True)
    price_cents: Mapped[int] = mapped_column(BigInteger)
    # ceil(price / days) in thousandths of a cent: exact enough that a filter never lets a dearer server through.
    price_per_day_millicents: Mapped[int] = mapped_column(BigInteger)

    server = relationship("Server", back_populates="prices")


class ServerDiskType(db.Model):
    """One row per distinct disk type a server has, for the any-of disk type filter."""

    __tablename__ = "server_disk_types"

    server_id: Mapped[str] = mapped_column(ForeignKey("servers.id", ondelete="CASCADE"), primary_key=True)
    disk_type: Mapped[str] = mapped_column(String(DISK_TYPE_MAX), primary_key=True)
