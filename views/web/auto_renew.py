"""A rental's auto-renew switch, on the rental's page and in My rentals: on (with its period and
ceiling) or off, through ``services.auto_renew``."""
from flask import abort, g, request, url_for
from flask_login import current_user, login_required

from core.ids import normalize_id
from core.money import format_dollars
from core.timeutil import utcnow
from services import auto_renew, rental_views, team_billing
from services.errors import BadRequest, Conflict, Forbidden
from views.web import htmx, web
from views.web.auth import safe_next
from views.web.auto_renew_forms import AutoRenewForm
from views.web.rental_forms import ExtendForm, days_label


def _row(rental_id: str) -> rental_views.RentalRow:
    canonical = normalize_id(rental_id)
    if canonical is None:
        abort(404)
    return rental_views.rental_row(current_user, canonical)


def _section(row: rental_views.RentalRow, form: AutoRenewForm, status: int = 200, notice: str | None = None):
    return htmx.fragment("rentals/_auto_renew.html", status=status, row=row, auto_form=form, now=utcnow(),
                         auto_notice=notice, next_url=request.args.get("next"))


def _page(row: rental_views.RentalRow, form: AutoRenewForm, status: int):
    """Without JavaScript a refused form comes back on the rental's own page, with its complaints."""
    extend_form = ExtendForm(formdata=None, prices=row.prices, rental=row.rental)
    return htmx.render("rentals/detail.html", "rentals/_detail.html", status=status, row=row, form=extend_form,
                       auto_form=form, now=utcnow())


@web.app_template_global("auto_renew_form")
def auto_renew_form(row: rental_views.RentalRow) -> AutoRenewForm:
    """The switch of a rental as its page or row first shows it."""
    return AutoRenewForm.showing(row.prices, row.auto_renew, _offers_pool(row))


def _offers_pool(row: rental_views.RentalRow) -> bool:
    """Whether the reader may have the rental's pool pay its renewals (as for extending it); the pools
    are read once a request, however many rentals a page shows."""
    if "spendable_pool_ids" not in g:
        g.spendable_pool_ids = team_billing.spendable_pool_ids(current_user)
    return row.rental.pool_id in g.spendable_pool_ids


@web.post("/rentals/<rental_id>/auto-renew")
@login_required
def set_auto_renew(rental_id: str):
    """Turn auto-renew on (or change it) with the switch on, off with the switch off."""
    row = _row(rental_id)
    form = AutoRenewForm(prices=row.prices, offers_pool=_offers_pool(row))

    def again():
        return (_section if htmx.is_htmx() else _page)(_row(rental_id), form, status=422)

    def change():
        if not form.enabled.data:
            auto_renew.clear_auto_renew(current_user, row.rental.id)
            return None
        return auto_renew.set_auto_renew(current_user, row.rental.id, form.additional_days.data, form.ceiling_cents,
                                         form.pay_from.data or team_billing.SELF)

    def changed(setting):
        if setting is None:
            notice = "Auto-renew is off."
        else:
            wallet = "the pool's wallet" if setting.pay_from == team_billing.POOL else "your wallet"
            notice = (f"Auto-renew is on: {days_label(setting.additional_days)} at a time, up to "
                      f"{format_dollars(setting.max_charge_cents)}, paid from {wallet}.")

        def section():
            fresh = _row(rental_id)
            return _section(fresh, auto_renew_form(fresh), notice=notice)

        return htmx.done(safe_next(request.args.get("next")) or url_for("web.rental_detail", rental_id=row.rental.id),
                         f"{row.server.name}: {notice}", fragment=section)

    return htmx.submit(change, form=form, complaints=(BadRequest, Conflict), add_errors=AutoRenewForm.add_errors,
                       refusals=Forbidden, refused=url_for("web.rental_detail", rental_id=row.rental.id),
                       again=again, done=changed)
