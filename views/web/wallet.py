"""The wallet: the balance and every transaction that moved it, and the ways to add money."""
from flask import request
from flask_login import current_user, login_required

from services import wallet as wallet_service
from services.paging import parse_page
from views.web import htmx, web
from views.web.pager import pager

PAGE_SIZE = 25


def wallet_page(fragment: str = "wallet/_transactions.html", status: int = 200, **forms):
    from views.web.payments import money_in  # here: that module builds on this one

    page = parse_page(request.args, default_limit=PAGE_SIZE)
    transactions, total = wallet_service.transactions(current_user, page)
    return htmx.render("wallet/index.html", fragment, status=status, transactions=transactions,
                       paging=pager(page, total, len(transactions), "web.wallet"),
                       balance_cents=wallet_service.balance_cents(current_user),
                       **money_in(args=request.args if request.method == "GET" else None, **forms))


@web.get("/wallet")
@login_required
def wallet():
    return wallet_page()
