"""The wallet: the balance and every transaction that moved it."""
from flask import request
from flask_login import current_user, login_required

from services import wallet as wallet_service
from services.paging import parse_page
from views.web import htmx, web
from views.web.pager import pager
from views.web.spending import wallet_spending_context

PAGE_SIZE = 25


@web.get("/wallet")
@login_required
def wallet():
    page = parse_page(request.args, default_limit=PAGE_SIZE)
    transactions, total = wallet_service.transactions(current_user, page)
    return htmx.render("wallet/index.html", "wallet/_transactions.html", transactions=transactions,
                       paging=pager(page, total, len(transactions), "web.wallet"),
                       balance_cents=wallet_service.balance_cents(current_user), **wallet_spending_context(),
                       how_to_get_credit=wallet_service.how_to_get_credit())
