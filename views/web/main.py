"""The overview page, and the template filters every page uses."""
from datetime import datetime, timezone

from flask import render_template
from flask_login import current_user

from core.money import format_cents
from services import pools
from services.paging import Page
from views.web import web

OVERVIEW_POOL_LIMIT = 10


@web.app_template_filter("dollars")
def dollars(cents: int) -> str:
    """``7000`` -> ``"$70.00"``."""
    if cents < 0:
        return f"-${format_cents(-cents)}"
    return f"${format_cents(cents)}"


@web.app_template_filter("when")
def when(value: datetime | None, empty: str = "Never") -> str:
    """A time as people read it, in UTC like everything else the service shows."""
    if value is None:
        return empty
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.strftime("%d %b %Y, %H:%M UTC")


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
