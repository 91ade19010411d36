"""The data behind ``flask seed-demo``: four users, their pools, and a varied server inventory.

The seed acts through the services, as a person would: accounts are created, pools made and
shared, servers imported and rentals paid from the demo wallets by the same functions the API and
the pages call, so the demo holds nothing a user could not have made.

Everything is deterministic (one ``random.Random`` with a fixed seed; server ids are a hash of
the server's name), so running the seed again inserts nothing twice: users, pools, memberships
and servers that already exist are skipped and reported as such.
"""
import hashlib
import itertools
import random
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Iterator

from flask import current_app
from sqlalchemy import select

from core.extensions import db
from core.limits import DISK_TYPES, RAM_TYPES, ROLE_ADMIN, ROLE_USER, SERVER_CATEGORIES
from core.money import format_cents
from core.timeutil import as_of, utcnow
from models import Membership, Pool, Rental, Server, ServerPrice, User
from services import (
    account_settings,
    accounts,
    inventory,
    marketplace,
    pools,
    rentals,
    verification,
    webhook_demo_receiver,
)

DEMO_PASSWORD = "demo-password"
DEMO_SERVER_COUNT = 240
DEMO_SEED = 20250121
DEMO_CHUNK_SIZE = 5000

# username, alias, is_admin, opening balance in cents
DEMO_USERS = (
    ("alice", "Alice Admin", True, 500_000),
    ("bob", "Bob Builder", False, 120_000),
    ("carol", "Carol Analyst", False, 30_000),
    ("dave", "Dave Newcomer", False, 0),
)
# Demo users' addresses, verified: the demo's notifications are emailed too (to the local mail sink
# scripts/demo runs). A reserved domain, so nothing could ever reach a real mailbox.
DEMO_MAIL_DOMAIN = "example.com"
# owner, name, description, settings
DEMO_POOLS = (
    ("alice", "Platform Team", "Production infrastructure shared by the platform team",
     {"environment": "production", "alerts": True}),
    ("alice", "Data Science", "Training and analytics boxes", {"environment": "research"}),
    ("bob", "Staging", "Pre-production servers", {"environment": "staging"}),
)
# pool owner, pool name, member, role, accepted
DEMO_MEMBERSHIPS = (
    ("alice", "Platform Team", "bob", ROLE_ADMIN, True),
    ("alice", "Platform Team", "carol", ROLE_USER, True),
    ("alice", "Data Science", "dave", ROLE_USER, False),
)
# renter, pool owner and name (None: the renter's default pool), days, how long ago it was rented
DEMO_RENTALS = (
    ("alice", ("alice", "Platform Team"), 30, timedelta(0)),
    ("bob", ("alice", "Platform Team"), 7, timedelta(0)),
    ("bob", ("bob", "Staging"), 14, timedelta(0)),
    ("carol", None, 3, timedelta(0)),
    # Ends a minute inside the first REMINDER_HOURS mark (72 hours by default), so the worker's first
    # run tells alice (its renter and the pool's owner) and bob (the pool's admin) that it ends in 3 days.
    ("alice", ("alice", "Platform Team"), 7, timedelta(days=4, minutes=1)),
)

# --- Where servers are ----------------------------------------------------------------------------

