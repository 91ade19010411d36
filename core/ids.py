"""Ids are 24 lowercase hex characters: a 4-byte timestamp and 8 random bytes, as ObjectIds."""
import re
import secrets
import time

ID_PATTERN = re.compile(r"^[0-9a-fA-F]{24}$")


def new_id() -> str:
    return f"{int(time.time()) & 0xFFFFFFFF:08x}{secrets.token_hex(8)}"


def is_valid_id(value: object) -> bool:
    return isinstance(value, str) and ID_PATTERN.match(value) is not None


def normalize_id(value: str) -> str | None:
    """The canonical (lowercase) form of an id, or None when it is not one."""
    return value.lower() if is_valid_id(value) else None
