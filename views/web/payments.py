"""Money coming in, on the pages: a card top-up (to Stripe's checkout and back), a request for credit on
the wallet page, and the administrators' page of requests to approve or reject."""
from flask import render_template, request, url_for
from flask_login import current_user, login_required

from core.money import format_dollars
from services import admin as admin_service
from services import card_payments, credit_requests
from services import wallet as wallet_service
from services.errors import CardPaymentsDisabled, Conflict, NotFound, PaymentProviderError
from services.paging import Page, parse_page
from views.web import htmx, web
from views.web.pager import pager
from views.web.payment_forms import CardTopUpForm, CreditRequestForm
from views.web.wallet import wallet_page

REQUESTS_SHOWN = 10  # of one's own requests on the wallet page, newest first
ADMIN_PAGE_SIZE = 25


def _returned_payment(args):
    """The card payment Stripe sent the person back from (``?card_payment=<id>``), if it is theirs."""
    payment_id = args.get("card_payment")
    if not payment_id:
        return None
    try:
        return card_payments.get_payment(current_user, payment_id)
    except NotFound:
        return None


def money_in(card_form: CardTopUpForm | None = None, request_form: CreditRequestForm | None = None,
             args=None) -> dict:
    """What the wallet page shows of adding money: card top-ups (when on), the request form, one's requests."""
    requests, total = credit_requests.my_requests(current_user, Page(limit=REQUESTS_SHOWN))
    return {
        "card": card_payments.availability(),
        "card_form": card_form or CardTopUpForm(formdata=None),
        "request_form": request_form or CreditRequestForm(formdata=None),
        "credit_requests": requests, "credit_request_total": total,
        "returned_payment": _returned_payment(args) if args is not None else None,
        "cancelled": args is not None and args.get("checkout") == "cancelled",
        "how_to_get_credit": wallet_service.how_to_get_credit(),
    }


def _wallet_again(fragment: str, **forms):
    """The wallet page (or, for htmx, the section of the form) with the form's errors, 422."""
    return wallet_page(fragment=fragment, status=422, **forms)


@web.post("/wallet/card-payments")
@login_required
def wallet_card_payment():
    form = CardTopUpForm()
    # Plain posts go to the wallet page first, which links to Stripe's: the pages' CSP lets forms post only
    # to this site, redirects included. htmx goes straight there.
    return htmx.submit(
        lambda: card_payments.start_checkout(current_user, form.amount.data or ""),
        form=form, refusals=(CardPaymentsDisabled, PaymentProviderError), refused=url_for("web.wallet"),
        again=lambda: _wallet_again("wallet/_card_top_up.html", card_form=form),
        done=lambda payment: htmx.redirect(payment.checkout_url if htmx.is_htmx()
                                           else url_for("web.wallet", card_payment=payment.id)))


@web.post("/wallet/credit-requests")
@login_required
def wallet_credit_request():
    form = CreditRequestForm()
    return htmx.submit(
        lambda: credit_requests.request_credit(current_user, form.cents, form.reason.data or ""),
        form=form, add_errors=CreditRequestForm.add_request_errors,
        again=lambda: _wallet_again("wallet/_credit_requests.html", request_form=form),
        done=lambda asked: htmx.done(
            url_for("web.wallet"), f"Your request for {format_dollars(asked.amount_cents)} was sent to the "
                                   f"administrators; you will be told when it is decided.",
            updates=lambda: render_template("wallet/_credit_requests.html", **money_in())))


# --- The administrators' page ---------------------------------------------------------------------

@web.get("/admin/credit-requests")
@login_required
def admin_credit_requests():
    filters = credit_requests.parse_filters({"status": request.args.get("status", "pending")})
    page = parse_page(request.args, default_limit=ADMIN_PAGE_SIZE)
    rows, total = credit_requests.all_requests(current_user, filters.status, page)
    return htmx.render("admin/credit_requests.html", "admin/_credit_requests.html", rows=rows,
                       shown=filters.status, paging=pager(page, total, len(rows), "web.admin_credit_requests"))


def _decide(decide, request_id: str, verb: str):
    admin_service.require_admin(current_user)
    return htmx.submit(
        lambda: decide(current_user, request_id), refusals=Conflict, refused=url_for("web.admin_credit_requests"),
        done=lambda decided: htmx.done(
            url_for("web.admin_credit_requests"),
            f"{verb} the request of {decided.user.username} for {format_dollars(decided.amount_cents)}.",
            updates=lambda: render_template("admin/_credit_request_row.html", item=decided, user=decided.user)))


@web.post("/admin/credit-requests/<request_id>/approve")
@login_required
def admin_approve_credit_request(request_id: str):
    return _decide(credit_requests.approve, request_id, "Approved")


@web.post("/admin/credit-requests/<request_id>/reject")
@login_required
def admin_reject_credit_request(request_id: str):
    return _decide(credit_requests.reject, request_id, "Rejected")