# country, region, city, datacenter, short city code, price factor
LOCATIONS = (
    ("US", "us-east", "New York", "NYC-DC1", "nyc", 1.00),
    ("US", "us-east", "Ashburn", "IAD-DC2", "iad", 0.95),
    ("US", "us-central", "Chicago", "ORD-DC1", "ord", 0.95),
    ("US", "us-central", "Dallas", "DFW-DC3", "dfw", 0.92),
    ("US", "us-west", "Los Angeles", "LAX-DC1", "lax", 1.00),
    ("US", "us-west", "San Jose", "SJC-DC2", "sjc", 1.05),
    ("US", "us-west", "Seattle", "SEA-DC1", "sea", 1.00),
    ("CA", "ca-east", "Montreal", "YUL-DC1", "yul", 0.95),
    ("CA", "ca-central", "Toronto", "YYZ-DC2", "yyz", 1.00),
    ("BR", "sa-east", "Sao Paulo", "GRU-DC1", "gru", 1.35),
    ("GB", "eu-west", "London", "LON-DC4", "lon", 1.10),
    ("NL", "eu-west", "Amsterdam", "AMS-DC2", "ams", 1.00),
    ("FR", "eu-west", "Paris", "PAR-DC1", "par", 1.00),
    ("FR", "eu-west", "Roubaix", "RBX-DC7", "rbx", 0.85),
    ("DE", "eu-central", "Frankfurt", "FRA-DC1", "fra", 1.00),
    ("DE", "eu-central", "Falkenstein", "FSN-DC14", "fsn", 0.80),
    ("DE", "eu-central", "Nuremberg", "NBG-DC3", "nbg", 0.82),
    ("PL", "eu-central", "Warsaw", "WAW-DC1", "waw", 0.90),
    ("FI", "eu-north", "Helsinki", "HEL-DC1", "hel", 0.85),
    ("SE", "eu-north", "Stockholm", "ARN-DC1", "arn", 0.95),
    ("SG", "ap-southeast", "Singapore", "SIN-DC1", "sin", 1.30),
    ("JP", "ap-northeast", "Tokyo", "NRT-DC1", "tyo", 1.30),
    ("JP", "ap-northeast", "Osaka", "KIX-DC1", "osa", 1.25),
    ("IN", "ap-south", "Mumbai", "BOM-DC1", "bom", 1.15),
    ("AU", "ap-oceania", "Sydney", "SYD-DC1", "syd", 1.40),
    ("ZA", "af-south", "Johannesburg", "JNB-DC1", "jnb", 1.30),
)

# --- What servers are -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cpu:
    model: str
    cores: int
    threads: int
    passmark: int
    geekbench_single: int
    geekbench_multi: int
    ram_types: tuple          # RAM types the platform takes
    ram_speed: int
    ram_sizes: tuple          # GB
    categories: tuple         # server categories built on it
    base_month: float         # dollars a month for the bare platform
    chassis: tuple = field(default=())


