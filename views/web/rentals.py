"""My rentals: the rentals a user can see (theirs and their pools'), one rental, and extending one."""
from flask import abort, request, url_for
from flask_login import current_user, login_required

from core.ids import normalize_id
from core.money import format_dollars
from core.timeutil import utcnow
from services import rental_views, team_billing
from services import rentals as rental_service
from services.errors import BadRequest, Conflict, Forbidden, PaymentRequired
from services.paging import parse_page
from views.web import htmx, web
from views.web.auth import safe_next
from views.web.pager import pager
from views.web.rental_forms import ExtendForm, days_label

PAGE_SIZE = 20
DETAIL_TARGET = "rental-detail"  # the id htmx names in HX-Target when the rental's own page extends


def _extend_form(row: rental_views.RentalRow, spendable: frozenset | None = None) -> ExtendForm:
    if spendable is None:
        spendable = team_billing.spendable_pool_ids(current_user)
    return ExtendForm(formdata=None, prices=row.prices, rental=row.rental, offers_pool=row.rental.pool_id in spendable)


def _row(rental_id: str) -> rental_views.RentalRow:
    canonical = normalize_id(rental_id)
    if canonical is None:
        abort(404)
    return rental_views.rental_row(current_user, canonical)


@web.get("/rentals")
@login_required
def rentals():
    page = parse_page(request.args, default_limit=PAGE_SIZE)
    rows, total = rental_views.rental_rows(current_user, page)
    spendable = team_billing.spendable_pool_ids(current_user)
    return htmx.render("rentals/index.html", "rentals/_table.html",
                       rows=[(row, _extend_form(row, spendable)) for row in rows], now=utcnow(),
                       paging=pager(page, total, len(rows), "web.rentals"), next_url=request.full_path.rstrip("?"))


@web.get("/rentals/<rental_id>")
@login_required
def rental_detail(rental_id: str):
    row = _row(rental_id)
    return htmx.render("rentals/detail.html", "rentals/_detail.html", row=row, form=_extend_form(row), now=utcnow())


@web.post("/rentals/<rental_id>/extend")
@login_required
def extend_rental(rental_id: str):
    """Extend by one of the server's durations; the row (or the rental's page) comes back updated."""
    row = _row(rental_id)
    form = ExtendForm(prices=row.prices, offers_pool=row.rental.pool_id in team_billing.spendable_pool_ids(current_user))

    def again():
        row = _row(rental_id)
        form.quote(row.prices)  # the next try is judged against the prices shown with this answer
        return _extended(row, form, status=422)

    def extended(charge: rental_service.Charge):
        notice = f"Extended by {days_label(form.days)} for {format_dollars(charge.transaction.amount_cents)}."

        def updated_row():
            rental_views.reload_balance(current_user._get_current_object())
            row = _row(rental_id)
            return _extended(row, _extend_form(row), notice=notice, balance=True)

        return htmx.done(safe_next(request.args.get("next")) or url_for("web.rental_detail", rental_id=row.rental.id),
                         f"{row.server.name}: {notice}", fragment=updated_row)

    def sent_for_approval(spend_request):
        return htmx.done(
            url_for("web.pool_detail", pool_id=spend_request.pool_id, _anchor="spend-requests"),
            f"{row.server.name}: sent for approval. {format_dollars(spend_request.amount_cents)} from the pool's "
            f"wallet waits for its owner or an admin; nothing was charged yet.", category="info")

    return htmx.submit(
        lambda: rental_service.extend_rental(current_user, row.rental.id, form.days, form.expected_end,
                                             max_charge_cents=form.quoted_price(form.days),
                                             pay_from=form.pay_from.data or "self"),
        form=form, complaints=(BadRequest, PaymentRequired, Forbidden, Conflict),
        add_errors=ExtendForm.add_charge_errors, again=again,
        done=lambda result: (sent_for_approval(result.request) if isinstance(result, rental_service.SpendRequested)
                             else extended(result)))


def _extended(row: rental_views.RentalRow, form: ExtendForm, status: int = 200, notice: str | None = None,
              balance: bool = False):
    context = {"row": row, "form": form, "now": utcnow(), "notice": notice, "oob_balance": balance}
    if htmx.is_htmx() and request.headers.get("HX-Target") != DETAIL_TARGET:
        return htmx.fragment("rentals/_row.html", status=status, next_url=request.args.get("next"), **context)
    return htmx.render("rentals/detail.html", "rentals/_detail.html", status=status, **context)
