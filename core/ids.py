"""Ids are 24 lowercase hex characters: a 4-byte timestamp and 8 random bytes, as ObjectIds.

The one home of their pattern: ids are made and shown in lower case (``CANONICAL_ID``), and
accepted in any case (``ID_PATTERN``), then normalized.
"""
import re
import secrets
import time

CANONICAL_ID = "[0-9a-f]{24}"  # an id as made and shown, for use inside a larger pattern
CANONICAL_ID_PATTERN = f"^{CANONICAL_ID}$"
ID_PATTERN = re.compile(r"^[0-9a-fA-F]{24}$")  # an id as accepted


def new_id() -> str:
    return f"{int(time.time()) & 0xFFFFFFFF:08x}{secrets.token_hex(8)}"


def is_valid_id(value: object) -> bool:
    return isinstance(value, str) and ID_PATTERN.match(value) is not None


def normalize_id(value: str) -> str | None:
    """The canonical (lowercase) form of an id, or None when it is not one."""
    return value.lower() if is_valid_id(value) else None
