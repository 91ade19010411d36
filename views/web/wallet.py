"""The wallet: the balance and every transaction that moved it with its invoice, and the ways to add money."""
from flask import request
from flask_login import current_user, login_required

from services import invoices
from services import wallet as wallet_service
from services.paging import parse_page
from views.downloads import pdf_response
from views.web import htmx, web
from views.web.pager import pager
from views.web.spending import status_with, wallet_spending_context

PAGE_SIZE = 25


def wallet_page(fragment: str = "wallet/_transactions.html", status: int = 200, **forms):
    from views.web.payments import money_in  # here: that module builds on this one

    page = parse_page(request.args, default_limit=PAGE_SIZE)
    transactions, total = wallet_service.transactions(current_user, page)
    spent = wallet_spending_context()
    return htmx.render("wallet/index.html", fragment, status=status_with(spent, status), transactions=transactions,
                       invoices=invoices.invoices_of_transactions([t.id for t in transactions]),
                       paging=pager(page, total, len(transactions), "web.wallet"),
                       balance_cents=wallet_service.balance_cents(current_user), **spent,
                       **money_in(args=request.args if request.method == "GET" else None, **forms))


@web.get("/wallet")
@login_required
def wallet():
    return wallet_page()


@web.get("/wallet/invoices")
@login_required
def wallet_invoices():
    page = parse_page(request.args, default_limit=PAGE_SIZE)
    found, total = invoices.list_invoices(current_user, page)
    return htmx.render("wallet/invoices.html", "wallet/_invoices.html", invoices=found,
                       paging=pager(page, total, len(found), "web.wallet_invoices"))


@web.get("/wallet/invoices/<invoice_id>/pdf")
@login_required
def invoice_pdf(invoice_id: str):
    invoice, pdf = invoices.pdf_of(current_user, invoice_id)
    return pdf_response(invoice, pdf)
