"""The overview page's data, gathered in one call: what needs the user soon (rentals ending within a
week, with what extending them needs), what they have not read yet, how long their balance lasts at
today's renewal prices (``services.renewals``), and their pools and invitations.

Reads only, in a fixed number of queries whatever the account holds.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.timeutil import utcnow
from models import Notification, User
from services import inbox, pools, rental_views, renewals
from services.paging import Page

ENDING_WITHIN = timedelta(days=7)
ENDING_SHOWN = 20
UNREAD_SHOWN = 5
POOLS_SHOWN = 10


@dataclass
class Dashboard:
    now: datetime
    ending_soon: list[rental_views.RentalRow]  # the soonest first
    unread: list[Notification]  # the latest first, announcements not yet read included
    unread_count: int
    runway: renewals.Runway
    runs_short: bool  # the balance runs out within LOW_BALANCE_DAYS, as the warning says
    pools: list[pools.PoolSummary]
    pool_total: int
    invitation_count: int


def dashboard(user: User, now: datetime | None = None) -> Dashboard:
    now = now or utcnow()
    unread, unread_count = inbox.list_for(user, Page(limit=UNREAD_SHOWN), inbox.NotificationFilters(unread=True))
    summaries, pool_total = pools.list_pools(user, Page(limit=POOLS_SHOWN), now)
    runway = renewals.runway_of(user, now)
    return Dashboard(
        now=now,
        ending_soon=rental_views.rows_ending_between(user, now, now + ENDING_WITHIN, ENDING_SHOWN),
        unread=[seen.notification for seen in unread],
        unread_count=unread_count,
        runway=runway,
        runs_short=runway.runs_out_at is not None and runway.runs_out_at <= now + renewals.low_balance_window(),
        pools=summaries,
        pool_total=pool_total,
        invitation_count=pools.pending_invitation_count(user),
    )
