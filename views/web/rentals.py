"""My rentals: the rentals a user can see (theirs and their pools'), one rental, and extending one."""
from flask import abort, flash, request, url_for
from flask_login import current_user, login_required

from core.ids import normalize_id
from core.money import format_dollars
from core.timeutil import utcnow
from services import rental_views
from services import rentals as rental_service
from services import wallet as wallet_service
from services.errors import BadRequest, Conflict, Forbidden, PaymentRequired, PriceChanged
from services.paging import parse_page
from views.web import htmx, web
from views.web.auth import safe_next
from views.web.forms import add_service_errors
from views.web.pager import pager
from views.web.rental_forms import ExtendForm, days_label, price_changed

PAGE_SIZE = 20
DETAIL_TARGET = "rental-detail"  # the id htmx names in HX-Target when the rental's own page extends


def _extend_form(row: rental_views.RentalRow) -> ExtendForm:
    return ExtendForm(formdata=None, prices=row.prices, rental=row.rental)


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
    return htmx.render("rentals/index.html", "rentals/_table.html",
                       rows=[(row, _extend_form(row)) for row in rows], now=utcnow(),
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
    form = ExtendForm(prices=row.prices)
    if form.validate_on_submit():
        days = form.additional_days.data
        try:
            charge = rental_service.extend_rental(current_user, row.rental.id, days, form.expected_end,
                                                  max_charge_cents=form.quoted_price(days))
        except BadRequest as error:
            add_service_errors(form, error)
        except PaymentRequired as error:
            form.form_errors += [f"{error.message}.", wallet_service.how_to_get_credit()]
        except PriceChanged as error:
            form.form_errors.append(price_changed(days, error))
        except (Forbidden, Conflict) as error:
            form.form_errors.append(error.message)
        else:
            notice = (f"Extended by {days_label(form.additional_days.data)} for "
                      f"{format_dollars(charge.transaction.amount_cents)}.")
            if not htmx.is_htmx():
                flash(f"{row.server.name}: {notice}", "success")
                return htmx.redirect(safe_next(request.args.get("next"))
                                     or url_for("web.rental_detail", rental_id=row.rental.id))
            rental_views.reload_balance(current_user._get_current_object())
            row = _row(rental_id)
            return _extended(row, _extend_form(row), notice=notice, balance=True)
    row = _row(rental_id)
    form.quote(row.prices)  # the next try is judged against the prices shown with this answer
    return _extended(row, form, status=422)


def _extended(row: rental_views.RentalRow, form: ExtendForm, status: int = 200, notice: str | None = None,
              balance: bool = False):
    context = {"row": row, "form": form, "now": utcnow(), "notice": notice, "oob_balance": balance}
    if htmx.is_htmx() and request.headers.get("HX-Target") != DETAIL_TARGET:
        return htmx.fragment("rentals/_row.html", status=status, next_url=request.args.get("next"), **context)
    return htmx.render("rentals/detail.html", "rentals/_detail.html", status=status, **context)
