"""UTC time for the whole application.

Everything asks ``utcnow()`` for the time so that tests can move the clock
(``set_clock``) instead of sleeping.
"""
from datetime import datetime, timezone
from typing import Callable

_clock: Callable[[], datetime] | None = None


def utcnow() -> datetime:
    if _clock is not None:
        return _clock()
    return datetime.now(timezone.utc)


def set_clock(clock: Callable[[], datetime] | None) -> None:
    global _clock
    _clock = clock


def isoformat(value: datetime | None) -> str | None:
    """``2025-01-21T22:00:00.000Z``: UTC with milliseconds, as the API speaks."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
