"""The overview page."""
from flask import render_template
from flask_login import current_user

from services import pools
from services.paging import Page
from views.web import web

OVERVIEW_POOL_LIMIT = 10


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
