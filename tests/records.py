"""Server records the tests share: the published browse example, and import records made from it."""
import copy
from pathlib import Path

SAMPLE_FILE = Path(__file__).resolve().parent.parent / "docs" / "sample-servers.json"
DELETE = object()  # as a change to record(): leave the field out

# The seed's browse example, with prices filled in (and its tiers as this API computes them).
SEED_SERVER = {
    "id": "507f1f77bcf86cd799439014",
    "name": "node-us-nyc-1",
    "country": "US",
    "region": "us-east",
    "city": "New York",
    "datacenter": "NYC-DC1",
    "model": "Intel Xeon E5-2680 v4",
    "is_vm": False,
    "category": "compute",
    "featured": True,
    "popularity_rank": 1,
    "setup_time_minutes": 15,
    "pricing": {
        "prices": {"1": "12.00", "7": "70.00", "30": "240.00"},
        "price_tiers": {
            "1": {"days": 1, "price": "12.00", "price_per_day": "12.00", "discount_percent": 0},
            "7": {"days": 7, "price": "70.00", "price_per_day": "10.00", "discount_percent": 16.67},
            "30": {"days": 30, "price": "240.00", "price_per_day": "8.00", "discount_percent": 33.33},
        },
    },
    "specs": {
        "cpu": {"model": "AMD EPYC 7763", "cores": 64, "threads": 128, "score": 48500, "score_type": "passmark"},
        "ram": {"capacity_gb": 256, "type": "ECC DDR5", "speed_mhz": 4800},
        "disks": {
            "config": [
                {"count": 2, "capacity_gb": 1000, "type": "NVMe", "interface": "PCIe 4.0"},
                {"count": 6, "capacity_gb": 15000, "type": "NVMe", "interface": "PCIe 4.0"},
            ],
            "total_gb": 92000,
            "summary": "2x1TB NVMe + 6x15TB NVMe",
        },
        "network": {"bandwidth_mbps": 10000, "bandwidth_formatted": "10 Gbps", "traffic_tb": 100,
                    "traffic_unlimited": False},
        "additional": {"ipv4_count": 5, "ipv6_enabled": True},
    },
}


def record(**changes) -> dict:
    """The seed server as an import record (no computed fields), with changes at paths written with
    ``__`` (``specs__cpu__cores=0``); a change to ``DELETE`` removes the field."""
    data = copy.deepcopy(SEED_SERVER)
    del data["id"]
    del data["pricing"]["price_tiers"]
    del data["specs"]["disks"]["total_gb"]
    del data["specs"]["disks"]["summary"]
    del data["specs"]["network"]["bandwidth_formatted"]
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = data
        for part in parents:
            target = target[part]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value
    return data


# The seed's server with a 30-day price in cents, so that amounts can be fractional.
RENTABLE_SERVER = {**SEED_SERVER, "pricing": {"prices": {"1": "12.00", "7": "70.00", "30": "240.50"}}}