CPUS = (
    Cpu("Intel Xeon E3-1245 v2", 4, 8, 6400, 1000, 3600, ("DDR3", "ECC DDR3"), 1600, (16, 32),
        ("general",), 18, ("Supermicro X9SCM", "Fujitsu Primergy RX100 S7")),
    Cpu("Intel Core i7-4770", 4, 8, 7000, 1050, 3900, ("DDR3",), 1600, (16, 32),
        ("general",), 16, ("Custom Tower i7",)),
    Cpu("2x Intel Xeon E5-2670", 16, 32, 16500, 700, 7800, ("ECC DDR3",), 1333, (64, 128, 256),
        ("general", "memory", "storage"), 35, ("Dell PowerEdge R620", "HP ProLiant DL360p Gen8")),
    Cpu("AMD Ryzen 5 3600", 6, 12, 17800, 1250, 6500, ("DDR4",), 2666, (16, 32, 64),
        ("general", "compute"), 28, ("ASRock Rack X470D4U",)),
    Cpu("Intel Core i9-9900K", 8, 16, 18900, 1400, 8200, ("DDR4",), 2666, (32, 64),
        ("general", "compute"), 35, ("Custom 1U i9",)),
    Cpu("Intel Xeon E-2388G", 8, 16, 21000, 1750, 9100, ("ECC DDR4",), 3200, (32, 64, 128),
        ("general", "storage"), 55, ("Dell PowerEdge R350", "Supermicro SYS-5019C-M")),
    Cpu("2x Intel Xeon E5-2680 v4", 28, 56, 30500, 850, 11500, ("ECC DDR4",), 2400, (128, 256, 512),
        ("general", "memory", "storage"), 70, ("Dell PowerEdge R730", "HPE ProLiant DL380 Gen9")),
    Cpu("AMD Ryzen 9 5950X", 16, 32, 46000, 1700, 16500, ("DDR4", "ECC DDR4"), 3200, (64, 128),
        ("compute", "general"), 75, ("ASRock Rack X570D4U",)),
    Cpu("AMD Ryzen 9 7950X", 16, 32, 63000, 2150, 19800, ("DDR5", "ECC DDR5"), 4800, (64, 128, 192),
        ("compute", "general", "gpu"), 95, ("ASRock Rack B650D4U", "Supermicro AS-3015A-I")),
    Cpu("Intel Core i9-13900", 24, 32, 48000, 2250, 18500, ("DDR5",), 4800, (64, 128),
        ("compute", "general"), 90, ("Custom 1U i9-13900",)),
    Cpu("AMD EPYC 7302P", 16, 32, 30000, 1050, 10500, ("ECC DDR4",), 3200, (128, 256, 512),
        ("general", "storage", "memory"), 85, ("Supermicro AS-1114S-WTRT", "Dell PowerEdge R6515")),
    Cpu("AMD EPYC 7443P", 24, 48, 52000, 1350, 15600, ("ECC DDR4",), 3200, (128, 256, 512),
        ("compute", "storage", "gpu"), 130, ("Dell PowerEdge R7515", "Supermicro AS-2114S-WN24RT")),
    Cpu("AMD EPYC 7763", 64, 128, 88000, 1400, 27000, ("ECC DDR4",), 3200, (256, 512, 1024),
        ("compute", "memory", "gpu"), 260, ("Dell PowerEdge R7525", "HPE ProLiant DL385 Gen10 Plus")),
    Cpu("2x Intel Xeon Gold 6338", 64, 128, 72000, 1150, 24000, ("ECC DDR4",), 3200, (256, 512, 768, 1024),
        ("compute", "memory"), 240, ("Lenovo ThinkSystem SR650 V2", "Dell PowerEdge R750")),
    Cpu("Intel Xeon Gold 5412U", 24, 48, 50000, 1600, 17000, ("ECC DDR5",), 4800, (128, 256, 512),
        ("general", "storage", "compute"), 150, ("Supermicro SYS-121H-TNR", "Dell PowerEdge R660xs")),
    Cpu("AMD EPYC 9454P", 48, 96, 96000, 1900, 30000, ("ECC DDR5",), 4800, (256, 384, 512, 768),
        ("compute", "memory", "gpu"), 280, ("Supermicro AS-1115CS-TNR", "Dell PowerEdge R6615")),
    Cpu("AMD EPYC 9654", 96, 192, 125000, 1950, 41000, ("ECC DDR5",), 4800, (384, 768, 1024),
        ("compute", "memory", "gpu"), 420, ("Dell PowerEdge R7625", "HPE ProLiant DL385 Gen11")),
    Cpu("Intel Xeon Platinum 8480+", 56, 112, 92000, 1800, 29000, ("ECC DDR5",), 4800, (512, 768, 1024),
        ("memory", "gpu"), 450, ("Supermicro SYS-221H-TNR", "Lenovo ThinkSystem SR650 V3")),
)

GPUS = (("NVIDIA RTX 4000 SFF Ada", 90), ("NVIDIA RTX A5000", 160), ("NVIDIA L40S", 450),
        ("NVIDIA A100 80GB", 900), ("NVIDIA H100 80GB", 1800))

INTERFACES = {
    "HDD": ("SATA 6Gb/s",),
    "SAS": ("SAS 12Gb/s",),
    "SSD": ("SATA 6Gb/s",),
    "NVMe": ("PCIe 3.0", "PCIe 4.0", "PCIe 4.0", "PCIe 5.0"),
}
# Disk layouts per category: (count, capacity_gb, type) entries.
DISK_LAYOUTS = {
    "general": (
        ((2, 480, "SSD"),), ((2, 960, "SSD"),), ((2, 512, "NVMe"),), ((2, 1000, "NVMe"),),
        ((2, 2000, "HDD"),), ((1, 480, "SSD"), (2, 4000, "HDD")), ((2, 1920, "NVMe"),),
        ((2, 600, "SAS"),),
    ),
    "compute": (
        ((2, 960, "NVMe"),), ((2, 1920, "NVMe"),), ((2, 3840, "NVMe"),), ((1, 1000, "NVMe"),),
        ((2, 480, "SSD"), (2, 1920, "NVMe")),
    ),
    "memory": (
        ((2, 1920, "NVMe"),), ((4, 3840, "NVMe"),), ((2, 960, "SSD"),), ((2, 960, "SSD"), (2, 3840, "NVMe")),
    ),
    "storage": (
        ((2, 480, "SSD"), (12, 16000, "HDD")), ((8, 8000, "SAS"),), ((2, 240, "SSD"), (24, 4000, "HDD")),
        ((2, 1000, "NVMe"), (4, 20000, "HDD")), ((2, 480, "SSD"), (10, 2400, "SAS")),
        ((2, 1920, "NVMe"), (6, 15360, "NVMe")), ((4, 10000, "HDD"),), ((1, 960, "SSD"), (12, 18000, "SAS")),
    ),
    "gpu": (
        ((2, 1920, "NVMe"),), ((2, 3840, "NVMe"),), ((4, 7680, "NVMe"),), ((2, 960, "SSD"), (2, 3840, "NVMe")),
    ),
}
# Dollars a month per TB of each disk type.
DISK_TB_MONTH = {"HDD": 1.2, "SAS": 2.0, "SSD": 4.0, "NVMe": 5.5}
# Share of the per-day price paid per day for each duration: longer rentals cost less a day.
DURATION_FACTORS = {1: 1.00, 3: 0.95, 7: 0.88, 14: 0.82, 30: 0.72, 90: 0.64}
DURATION_SETS = ((1, 7, 30), (1, 3, 7, 14, 30, 90), (1, 7, 30, 90), (7, 30, 90), (30, 90), (1, 3, 7),
                 (1, 7, 14, 30), (3, 7, 30))
