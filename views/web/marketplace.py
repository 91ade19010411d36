"""The marketplace pages: browse with live filters, one server with its price tiers, and renting it."""
from decimal import Decimal

from flask import abort, redirect, request, url_for
from flask_login import current_user, login_required

from core.ids import normalize_id
from core.money import format_dollars
from services import marketplace as market
from services import rental_views, rentals, team_billing
from services.errors import BadRequest, Conflict, Forbidden, PaymentRequired, PoolNotFound
from services.paging import parse_page
from views.api.serializers import marketplace_server
from views.web import htmx, web
from views.web.pager import pager, query_pairs, url_with
from views.web.rental_forms import MarketplaceFilterForm, RentForm, days_label

PAGE_SIZE = 24


def cheapest_tier(pricing: dict) -> dict | None:
    """The price tier with the lowest price per day (the shortest of equals), of a browse object's ``pricing``."""
    tiers = pricing["price_tiers"].values()
    return min(tiers, key=lambda tier: (Decimal(tier["price_per_day"]), tier["days"]), default=None)


# --- Browsing ---------------------------------------------------------------------------------------

@web.get("/marketplace")
def marketplace():
    """The servers for rent, filtered by the query string exactly as the API's ``/servers/available``."""
    pairs = query_pairs()
    canonical = url_with("web.marketplace", pairs)
    if not htmx.is_htmx() and len(pairs) != len(list(request.args.items(multi=True))):
        # A plain GET form sends its empty fields too; the address to keep is the one without them.
        return htmx.vary(redirect(canonical, 302))

    form = MarketplaceFilterForm(request.args)
    problems = []
    filters = page = None
    try:
        filters = market.parse_filters(request.args)
    except BadRequest as error:
        problems += error.details or [{"field": None, "message": error.message}]
    try:
        page = parse_page(request.args, default_limit=PAGE_SIZE)
    except BadRequest as error:
        problems += error.details or [{"field": None, "message": error.message}]

    offers, paging = [], None
    if problems:
        form.add_problems(problems)
    else:
        servers, total = market.browse(filters, page)
        offers = [(marketplace_server(server), cheapest_tier(server.pricing)) for server in servers]
        paging = pager(page, total, len(offers), "web.marketplace")

    response = htmx.render("marketplace/index.html", "marketplace/_results.html", status=422 if problems else 200,
                           form=form, offers=offers, paging=paging, problems=problems,
                           limit=page.limit if page is not None and request.args.get("limit") else "")
    if htmx.is_htmx():
        response.headers["HX-Push-Url"] = canonical
    return response


# --- One server ---------------------------------------------------------------------------------------

def _offer(server_id: str) -> rental_views.ServerOffer:
    canonical = normalize_id(server_id)
    if canonical is None:
        abort(404)
    return rental_views.get_offer(canonical)


def _rent_form(offer: rental_views.ServerOffer, **kwargs) -> RentForm:
    return RentForm(prices=offer.prices, pools=rental_views.rentable_pools(current_user), user_id=current_user.id,
                    total_url=url_for("web.rent_total", server_id=offer.server.id),
                    spendable_pool_ids=team_billing.spendable_pool_ids(current_user), **kwargs)


def _detail_context(offer: rental_views.ServerOffer, form: RentForm | None) -> dict:
    total = None
    if form is not None and form.rental_days.data in offer.prices:
        total = offer.prices[form.rental_days.data]
    return {"offer": offer, "server": marketplace_server(offer.server), "form": form,
            "total_cents": total, "days": form.rental_days.data if form is not None else None}


@web.get("/marketplace/<server_id>")
def server_detail(server_id: str):
    offer = _offer(server_id)
    form = _rent_form(offer, formdata=None) if current_user.is_authenticated and offer.available else None
    return htmx.render("marketplace/server.html", "marketplace/_server.html", **_detail_context(offer, form))


@web.get("/marketplace/<server_id>/total")
@login_required
def rent_total(server_id: str):
    """The summary line under the rent form, for the duration picked: what it costs and what is left after."""
    offer = _offer(server_id)
    raw = request.args.get("rental_days", "")
    days = int(raw) if raw.isdigit() and len(raw) <= 4 else None
    try:
        total = rentals.price_for(offer.server.id, days, "rental_days") if days is not None else None
    except BadRequest:
        total = None
    return htmx.fragment("marketplace/_rent_total.html", total_cents=total, days=days)


@web.post("/marketplace/<server_id>/rent")
@login_required
def rent_server(server_id: str):
    offer = _offer(server_id)
    form = _rent_form(offer)

    def again():
        fresh = rental_views.get_offer(offer.server.id)  # taken meanwhile? the page says so
        form.quote(fresh.prices)
        return htmx.render("marketplace/server.html", "marketplace/_rent_section.html", status=422,
                           **_detail_context(fresh, form))

    return htmx.submit(
        lambda: rentals.rent_server(current_user, offer.server.id, form.days, form.pool_id.data,
                                    max_charge_cents=form.quoted_price(form.days),
                                    pay_from=form.pay_from.data or "self"),
        form=form, complaints=(PoolNotFound, BadRequest, PaymentRequired, Conflict, Forbidden),
        add_errors=RentForm.add_charge_errors, again=again,
        done=lambda result: (_sent_for_approval(result.request) if isinstance(result, rentals.SpendRequested)
                             else _rented(offer, result)))


def _sent_for_approval(spend_request):
    """A pool-paid charge above the pool's threshold: the pool's page, where the request now waits."""
    return htmx.done(url_for("web.pool_detail", pool_id=spend_request.pool_id, _anchor="spend-requests"),
                     f"Sent for approval: {format_dollars(spend_request.amount_cents)} from the pool's wallet waits "
                     f"for its owner or an admin; nothing was charged yet.", category="info")


def _rented(offer: rental_views.ServerOffer, charge: rentals.Charge):
    rental = charge.rental

    def receipt():
        rental_views.reload_balance(current_user._get_current_object())
        return htmx.fragment("marketplace/_rented.html", offer=offer, rental=rental, transaction=charge.transaction,
                             pool=rental.pool)

    return htmx.done(
        url_for("web.rental_detail", rental_id=rental.id),
        f"You rented {offer.server.name} for {days_label((rental.rental_end - rental.rental_start).days)}; "
        f"{format_dollars(charge.transaction.amount_cents)} was taken from {_payer_words(charge)}.", fragment=receipt)


def _payer_words(charge: rentals.Charge) -> str:
    return "the pool's wallet" if charge.transaction.pool_id else "your wallet"
