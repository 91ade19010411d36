"""The pool page's money: moving money into the pool's wallet, the owner's budget form, and approving or
rejecting spend requests. The rules are ``services.team_billing`` and ``services.spend_requests``'s."""
from flask import render_template, url_for
from flask_login import current_user, login_required

from core.money import format_dollars
from services import pools as pool_service
from services import rental_views, spend_requests, team_billing
from services.errors import ServiceError
from views.web import htmx, web
from views.web.pool_billing_forms import BudgetForm, PoolTransferForm
from views.web.pools import _context, _pool_for_post, _refused


def _page(pool_id: str) -> str:
    return url_for("web.pool_detail", pool_id=pool_id)


def _sections(pool_id: str, *templates: str, **context) -> str:
    context = _context(pool_service.get_pool(current_user, pool_id), **context)
    return "".join(render_template(template, **context) for template in templates)


@web.post("/pools/<pool_id>/wallet/transfers")
@login_required
def transfer_to_pool(pool_id: str):
    detail = _pool_for_post(pool_id)
    form = PoolTransferForm()

    def again():
        return htmx.render("pools/detail.html", "pools/_wallet.html", status=422,
                           **_context(detail, pool_transfer_form=form))

    return htmx.submit(
        lambda: team_billing.transfer_to_pool(current_user, pool_id, form.cents),
        form=form, again=again, add_errors=PoolTransferForm.add_transfer_errors, refused=_refused(pool_id),
        done=lambda balance: htmx.done(
            _page(pool_id), f"{format_dollars(form.cents)} moved into the pool's wallet; it holds "
                            f"{format_dollars(balance)}.",
            updates=lambda: _wallet_and_balance(pool_id)))


def _wallet_and_balance(pool_id: str) -> str:
    rental_views.reload_balance(current_user._get_current_object())
    return _sections(pool_id, "pools/_wallet.html", "pools/_audit_update.html") + render_template(
        "partials/balance.html", oob=True)


@web.post("/pools/<pool_id>/budget")
@login_required
def set_pool_budget(pool_id: str):
    detail = _pool_for_post(pool_id)
    form = BudgetForm()

    def again():
        if not team_billing.may_set_budget(detail.role):
            return htmx.refuse(ServiceError("Only the pool owner can set the pool's budget"), _refused(pool_id))
        return htmx.render("pools/detail.html", "pools/_budget.html", status=422, **_context(detail, budget_form=form))

    return htmx.submit(
        lambda: team_billing.set_budget(current_user, pool_id, form.cents["monthly_limit"],
                                        form.cents["member_monthly_limit"], form.cents["approval_threshold"],
                                        members_may_spend=form.members_may_spend.data),
        form=form, again=again, refusals=ServiceError, refused=_refused(pool_id),
        done=lambda _: htmx.done(_page(pool_id), "Budget saved.",
                                 updates=lambda: _sections(pool_id, "pools/_budget.html", "pools/_audit_update.html")))


@web.post("/pools/<pool_id>/spend-requests/<request_id>/approve")
@login_required
def approve_spend_request(pool_id: str, request_id: str):
    """Approving charges the pool and makes (or extends) a rental: the whole page comes back."""
    return htmx.submit(
        lambda: spend_requests.approve(current_user, pool_id, request_id),
        refusals=ServiceError, refused=_refused(pool_id),
        done=lambda approved: htmx.done(
            _page(pool_id), f"Approved: {format_dollars(approved.charge.transaction.amount_cents)} paid from the "
                            f"pool's wallet."))


@web.post("/pools/<pool_id>/spend-requests/<request_id>/reject")
@login_required
def reject_spend_request(pool_id: str, request_id: str):
    return htmx.submit(
        lambda: spend_requests.reject(current_user, pool_id, request_id),
        refusals=ServiceError, refused=_refused(pool_id),
        done=lambda _: htmx.done(_page(pool_id), "Rejected; nothing was charged.", category="info",
                                 updates=lambda: _sections(pool_id, "pools/_spend_requests.html")))
