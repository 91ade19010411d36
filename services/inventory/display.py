"""How a server's derived values read: disk summaries, bandwidth, and the price tiers.

Prices are shown from ``pricing(prices)``, which is computed when a server's prices are written and
stored with it (``servers.pricing``), since prices change only when an administrator edits them and
the marketplace shows hundreds of them a page.
"""
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from core.money import format_cents


def _format_capacity(capacity_gb: int) -> str:
    """``1000`` -> ``"1TB"``, ``1920`` -> ``"1.92TB"``, ``480`` -> ``"480GB"`` (decimal units, as disks are sold)."""
    if capacity_gb < 1000:
        return f"{capacity_gb}GB"
    whole, rest = divmod(capacity_gb, 1000)
    return f"{whole}TB" if rest == 0 else f"{whole}.{rest:03d}".rstrip("0") + "TB"


def disk_summary(config: Iterable[dict]) -> str:
    """``"2x1TB NVMe + 6x15TB NVMe"``."""
    return " + ".join(f"{d['count']}x{_format_capacity(d['capacity_gb'])} {d['type']}" for d in config)


def traffic_tb(value: float | None) -> int | float | None:
    """Monthly traffic as the API shows it: ``20.0`` -> ``20``, ``0.5`` stays, unlimited (None) stays None."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


@lru_cache(maxsize=1024)  # a few dozen distinct speeds, shown 50 at a time
def format_bandwidth(mbps: int) -> str:
    """``10000`` -> ``"10 Gbps"``, ``2500`` -> ``"2.5 Gbps"``, ``500`` -> ``"500 Mbps"``."""
    for size, unit in ((1_000_000, "Tbps"), (1000, "Gbps")):
        if mbps >= size:
            value = (Decimal(mbps) / size).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
            return f"{value:f} {unit}"
    return f"{mbps} Mbps"


def _half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` (denominator > 0) rounded to a whole number, halves away from zero."""
    quotient = (2 * abs(numerator) + denominator) // (2 * denominator)
    return -quotient if numerator < 0 else quotient


def price_tiers(prices: dict[int, int]) -> dict[str, dict]:
    """``{days: cents}`` -> ``{"<days>": {"days", "price", "price_per_day", "discount_percent"}}``.

    ``{1: 1200, 7: 7000}`` gives ``"7": {"days": 7, "price": "70.00", "price_per_day": "10.00",
    "discount_percent": 16.67}``.

    ``price_per_day`` is rounded half up to the cent; ``discount_percent`` compares the per-day rate
    with the 1-day rate (or the shortest duration's when there is no 1-day price), rounded to 2
    decimals; it is 0 for that base duration and negative if a duration costs more per day.
    """
    if not prices:
        return {}
    # Whole-number arithmetic (a page of the marketplace computes a few hundred of these).
    ordered = sorted(prices.items())
    base_days, base_cents = ordered[0]
    tiers = {}
    for days, cents in ordered:
        discount: int | float = 0
        if base_cents:
            # 100 * (1 - (cents / days) / (base_cents / base_days)), in hundredths
            hundredths = _half_up(10000 * (days * base_cents - cents * base_days), days * base_cents)
            discount = hundredths // 100 if hundredths % 100 == 0 else hundredths / 100
        tiers[str(days)] = {
            "days": days,
            "price": format_cents(cents),
            "price_per_day": format_cents(_half_up(cents, days)),
            "discount_percent": discount,
        }
    return tiers


def pricing(prices: dict[int, int]) -> dict:
    """The browse object's ``pricing`` for ``{days: cents}``: the prices in dollars and their tiers."""
    prices = dict(sorted(prices.items()))
    return {"prices": {str(days): format_cents(cents) for days, cents in prices.items()},
            "price_tiers": price_tiers(prices)}
