"""The wallet: balance and transactions."""
from flask import request

from services import invoices, wallet
from services.errors import FORBIDDEN, NOT_FOUND
from services.paging import parse_page
from views.api import api
from views.api import examples as ex
from views.api import payment_schemas as pay
from views.api import serializers as out
from views.api.operations import operation
from views.api.response_schemas import Balance, InvoiceDetail, InvoiceList, WalletTransaction
from views.api.support import api_user
from views.downloads import pdf_response


@api.get("/wallet/balance")
@operation(permission="financial.wallet.read",
           tag="Wallet", summary="Your balance", message="Balance retrieved successfully", data=Balance,
           example=ex.BALANCE)
def balance():
    return out.balance(wallet.balance_cents(api_user()))


@api.get("/wallet/transactions")
@operation(
    permission="financial.wallet.read",
    tag="Wallet", summary="Your wallet transactions", message="Transactions retrieved successfully",
    data=list[WalletTransaction], paged=True, example=ex.TRANSACTIONS,
    description="Credits and charges, newest first. `amount` is always positive; `type` says the direction.",
)
def transactions():
    items, total = wallet.transactions(api_user(), parse_page(request.args))
    return [out.wallet_transaction(t) for t in items], total


# --- Invoices (the published paths) ---------------------------------------------------------------

INVOICE_LIST = dict(
    tag="Wallet", summary="Your invoices", message="Invoices retrieved successfully", data=InvoiceList,
    query=invoices.InvoicePage, counted=True, example=ex.INVOICES, errors=(FORBIDDEN,),
    error_examples=ex.INVOICES_OF_POOL_REFUSED,
    description="One for every transaction of your wallet, newest first: an invoice (`paid`) for money out, a "
                "credit note (`credit`) for money in, numbered without gaps per calendar year (`INV-2025-000123`). "
                "`pool_id` lists a pool's wallet instead, for its owner and admins (403 for anyone else).",
)


def _invoice_list():
    page = invoices.parse_page(request.args)
    found, total = invoices.list_invoices(api_user(), page, page.pool_id)
    return out.invoice_list(found, total, page.page, page.limit), total


@api.get("/wallet/invoices")
@operation(permission="financial.billing.read", **INVOICE_LIST)
def list_invoices():
    return _invoice_list()


@api.get("/wallet/invoices/")
@operation(permission="financial.billing.read",
           **{**INVOICE_LIST, "summary": "Your invoices (same as GET /wallet/invoices)"})
def list_invoices_slash():
    return _invoice_list()


@api.get("/wallet/invoices/<invoice_id>")
@operation(
    permission="financial.billing.read",
    tag="Wallet", summary="One invoice", message="Invoice retrieved successfully", data=InvoiceDetail,
    example=ex.INVOICE_DETAIL, error_examples=ex.INVOICE_NOT_FOUND,
    description="Yours, or one of the wallet of a pool you own or administer; 404 for anyone else's.",
)
def get_invoice(invoice_id: str):
    return out.invoice_detail(invoices.get_invoice(api_user(), invoice_id))


@api.get("/wallet/invoices/<invoice_id>/pdf")
@operation(
    permission="financial.billing.download_invoices",
    tag="Wallet", summary="An invoice as PDF", message="The invoice as a PDF file", media_type="application/pdf",
    error_examples=ex.INVOICE_NOT_FOUND,
    description="The invoice (or credit note) as issued: issuer, customer, number, dates, the line and the total. "
                "The file is named after the invoice number.",
)
def invoice_pdf(invoice_id: str):
    invoice, pdf = invoices.pdf_of(api_user(), invoice_id)
    return pdf_response(invoice, pdf)


# --- The published service's paths ----------------------------------------------------------------

@api.get("/wallet/balances")
@operation(permission="financial.wallet.read",
           tag="Wallet", summary="Your balances (published path)", message="Balances retrieved successfully",
           data=pay.Balances, example=pay.BALANCES,
           description="The published service's shape of `GET /wallet/balance`: the balance as a dollar string.")
def balances():
    return pay.balances(wallet.balance_cents(api_user()))


@api.get("/wallet/balances/general")
@operation(permission="financial.wallet.read",
           tag="Wallet", summary="Your general balance (published path)", message="Balance retrieved successfully",
           data=pay.GeneralBalance, example=pay.GENERAL_BALANCE,
           description="Your wallet: its id is your user id; `updated_at` is when the balance last moved.")
def general_balance():
    user = api_user()
    return pay.general_balance(user, wallet.balance_moved_at(user))


@api.get("/wallet/transactions/<transaction_id>")
@operation(permission="financial.wallet.read",
           tag="Wallet", summary="One of your transactions (published path)",
           message="Transaction retrieved successfully", data=WalletTransaction, example=pay.TRANSACTION,
           error_examples={NOT_FOUND: "Transaction not found"},
           description="A transaction of your own wallet, as `GET /wallet/transactions` lists it; 404 for anyone "
                       "else's and for a pool's.")
def get_transaction(transaction_id):
    return out.wallet_transaction(wallet.own_transaction(api_user(), transaction_id))
