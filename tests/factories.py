"""Rows the API cannot make yet (servers from the inventory, rentals), written straight to the database."""
from datetime import timedelta

from core.extensions import db
from core.timeutil import utcnow
from models import Rental
from services import inventory
from tests.records import RENTABLE_SERVER


def make_server(app, name: str = "node-us-nyc-1", setup_time_minutes: int = 15) -> str:
    """A server in the inventory, built the way an import builds one (derived columns included)."""
    record = {
        "name": name, "country": "US", "region": "us-east", "city": "New York", "datacenter": "NYC-DC1",
        "model": "Dell PowerEdge R750", "is_vm": False, "category": "compute", "featured": False,
        "popularity_rank": 1, "setup_time_minutes": setup_time_minutes,
        "pricing": {"prices": {"7": "70.00"}},
        "specs": {
            "cpu": {"model": "AMD EPYC 7763", "cores": 64, "threads": 128, "score": 48500, "score_type": "passmark"},
            "ram": {"capacity_gb": 256, "type": "ECC DDR5", "speed_mhz": 4800},
            "disks": {"config": [{"count": 2, "capacity_gb": 1000, "type": "NVMe", "interface": "PCIe 4.0"}]},
            "network": {"bandwidth_mbps": 10000, "traffic_tb": 100, "traffic_unlimited": False},
            "additional": {"ipv4_count": 1, "ipv6_enabled": True},
        },
    }
    with app.app_context():
        server = inventory.build_server(record)
        db.session.add(server)
        db.session.commit()
        return server.id


def make_rental(app, user_id: str, pool_id: str, server_id: str, days: int = 7, started_days_ago: float = 0,
                hold_days: int = 2) -> str:
    with app.app_context():
        start = utcnow() - timedelta(days=started_days_ago)
        end = start + timedelta(days=days)
        rental = Rental(user_id=user_id, pool_id=pool_id, server_id=server_id, rental_start=start,
                        rental_end=end, hold_days=hold_days, hold_until=end + timedelta(days=hold_days),
                        amount_cents=7000)
        db.session.add(rental)
        db.session.commit()
        return rental.id


def rental_pool(app, rental_id: str) -> str:
    with app.app_context():
        return db.session.get(Rental, rental_id).pool_id


def server_record(name: str, *, country: str = "US", region: str = "us-east", category: str = "compute",
                  featured: bool = False, popularity_rank: int = 1, prices: dict | None = None,
                  cpu_cores: int = 64, cpu_score: int = 48500, cpu_score_type: str = "passmark",
                  ram_gb: int = 256, ram_type: str = "ECC DDR5", disks=((2, 1000, "NVMe"),),
                  bandwidth_mbps: int = 10000, traffic_tb: float | None = 100) -> dict:
    """An import record from the attributes the marketplace filters on; ``disks`` holds
    ``(count, capacity_gb, type)`` and ``traffic_tb=None`` means unlimited traffic."""
    return {
        "name": name, "country": country, "region": region, "city": "Somewhere", "datacenter": "DC1",
        "model": "Dell PowerEdge R750", "is_vm": False, "category": category, "featured": featured,
        "popularity_rank": popularity_rank, "setup_time_minutes": 15,
        "pricing": {"prices": prices or {"7": "70.00"}},
        "specs": {
            "cpu": {"model": "AMD EPYC 7763", "cores": cpu_cores, "threads": cpu_cores * 2, "score": cpu_score,
                    "score_type": cpu_score_type},
            "ram": {"capacity_gb": ram_gb, "type": ram_type, "speed_mhz": 4800},
            "disks": {"config": [{"count": count, "capacity_gb": capacity, "type": kind, "interface": "PCIe 4.0"}
                                 for count, capacity, kind in disks]},
            "network": {"bandwidth_mbps": bandwidth_mbps, "traffic_tb": traffic_tb,
                        "traffic_unlimited": traffic_tb is None},
            "additional": {"ipv4_count": 1, "ipv6_enabled": True},
        },
    }


def make_servers(app, records: list[dict]) -> dict[str, str]:
    """Servers built from import records in one transaction; returns ``{name: id}``."""
    with app.app_context():
        servers = [inventory.build_server(record) for record in records]
        db.session.add_all(servers)
        db.session.commit()
        return {server.name: server.id for server in servers}


def add_server(app, **changes) -> str:
    """A server like the published example's; another one needs its own ``id`` and ``name``."""
    record = {**RENTABLE_SERVER, **changes}
    return make_servers(app, [record])[record["name"]]
