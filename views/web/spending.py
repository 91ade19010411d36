"""What a wallet spent, by month, and a wallet's transactions as CSV: the pool page's and the wallet
page's spending sections alone (for htmx), and the downloads."""
from flask import redirect, request, url_for
from flask_login import current_user, login_required

from services import pools, spending, transaction_exports
from views.csv_files import csv_file
from views.web import htmx, web


def pool_spending_context(pool) -> dict:
    """The pool page's spending section, for the month the page was asked for (this month by default)."""
    return {"spending": spending.pool_spending(pool, spending.month_named(request.args.get("month")))}


def wallet_spending_context() -> dict:
    return {"spending": spending.wallet_spending(current_user, spending.month_named(request.args.get("month")))}


@web.get("/pools/<pool_id>/spending")
@login_required
def pool_spending(pool_id: str):
    pool = pools.joined_pool(current_user, pool_id)
    if not htmx.is_htmx():
        return redirect(url_for("web.pool_detail", pool_id=pool.id, month=request.args.get("month")))
    return htmx.fragment("pools/_spending.html", pool=pool, **pool_spending_context(pool))


@web.get("/wallet/spending")
@login_required
def wallet_spending():
    if not htmx.is_htmx():
        return redirect(url_for("web.wallet", month=request.args.get("month")))
    return htmx.fragment("wallet/_spending.html", **wallet_spending_context())


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
