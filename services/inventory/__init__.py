"""The inventory: what a valid server record is, how records become rows, and how a server's values read.

One definition serves every way servers arrive (``flask servers import``, ``flask seed-demo``, the
admin pages and the API): a record is the marketplace's browse object (see
``docs/inventory-format.md``) with ``pricing.prices`` filled in.

- ``records``: the schema and its validation (``validate_records``, ``validate_record``, ``server_record``).
- ``importing``: records to rows (``build_server``, ``import_servers``, the derived columns).
- ``display``: how values read (``price_tiers``, ``pricing``, ``disk_summary``, ``format_bandwidth``).

The API's JSON shapes of a server are in ``views.api.serializers``.
"""
from services.inventory.display import disk_summary, format_bandwidth, price_tiers, pricing
from services.inventory.importing import DISK_TYPE_BITS, build_server, import_servers
from services.inventory.records import (
    DAYS_RULE,
    PRICE_RULE,
    format_error,
    gc_paused,
    server_record,
    validate_record,
    validate_records,
)

__all__ = [
    "DAYS_RULE", "DISK_TYPE_BITS", "PRICE_RULE", "build_server", "disk_summary", "format_bandwidth",
    "format_error", "gc_paused", "import_servers", "price_tiers", "pricing", "server_record",
    "validate_record", "validate_records",
]
