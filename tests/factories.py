"""Rows the API cannot make yet (servers from the inventory, rentals), written straight to the database."""
from datetime import timedelta

from core.extensions import db
from core.timeutil import utcnow
from models import Rental, Server, ServerDiskType, ServerPrice


def make_server(app, name: str = "node-us-nyc-1", setup_time_minutes: int = 15, **columns) -> str:
    values = dict(
        name=name, country="US", region="us-east", city="New York", datacenter="NYC-DC1",
        model="Dell PowerEdge R750", is_vm=False, category="compute", featured=False, popularity_rank=1,
        setup_time_minutes=setup_time_minutes, cpu_model="AMD EPYC 7763", cpu_cores=64, cpu_threads=128,
        cpu_score=48500, cpu_score_type="passmark", ram_gb=256, ram_type="ECC DDR5", ram_speed_mhz=4800,
        disks=[{"count": 2, "capacity_gb": 1000, "type": "NVMe", "interface": "PCIe 4.0"}],
        total_storage_gb=2000, disk_summary="2x1TB NVMe", bandwidth_mbps=10000, traffic_tb=100.0,
        traffic_unlimited=False, ipv4_count=1, ipv6_enabled=True, min_price_per_day_millicents=1_000_000,
    )
    values.update(columns)
    with app.app_context():
        server = Server(**values)
        server.prices = [ServerPrice(days=7, price_cents=7000, price_per_day_millicents=1_000_000)]
        server.disk_types = [ServerDiskType(disk_type="NVMe")]
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