BANDWIDTHS = ((1000, 45), (10000, 35), (25000, 10), (500, 10))          # Mbps, weight
TRAFFIC_TB = (10, 20, 30, 50, 100)
CATEGORY_WEIGHTS = {"general": 30, "compute": 30, "memory": 15, "storage": 15, "gpu": 10}
SETUP_MINUTES = (15, 30, 45, 60, 120, 240)
# The first servers: (category, RAM type, disk type) so that even a small demo shows every one.
COVERAGE = (
    ("general", "DDR3", "HDD"),
    ("compute", "DDR4", "NVMe"),
    ("memory", "ECC DDR4", "SSD"),
    ("storage", "ECC DDR3", "SAS"),
    ("gpu", "ECC DDR5", "NVMe"),
    ("compute", "DDR5", "SSD"),
)
assert set(CATEGORY_WEIGHTS) == set(SERVER_CATEGORIES) == {c for c, _, _ in COVERAGE}
assert {r for _, r, _ in COVERAGE} == set(RAM_TYPES) and {d for _, _, d in COVERAGE} == set(DISK_TYPES)


def demo_server_id(name: str) -> str:
    return hashlib.sha256(f"seed-demo:{name}".encode()).hexdigest()[:24]


class _Weighted:
    """Items with weights, drawn with one random number each."""

    def __init__(self, weighted):
        self.items = [item for item, _ in weighted]
        self.cumulative = list(itertools.accumulate(weight for _, weight in weighted))

    def draw(self, rng: random.Random):
        return rng.choices(self.items, cum_weights=self.cumulative)[0]


_CATEGORY = _Weighted(CATEGORY_WEIGHTS.items())
_BANDWIDTH = _Weighted(BANDWIDTHS)
_SCORE_TYPE = _Weighted((("passmark", 80), ("geekbench_multi", 12), ("geekbench_single", 8)))
_IPV4_COUNT = _Weighted(((1, 70), (2, 10), (5, 10), (8, 5), (16, 5)))
_CPUS_FOR = {category: [cpu for cpu in CPUS if category in cpu.categories] for category in SERVER_CATEGORIES}


def _round_price(dollars: float) -> int:
    """Cents, to a price a shop would print: whole dollars from $100, 10 cents below."""
    if dollars >= 100:
        return max(100, round(dollars) * 100)
    return max(10, round(dollars * 10) * 10)


