"""What a wallet spent, by month, and a wallet's transactions as CSV: the pool page's and the wallet
page's spending sections alone (for htmx), and the downloads."""
from flask import redirect, request, url_for
from flask_login import current_user, login_required

from services import pools, spending, transaction_exports
from services.errors import BadRequest
from views.csv_files import csv_file
from views.web import htmx, web


# A month the page cannot show: the section shows this month instead, with why beside the picker (422).
MONTH_REFUSED = 422


def _month_asked() -> tuple[spending.Month, str | None]:
    """The month the page was asked for (this month by default); a bad one: this month, and why."""
    try:
        return spending.month_named(request.args.get("month")), None
    except BadRequest as refusal:
        return spending.month_named(None), refusal.message


def pool_spending_context(pool) -> dict:
    """The pool page's spending section, for the month the page was asked for."""
    month, refusal = _month_asked()
    return {"spending": spending.pool_spending(pool, month), "month_error": refusal}


def wallet_spending_context() -> dict:
    month, refusal = _month_asked()
    return {"spending": spending.wallet_spending(current_user, month), "month_error": refusal}


def status_with(context: dict, status: int = 200) -> int:
    """A page otherwise fine whose spending section could not show the month asked for: 422."""
    return MONTH_REFUSED if status == 200 and context.get("month_error") else status


@web.get("/pools/<pool_id>/spending")
@login_required
def pool_spending(pool_id: str):
    pool = pools.joined_pool(current_user, pool_id)
    if not htmx.is_htmx():
        return redirect(url_for("web.pool_detail", pool_id=pool.id, month=request.args.get("month")))
    context = pool_spending_context(pool)
    return htmx.fragment("pools/_spending.html", status_with(context), pool=pool, **context)


@web.get("/wallet/spending")
@login_required
def wallet_spending():
    if not htmx.is_htmx():
        return redirect(url_for("web.wallet", month=request.args.get("month")))
    context = wallet_spending_context()
    return htmx.fragment("wallet/_spending.html", status_with(context), **context)


@web.get("/wallet/transactions.csv")
@login_required
def export_wallet_transactions():
    within = transaction_exports.period(request.args.get("from"), request.args.get("to"))
    user_id = current_user.id
    return csv_file(lambda session: transaction_exports.wallet_csv(session, user_id, within),
                    within.filename("wallet-transactions"))


@web.get("/pools/<pool_id>/transactions.csv")
@login_required
def export_pool_transactions(pool_id: str):
    within = transaction_exports.period(request.args.get("from"), request.args.get("to"))
    pool = pools.joined_pool(current_user, pool_id)
    return csv_file(lambda session: transaction_exports.pool_csv(session, pool.id, within),
                    within.filename(f"pool-{pool.id}-transactions"))
