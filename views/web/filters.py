"""Every template filter of the pages, registered here once for every template of the app."""
import re
from datetime import datetime, timezone
from decimal import Decimal

from markupsafe import Markup, escape

from core.money import format_cents
from core.timeutil import isoformat, utcnow
from services import scoped_tokens
from services.token_addresses import shown
from views.web import web
from views.web.rental_forms import category_name, days_label

TOKEN_ACTIVE, TOKEN_EXPIRED, TOKEN_REVOKED, TOKEN_DISABLED = "Active", "Expired", "Revoked", "Disabled"
_REGIONAL_INDICATOR_A = 0x1F1E6
_BACKTICKS = re.compile(r"`([^`]+)`")


def dollars(cents: int) -> str:
    """``123456`` -> ``"$1,234.56"``: the API's amount, with thousands grouped for reading."""
    whole, fraction = format_cents(abs(cents)).split(".")
    return f"{'-' if cents < 0 else ''}${int(whole):,}.{fraction}"


def when(value: datetime | None, empty: str = "Never", zone: bool = True) -> str:
    """A time as people read it, in UTC like everything else the service shows."""
    if value is None:
        return empty
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.strftime("%d %b %Y, %H:%M") + (" UTC" if zone else "")


def isotime(value: datetime | None) -> str:
    """The API's form of a time, for ``<time datetime>``."""
    return isoformat(value) or ""


def flag(country: str) -> str:
    """``"US"`` -> the flag emoji (a pair of regional indicator letters)."""
    if len(country) != 2 or not country.isascii() or not country.isalpha():
        return ""
    return "".join(chr(_REGIONAL_INDICATOR_A + ord(letter) - ord("A")) for letter in country.upper())


def storage(gb: int) -> str:
    """``480`` -> ``"480 GB"``, ``3840`` -> ``"3.84 TB"`` (decimal units, as disks are sold)."""
    if gb < 1000:
        return f"{gb} GB"
    return f"{(Decimal(gb) / 1000).quantize(Decimal('0.01')).normalize():f} TB"


def token_status(token) -> str:
    if token.revoked_at is not None:
        return TOKEN_REVOKED
    if not token.is_enabled:
        return TOKEN_DISABLED
    return TOKEN_ACTIVE if token.is_usable(utcnow()) else TOKEN_EXPIRED


def inline_code(text: str) -> Markup:
    """Escapes ``text`` and turns its `backticked` parts into ``<code>``."""
    return Markup(_BACKTICKS.sub(lambda m: f"<code>{m.group(1)}</code>", str(escape(text))))


FILTERS = {
    "dollars": dollars,
    "when": when,
    "isotime": isotime,
    "flag": flag,
    "storage": storage,
    "category": category_name,
    "days": days_label,
    "token_status": token_status,
    "token_permissions": lambda token: scoped_tokens.summary(token, token.user.is_admin),
    "token_addresses": lambda token: ", ".join(shown(token.ip_whitelist)),
    "inline_code": inline_code,
}

for _name, _function in FILTERS.items():
    web.add_app_template_filter(_function, _name)
