"""The wallet: balance and transactions."""
from flask import request

from services import wallet
from services.paging import parse_page
from views.api import api
from views.api import examples as ex
from views.api import serializers as out
from views.api.operations import operation
from views.api.response_schemas import Balance, WalletTransaction
from views.api.support import api_user


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
