"""The wallet: balance and transactions."""
from flask import request

from services import wallet
from services.paging import parse_page
from views.api import api
from views.api import serializers as out
from views.api.support import api_user, ok


@api.get("/wallet/balance")
def balance():
    return ok(out.balance(wallet.balance_cents(api_user())), "Balance retrieved successfully")


@api.get("/wallet/transactions")
def transactions():
    items, total = wallet.transactions(api_user(), parse_page(request.args))
    return ok([out.wallet_transaction(t) for t in items], "Transactions retrieved successfully", total=total)
