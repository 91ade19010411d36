"""When an API token expires, as a client may write it: an ISO 8601 time with its offset, a Unix
timestamp (seconds), ``"today"`` or ``"tomorrow"`` (the end of that day, UTC)."""
import math
from datetime import datetime, time, timedelta, timezone

from core.timeutil import parse_timestamp, truncate_to_milliseconds, utcnow

WORDS = {"today": 1, "tomorrow": 2}  # days from the start of today to the end of the day named
_LATEST = datetime(9999, 1, 1, tzinfo=timezone.utc)


def parse_expiry(value) -> datetime:
    """The moment, or ``ValueError`` saying what is accepted; a time already past is refused too."""
    now = utcnow()
    if isinstance(value, bool):
        moment = None
    elif isinstance(value, (int, float)):
        moment = _from_unix(value)
    elif isinstance(value, str) and value.strip().lower() in WORDS:
        start = datetime.combine(now.astimezone(timezone.utc).date(), time(), tzinfo=timezone.utc)
        moment = start + timedelta(days=WORDS[value.strip().lower()])
    elif isinstance(value, str) and value.strip().isdigit():
        moment = _from_unix(int(value.strip()))
    elif isinstance(value, str):
        try:
            moment = parse_timestamp(value.strip())
        except ValueError:
            moment = None
    else:
        moment = None
    if moment is None:
        raise ValueError('must be an ISO 8601 time with its offset, a Unix timestamp, "today" or "tomorrow"')
    if moment <= now:
        raise ValueError("must be in the future")
    return truncate_to_milliseconds(moment)


def _from_unix(seconds: float) -> datetime | None:
    if not math.isfinite(seconds) or seconds < 0:
        return None
    moment = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=min(seconds, _LATEST.timestamp()))
    return min(moment, _LATEST)
