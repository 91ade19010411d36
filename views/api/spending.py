"""What a wallet spent in a month, and a wallet's transactions as CSV: a person's own, and a pool's."""
from typing import Annotated

from flask import request
from pydantic import Field

from services import pools, spending, transaction_exports
from views.api import api
from views.api import examples as ex
from views.api.operations import operation
from views.api.response_schemas import Id, Out
from views.api.support import api_user
from views.csv_files import csv_file

Month = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", examples=["2025-01"])]
Date = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", json_schema_extra={"format": "date"},
                            examples=["2025-01-21"])]
Cents = Annotated[int, Field(ge=0)]
SignedCents = Annotated[int, Field(description="Refunds above the charges of the day make it negative")]


class DaySpent(Out):
    date: Date
    total_cents: SignedCents


class MemberSpent(Out):
    user_id: Id
    username: str
    total_cents: SignedCents
    limit_cents: Cents | None


class PoolSpending(Out):
    month: Month
    total_cents: SignedCents
    limit_cents: Cents | None
    by_member: list[MemberSpent]
    by_day: list[DaySpent]


class WalletSpending(Out):
    month: Month
    total_cents: SignedCents
    by_day: list[DaySpent]


SPENDING_EXAMPLE = {
    "month": "2025-01", "total_cents": 32000, "limit_cents": 100000,
    "by_member": [{"user_id": "507f1f77bcf86cd799439300", "username": "team_lead", "total_cents": 25000,
                   "limit_cents": 40000},
                  {"user_id": "507f1f77bcf86cd799439301", "username": "joe_user", "total_cents": 7000,
                   "limit_cents": 40000}],
    "by_day": [{"date": "2025-01-01", "total_cents": 0}, {"date": "2025-01-02", "total_cents": 32000}],
}
SPENT_MEANS = ("Spent: what the wallet paid for rentals and extensions, less what was refunded to it; transfers "
               "and credits are not spending. A movement counts in the calendar month (UTC) it happened in.")
CSV_MEANS = ("`text/csv`, oldest first, streamed. `amount` is signed dollars (a charge is negative); a text cell "
             "starting with `=`, `+`, `-` or `@` is written after an apostrophe so no spreadsheet runs it.")


def _days(by_day) -> list[dict]:
    return [{"date": day.day.isoformat(), "total_cents": day.total_cents} for day in by_day]


@api.get("/pools/<pool_id>/spending")
@operation(
    permission="financial.billing.read",
    tag="Pools", summary="What a pool spent in a month", message="Spending retrieved successfully",
    data=PoolSpending, query=spending.MonthQuery, example=SPENDING_EXAMPLE, error_examples=ex.POOL_NOT_FOUND,
    description=f"Any member; 404 for anyone else. {SPENT_MEANS} `by_member` lists every current member (0 for "
                "those who spent nothing) and every former member who spent that month, most spent first; "
                "`by_day` every day of the month. `limit_cents`: the pool's budget (null: no limit).",
)
def pool_spending(pool_id):
    month = spending.month_named(request.args.get("month"))
    figures = spending.pool_spending(pools.joined_pool(api_user(), pool_id), month)
    return {"month": month.name, "total_cents": figures.total_cents, "limit_cents": figures.limit_cents,
            "by_member": [{"user_id": member.user_id, "username": member.username,
                           "total_cents": member.total_cents, "limit_cents": member.limit_cents}
                          for member in figures.by_member],
            "by_day": _days(figures.by_day)}


@api.get("/wallet/spending")
@operation(
    permission="financial.billing.read",
    tag="Wallet", summary="What your wallet spent in a month", message="Spending retrieved successfully",
    data=WalletSpending, query=spending.MonthQuery,
    example={key: SPENDING_EXAMPLE[key] for key in ("month", "total_cents", "by_day")},
    description=f"Your own wallet (not the pools'). {SPENT_MEANS} `by_day`: every day of the month.",
)
def wallet_spending():
    figures = spending.wallet_spending(api_user(), spending.month_named(request.args.get("month")))
    return {"month": figures.month.name, "total_cents": figures.total_cents, "by_day": _days(figures.by_day)}


@api.get("/wallet/transactions/export")
@operation(
    permission="financial.billing.read",
    tag="Wallet", summary="Your wallet's transactions as CSV", message="Transactions exported",
    media_type="text/csv", query=transaction_exports.PeriodQuery,
    description=f"{CSV_MEANS} Columns: {', '.join(transaction_exports.COLUMNS)}.",
)
def export_wallet_transactions():
    within = transaction_exports.period(request.args.get("from"), request.args.get("to"))
    user_id = api_user().id
    return csv_file(lambda session: transaction_exports.wallet_csv(session, user_id, within),
                    within.filename("wallet-transactions"))


@api.get("/pools/<pool_id>/wallet/transactions/export")
@operation(
    permission="financial.billing.read",
    tag="Pools", summary="A pool wallet's transactions as CSV", message="Transactions exported",
    media_type="text/csv", query=transaction_exports.PeriodQuery, error_examples=ex.POOL_NOT_FOUND,
    description=f"Any member; 404 for anyone else. {CSV_MEANS} Columns: "
                f"{', '.join(transaction_exports.POOL_COLUMNS)} (`member`: the username of who moved the money).",
)
def export_pool_transactions(pool_id):
    within = transaction_exports.period(request.args.get("from"), request.args.get("to"))
    pool = pools.joined_pool(api_user(), pool_id)
    return csv_file(lambda session: transaction_exports.pool_csv(session, pool.id, within),
                    within.filename(f"pool-{pool.id}-transactions"))

