"""The wallet: the balance and every transaction that moved it, with each one's invoice."""
from flask import request
from flask_login import current_user, login_required

from services import invoices
from services import wallet as wallet_service
from services.paging import parse_page
from views.downloads import pdf_response
from views.web import htmx, web
from views.web.pager import pager

PAGE_SIZE = 25


@web.get("/wallet")
@login_required
def wallet():
    page = parse_page(request.args, default_limit=PAGE_SIZE)
    transactions, total = wallet_service.transactions(current_user, page)
    return htmx.render("wallet/index.html", "wallet/_transactions.html", transactions=transactions,
                       invoices=invoices.invoices_of_transactions([t.id for t in transactions]),
                       paging=pager(page, total, len(transactions), "web.wallet"),
                       balance_cents=wallet_service.balance_cents(current_user),
                       how_to_get_credit=wallet_service.how_to_get_credit())


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
