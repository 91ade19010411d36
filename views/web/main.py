"""The overview page, and the template filters every page uses."""
from datetime import datetime, timezone

from flask import render_template
from flask_login import current_user

from core.money import format_cents
from core.timeutil import isoformat
from services import pools
from services.paging import Page
from views.web import web

OVERVIEW_POOL_LIMIT = 10


@web.app_template_filter("dollars")
def dollars(cents: int) -> str:
    """``123456`` -> ``"$1,234.56"``: the API's amount, with thousands grouped for reading."""
    whole, fraction = format_cents(abs(cents)).split(".")
    return f"{'-' if cents < 0 else ''}${int(whole):,}.{fraction}"


@web.app_template_filter("when")
def when(value: datetime | None, empty: str = "Never", zone: bool = True) -> str:
    """A time as people read it, in UTC like everything else the service shows."""
    if value is None:
        return empty
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.strftime("%d %b %Y, %H:%M") + (" UTC" if zone else "")


@web.app_template_filter("isotime")
def isotime(value: datetime | None) -> str:
    """The API's form of a time, for ``<time datetime>``."""
    return isoformat(value) or ""


@web.get("/")
def index():
    """The dashboard when logged in; a short introduction otherwise."""
    if not current_user.is_authenticated:
        return render_template("index.html")
    summaries, total = pools.list_pools(current_user, Page(limit=OVERVIEW_POOL_LIMIT))
    return render_template(
        "index.html",
        pools=summaries,
        pool_total=total,
        invitation_count=pools.pending_invitation_count(current_user),
    )
