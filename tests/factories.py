"""Rows the API cannot make yet (servers from the inventory, rentals), written straight to the database."""
from datetime import timedelta

from core.extensions import db
from core.timeutil import utcnow
from models import Rental
from services import inventory


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