def demo_record(index: int, rng: random.Random) -> dict:
    """The ``index``-th demo server as an import record (the first few follow ``COVERAGE``)."""
    if index < len(COVERAGE):
        category, wanted_ram, wanted_disk = COVERAGE[index]
    else:
        category, wanted_ram, wanted_disk = _CATEGORY.draw(rng), None, None
    cpu = rng.choice([cpu for cpu in _CPUS_FOR[category] if wanted_ram in cpu.ram_types] if wanted_ram
                     else _CPUS_FOR[category])
    ram_type = wanted_ram or rng.choice(cpu.ram_types)
    ram_gb = rng.choice(cpu.ram_sizes)
    if category == "memory":
        ram_gb = max(cpu.ram_sizes)

    layouts = DISK_LAYOUTS[category]
    if wanted_disk:
        layouts = tuple(layout for layout in layouts if any(d[2] == wanted_disk for d in layout))
    layout = rng.choice(layouts)
    config = [{"count": count, "capacity_gb": capacity, "type": kind, "interface": rng.choice(INTERFACES[kind])}
              for count, capacity, kind in layout]

    country, region, city, datacenter, code, location_factor = rng.choice(LOCATIONS)
    bandwidth = _BANDWIDTH.draw(rng)
    unlimited = rng.random() < (0.45 if bandwidth <= 1000 else 0.15)
    traffic = None if unlimited else rng.choice(TRAFFIC_TB)
    is_vm = category in ("general", "compute") and rng.random() < 0.12
    score_type = _SCORE_TYPE.draw(rng)
    score = {"passmark": cpu.passmark, "geekbench_single": cpu.geekbench_single,
             "geekbench_multi": cpu.geekbench_multi}[score_type]
    score = int(score * rng.uniform(0.96, 1.04))

    model = rng.choice(cpu.chassis) if cpu.chassis else cpu.model
    month = cpu.base_month + ram_gb * 0.45
    month += sum(d["count"] * d["capacity_gb"] / 1000 * DISK_TB_MONTH[d["type"]] for d in config)
    month += {500: -5, 1000: 0, 10000: 25, 25000: 70}[bandwidth] + (8 if unlimited else 0)
    if category == "gpu":
        gpu, gpu_month = rng.choice(GPUS)
        gpu_count = rng.choice((1, 2, 4, 8)) if gpu_month >= 450 else rng.choice((1, 2))
        month += gpu_count * gpu_month
        model = f"{model} ({gpu_count}x {gpu})"
    if is_vm:
        month *= 0.6
        model = f"Virtual machine on {model}"
    month *= location_factor * rng.uniform(0.92, 1.08)
    per_day = month / 30 * 1.5  # short rentals pay a premium over the monthly rate
    durations = rng.choice(DURATION_SETS)
    prices = {str(days): format_cents(_round_price(per_day * DURATION_FACTORS[days] * days))
              for days in durations}

    name = f"node-{country.lower()}-{code}-{index + 1}"
    return {
        "id": demo_server_id(name),
        "name": name,
        "country": country,
        "region": region,
        "city": city,
        "datacenter": datacenter,
        "model": model,
        "is_vm": is_vm,
        "category": category,
        "featured": rng.random() < 0.10,
        "popularity_rank": rng.randint(1, 500),
        "setup_time_minutes": rng.choice((5, 10)) if is_vm else rng.choice(SETUP_MINUTES),
        "pricing": {"prices": prices},
        "specs": {
            "cpu": {"model": cpu.model, "cores": cpu.cores, "threads": cpu.threads, "score": score,
                    "score_type": score_type},
            "ram": {"capacity_gb": ram_gb, "type": ram_type, "speed_mhz": cpu.ram_speed},
            "disks": {"config": config},
            "network": {"bandwidth_mbps": bandwidth, "traffic_tb": traffic, "traffic_unlimited": unlimited},
            "additional": {"ipv4_count": _IPV4_COUNT.draw(rng),
                           "ipv6_enabled": rng.random() < 0.9},
        },
    }


def demo_records(count: int = DEMO_SERVER_COUNT, seed: int = DEMO_SEED) -> Iterator[dict]:
    """The first ``count`` demo servers; server ``i`` is the same whatever ``count`` is."""
    rng = random.Random(seed)
    for index in range(count):
        yield demo_record(index, rng)


# --- Seeding --------------------------------------------------------------------------------------


@dataclass
class SeedReport:
    created: dict = field(default_factory=lambda: {"users": [], "pools": [], "memberships": [], "rentals": [],
                                                   "webhooks": []})
    existing: dict = field(default_factory=lambda: {"users": [], "pools": [], "memberships": [], "rentals": [],
                                                    "webhooks": []})
    servers_created: int = 0
    servers_existing: int = 0


