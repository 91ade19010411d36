"""UTC time for the whole application.

Everything asks ``utcnow()`` for the time so that tests can move the clock
(``set_clock``) instead of sleeping.
"""
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

_clock: Callable[[], datetime] | None = None


def utcnow() -> datetime:
    if _clock is not None:
        return _clock()
    return datetime.now(timezone.utc)


def set_clock(clock: Callable[[], datetime] | None) -> None:
    global _clock
    _clock = clock


@contextmanager
def as_of(moment: datetime) -> Iterator[None]:
    """Do what follows as if it were ``moment`` (the demo's rentals made days ago), then go back to the
    clock there was. For the command line, not for a server's threads: the clock is the process's."""
    previous = _clock
    set_clock(lambda: moment)
    try:
        yield
    finally:
        set_clock(previous)


def isoformat(value: datetime | None) -> str | None:
    """``2025-01-21T22:00:00.000Z``: UTC with milliseconds, as the API speaks."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def truncate_to_milliseconds(value: datetime) -> datetime:
    """Times the API shows (with milliseconds) are stored exactly, so a client can send one back."""
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


# What an ISO 8601 time is written with. ``datetime.fromisoformat`` takes any character between the
# date and the time and ignores some after it (a NUL, for one); a time is only these.
_TIMESTAMP_CHARACTERS = re.compile(r"[0-9Tt :.,+\-Zz]+")


def parse_timestamp(value: str) -> datetime:
    """``2025-01-28T22:00:00.000Z`` (or any ISO 8601 time with an offset) -> an aware UTC datetime.

    Raises ``ValueError`` for anything else, including a time without an offset.
    """
    try:
        if not _TIMESTAMP_CHARACTERS.fullmatch(value):
            raise ValueError(value)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("must be an ISO 8601 time such as 2025-01-28T22:00:00.000Z") from None
    if parsed.tzinfo is None:
        raise ValueError("must include a time zone, e.g. 2025-01-28T22:00:00.000Z")
    return parsed.astimezone(timezone.utc)
