"""The wallet: balance and transactions."""
from flask import request

from services import wallet
from services.errors import NOT_FOUND
from services.paging import parse_page
from views.api import api
from views.api import examples as ex
from views.api import payment_schemas as pay
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