def _pool(owner: User, name: str) -> Pool | None:
    return db.session.scalar(select(Pool).where(Pool.owner_id == owner.id, Pool.name == name))


def _give_verified_address(user: User, address: str) -> None:
    """Set the address and follow its verification link, as the user would (the link is made here
    rather than read from a mail: seeding sends none)."""
    account_settings.update_settings(user, {"email": address})
    account_settings.verify_email(verification.token_for(user.id, address))


def seed_demo(server_count: int = DEMO_SERVER_COUNT) -> SeedReport:
    """Create whatever part of the demo is missing; report what was created and what was there."""
    report = SeedReport()
    users = {}
    for username, alias, is_admin, balance in DEMO_USERS:
        user = accounts.find_user(username)
        if user is None:
            user = accounts.create_user(username, DEMO_PASSWORD, alias=alias, is_admin=is_admin,
                                        balance_cents=balance)
            _give_verified_address(user, f"{username}@{DEMO_MAIL_DOMAIN}")
            report.created["users"].append(username)
        else:
            report.existing["users"].append(username)
        users[username] = user

    for owner, name, description, settings in DEMO_POOLS:
        label = f"{name} ({owner})"
        if _pool(users[owner], name) is None:
            pools.create_pool(users[owner], name, description, settings)
            report.created["pools"].append(label)
        else:
            report.existing["pools"].append(label)

    for owner, pool_name, member, role, accepted in DEMO_MEMBERSHIPS:
        pool = _pool(users[owner], pool_name)
        label = f"{member} in {pool_name} ({role}{'' if accepted else ', invitation pending'})"
        existing = db.session.scalar(
            select(Membership).where(Membership.pool_id == pool.id, Membership.user_id == users[member].id)
        )
        if existing is not None:
            report.existing["memberships"].append(label)
            continue
        invitation = pools.invite_member(users[owner], pool.id, member, role)
        if accepted:
            pools.accept_invitation(users[member], invitation.id)
        report.created["memberships"].append(label)

    _seed_webhook(users[DEMO_USERS[0][0]], report)
    report.servers_created = inventory.import_servers(
        demo_records(server_count), skip_existing=True, chunk_size=DEMO_CHUNK_SIZE
    )
    report.servers_existing = server_count - report.servers_created
    _seed_rentals(users, report)
    return report


def _seed_webhook(user: User, report: SeedReport) -> None:
    """With the demo's receiver on (scripts/demo), the first demo user's webhook endpoint points at it."""
    if not webhook_demo_receiver.is_on():
        return
    done = webhook_demo_receiver.ensure_endpoint(user, current_app.config["PUBLIC_URL"])
    label = f"{user.username}'s endpoint at {webhook_demo_receiver.PATH}"
    if done == "moved":
        label += f" (moved to {current_app.config['PUBLIC_URL']})"
    (report.created if done in ("created", "moved") else report.existing)["webhooks"].append(label)


def _free_server_offering(days: int) -> str | None:
    """The most popular server nobody holds that can be rented for ``days``."""
    return db.session.scalar(
        select(Server.id)
        .join(ServerPrice, (ServerPrice.server_id == Server.id) & (ServerPrice.days == days))
        .where(marketplace.available(utcnow()))
        .order_by(Server.popularity_rank, Server.id)
        .limit(1)
    )


def _seed_rentals(users: dict, report: SeedReport) -> None:
    """A few rentals, paid from the demo wallets like any other; made once, while none exist."""
    demo_user_ids = [user.id for user in users.values()]
    if db.session.scalar(select(Rental.id).where(Rental.user_id.in_(demo_user_ids)).limit(1)):
        report.existing["rentals"].append("the demo users have rentals")
        return
    now = utcnow()
    for renter, pool_key, days, ago in DEMO_RENTALS:
        pool = _pool(users[pool_key[0]], pool_key[1]) if pool_key else None
        server_id = _free_server_offering(days)
        if server_id is None:
            continue
        with as_of(now - ago):  # rented, paid and scheduled as it would have been then
            rentals.rent_server(users[renter], server_id, days, pool.id if pool else None)
        when = f", {ago.days} days ago" if ago else ""
        report.created["rentals"].append(f"{renter} for {days} days in {pool_key[1] if pool_key else 'Default'}{when}")
