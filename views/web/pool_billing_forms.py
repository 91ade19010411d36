"""The pool page's money: the forms of the wallet and the budget (dollars at the edge, cents inside), and
what the wallet, budget and spend-request sections show. Who may do what is ``services.team_billing``'s."""
from dataclasses import dataclass

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, ValidationError

from core.limits import BUDGET_MAX_CENTS, TRANSFER_MAX_CENTS
from core.money import InvalidAmount, format_cents, parse_dollars
from core.timeutil import utcnow
from models import Pool, User
from services import ledger, spend_requests, spending, team_billing
from services.paging import Page

WALLET_TRANSACTIONS_SHOWN = 10
SPEND_REQUESTS_SHOWN = 20
DOLLARS = "Must be an amount of dollars with at most 2 decimals, such as 250 or 99.50"
_MONEY = {"inputmode": "decimal", "autocomplete": "off"}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _cents(text: str | None) -> int | None:
    """Cents of a dollar amount typed in a form, None for an empty box; ValidationError otherwise."""
    if not text:
        return None
    try:
        cents = parse_dollars(text)
    except InvalidAmount:
        raise ValidationError(DOLLARS) from None
    if cents < 0:
        raise ValidationError("Must not be negative")
    return cents


class PoolTransferForm(FlaskForm):
    amount = StringField("Amount in dollars", filters=[_strip], validators=[DataRequired("Enter an amount")],
                         render_kw={**_MONEY, "placeholder": "e.g. 50 or 49.99"},
                         description=f"Moved from your wallet into the pool's; at most {format_cents(TRANSFER_MAX_CENTS)}.")

    def validate_amount(self, field) -> None:
        self.cents = _cents(field.data)

    def add_transfer_errors(self, error) -> None:
        """The amount's problems beside it; anything else (a wallet short of it) above the form."""
        if error.details and error.details[0].get("field") == "amount_cents":
            self.amount.errors = [*self.amount.errors, f"Must be above zero and at most {format_cents(TRANSFER_MAX_CENTS)}"]
        else:
            self.form_errors = [*self.form_errors, error.message]


class BudgetForm(FlaskForm):
    monthly_limit = StringField("Monthly limit for the pool ($)", filters=[_strip], render_kw=_MONEY,
                                description="What may be paid from the pool's wallet in a calendar month (UTC). "
                                            "Empty: no limit.")
    member_monthly_limit = StringField("Monthly limit for each member ($)", filters=[_strip], render_kw=_MONEY,
                                       description="Empty: no limit.")
    approval_threshold = StringField("Approval needed above ($)", filters=[_strip], render_kw=_MONEY,
                                     description="A charge above this, by anyone but you, waits for your or an "
                                                 "admin's approval. Empty: none does.")
    members_may_spend = BooleanField("Members with the user role may pay from the pool's wallet")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.cents = {}
        for name in ("monthly_limit", "member_monthly_limit", "approval_threshold"):
            field = self[name]
            try:
                cents = _cents(field.data)
            except ValidationError as error:
                field.errors = [*field.errors, str(error)]
                valid = False
                continue
            if cents is not None and cents > BUDGET_MAX_CENTS:
                field.errors = [*field.errors, f"Must be at most {format_cents(BUDGET_MAX_CENTS)}"]
                valid = False
            self.cents[name] = cents
        return valid

    def show(self, pool: Pool) -> "BudgetForm":
        for name, cents in (("monthly_limit", pool.monthly_limit_cents),
                            ("member_monthly_limit", pool.member_monthly_limit_cents),
                            ("approval_threshold", pool.approval_threshold_cents)):
            self[name].data = format_cents(cents) if cents is not None else ""
        self.members_may_spend.data = team_billing.members_may_spend(pool)
        return self


@dataclass
class Billing:
    """What the pool page shows of the pool's money to ``user``."""

    pool: Pool
    role: str
    user: User
    transactions: list
    transaction_total: int
    requests: list  # SpendRequestView
    month: team_billing.MonthSpending
    now: object
    balance_cents: int  # read afresh: a transfer or a charge moves it behind the loaded pool

    @property
    def may_spend(self) -> bool:
        return team_billing.may_spend_from_pool(self.role, self.pool)

    @property
    def may_set_budget(self) -> bool:
        return team_billing.may_set_budget(self.role)

    @property
    def members_may_spend(self) -> bool:
        return team_billing.members_may_spend(self.pool)

    def may_decide(self, view: spend_requests.SpendRequestView) -> bool:
        return (team_billing.may_decide_spend_requests(self.role) and view.request.requested_by_id != self.user.id
                and self.status(view) == spend_requests.PENDING)

    def status(self, view: spend_requests.SpendRequestView) -> str:
        return spend_requests.status_at(view.request, self.now)


def billing_context(user: User, pool: Pool, role: str, figures: spending.PoolSpending | None = None) -> dict:
    """The wallet, budget and spend-request sections' context, with their forms unless given already; the
    budget's figures from ``figures`` when the page read this month's already."""
    transactions, total = team_billing.pool_transactions(user, pool.id, Page(limit=WALLET_TRANSACTIONS_SHOWN))
    requests, _ = spend_requests.list_requests(user, pool.id, Page(limit=SPEND_REQUESTS_SHOWN))
    billing = Billing(pool, role, user, transactions, total, requests, team_billing.month_spending(user, pool, figures=figures),
                      utcnow(), ledger.balance_cents(user.id, pool.id))
    context = {"billing": billing, "pool_transfer_form": PoolTransferForm(formdata=None)}
    if billing.may_set_budget:
        context["budget_form"] = BudgetForm(formdata=None).show(pool)
    return context
