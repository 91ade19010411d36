"""Renting and rentals: POST /servers/{id}/rent, GET /rentals and /rentals/{id}, extend, and the
/servers and /servers/{id} aliases (same data, their own messages)."""
from flask import request

from core.timeutil import utcnow
from services import auto_renew, rentals
from services.errors import (
    BUDGET_EXCEEDED,
    CHARGE_EXCEEDS_MAX,
    CONFLICT,
    EXTENSION_ALREADY_APPLIED,
    FORBIDDEN,
    INSUFFICIENT_BALANCE,
    NOT_FOUND,
    RENTAL_ENDED,
    SERVER_UNAVAILABLE,
    VALIDATION_FAILED,
)
from services.paging import parse_page
from views.api import api
from views.api import examples as ex
from views.api import serializers as out
from views.api.operations import OtherAnswer, operation
from views.api.team_billing import SENT_FOR_APPROVAL, spend_request
from views.api.response_schemas import ExtendResult, RentalAutoRenew, RentalDetail, RentalSummary, RentResult
from views.api.schemas import AutoRenewBody, ExtendBody, RentBody
from views.api.support import api_user

RENTAL_LIST = dict(
    message="Rentals retrieved successfully", data=list[RentalSummary], paged=True, example=ex.RENTALS,
    description="Your rentals and the rentals in pools you own or have joined, newest first, ended ones included.",
)
RENTAL_DETAIL = dict(data=RentalDetail, example=ex.SEED_RENTAL_DETAIL, error_examples=ex.RENTAL_NOT_FOUND)
RENTAL_LINKS = {endpoint: {"rental_id": "$response.body#/data/rental/id"}
                for endpoint in ("api.get_rental", "api.get_rented_server", "api.extend_rental")}


def _rental_list():
    now = utcnow()
    rows, total = rentals.list_rentals(api_user(), parse_page(request.args))
    renewals = auto_renew.settings_of([rental.id for rental, _ in rows])
    return [out.rental_summary(rental, server, now, renewals.get(rental.id)) for rental, server in rows], total


def _rental_detail(rental_id: str):
    detail = rentals.get_rental(api_user(), rental_id)
    return out.rental_detail(detail, utcnow(), auto_renew.settings_of([detail.rental.id]).get(detail.rental.id))


@api.get("/servers")
@operation(permission="financial.server_rental.view_marketplace",
           tag="Server Marketplace", summary="Your rented servers (same as GET /rentals)", **RENTAL_LIST)
def list_rented_servers():
    return _rental_list()


@api.get("/servers/<rental_id>")
@operation(
    permission="financial.server_rental.view_marketplace",
    tag="Server Marketplace", summary="One rented server (same as GET /rentals/{rental_id})",
    message="Rental details retrieved successfully",
    description="For the renter and the members of the rental's pool; 404 for anyone else.", **RENTAL_DETAIL,
)
def get_rented_server(rental_id):
    return _rental_detail(rental_id)


@api.post("/servers/<server_id>/rent")
@operation(
    permission="financial.server_rental.rent_servers",
    tag="Server Marketplace", summary="Rent a server", message="Server rented successfully", status=201,
    body=RentBody, data=RentResult, idempotent=True,
    errors=(INSUFFICIENT_BALANCE, FORBIDDEN, SERVER_UNAVAILABLE, CHARGE_EXCEEDS_MAX, BUDGET_EXCEEDED),
    alternative=SENT_FOR_APPROVAL,
    body_example=ex.RENT_BODY, example=ex.RENTED, error_examples=ex.RENT_REFUSALS, links=RENTAL_LINKS,
    description="`rental_days` must be one of the server's durations (a key of `pricing.prices`). The price is "
                "taken from your wallet in the same transaction that makes the rental: 402 if the balance is "
                "short, 409 if the server is taken or the price is above `max_charge_cents`. Without `pool_id` "
                "the rental goes to your default pool. `pay_from: \"pool\"` pays from the wallet of the pool "
                "the rental goes into (its owner and admins; its users where its settings have `members_may_spend: true`, "
                "403 otherwise): 402 if the pool's balance is short, 409 `BUDGET_EXCEEDED` if a monthly limit "
                "of its budget would be passed, and 202 with a spend request, nothing charged, if the price is "
                "above its approval threshold and you are not its owner.",
)
def rent_server(server_id, body: RentBody):
    result = rentals.rent_server(api_user(), server_id, body.rental_days, body.pool_id, body.max_charge_cents,
                                 body.pay_from)
    if isinstance(result, rentals.SpendRequested):
        return OtherAnswer({"spend_request": spend_request(result.request)})
    return out.rented(result, utcnow())


@api.get("/rentals")
@operation(permission="financial.server_rental.view_marketplace",
           tag="Rentals", summary="List your rentals", **RENTAL_LIST)
def list_rentals():
    return _rental_list()


@api.get("/rentals/<rental_id>")
@operation(
    permission="financial.server_rental.view_marketplace",
    tag="Rentals", summary="Get a rental with its server and transaction", message="Rental retrieved successfully",
    description="For the renter and the members of the rental's pool; 404 for anyone else. `transaction` is the "
                "charge that started the rental.",
    **RENTAL_DETAIL,
)
def get_rental(rental_id):
    return _rental_detail(rental_id)


@api.post("/rentals/<rental_id>/extend")
@operation(
    permission="financial.server_rental.extend_rentals",
    tag="Rentals", summary="Extend a rental", message="Rental extended successfully", body=ExtendBody,
    data=ExtendResult, idempotent=True,
    errors=(INSUFFICIENT_BALANCE, FORBIDDEN, RENTAL_ENDED, EXTENSION_ALREADY_APPLIED, CHARGE_EXCEEDS_MAX,
            BUDGET_EXCEEDED, CONFLICT),
    alternative=SENT_FOR_APPROVAL,
    body_example=ex.EXTEND_BODY, example=ex.EXTENDED, error_examples=ex.EXTEND_REFUSALS,
    description="By one of the server's durations; the caller pays. For the renter and the owner and admins of "
                "the rental's pool (403 for its users). An expired rental can be extended, an ended one cannot "
                "(409). 409 too if `expected_rental_end` is not the rental's end or the price is above "
                "`max_charge_cents`. `pay_from: \"pool\"` pays from the wallet of the rental's pool, on the same "
                "terms as renting (402, 403, 409 `BUDGET_EXCEEDED`, 202 with a spend request).",
)
def extend_rental(rental_id, body: ExtendBody):
    result = rentals.extend_rental(api_user(), rental_id, body.additional_days, body.expected_rental_end,
                                   body.max_charge_cents, pay_from=body.pay_from)
    if isinstance(result, rentals.SpendRequested):
        return OtherAnswer({"spend_request": spend_request(result.request)})
    return out.extended(result, utcnow())


@api.put("/rentals/<rental_id>/auto-renew")
@operation(
    permission="financial.server_rental.extend_rentals",
    tag="Rentals", summary="Turn auto-renew on or change it", message="Auto-renew turned on", body=AutoRenewBody,
    data=RentalAutoRenew, errors=(VALIDATION_FAILED, FORBIDDEN, NOT_FOUND, RENTAL_ENDED),
    body_example=ex.AUTO_RENEW_BODY, example=ex.AUTO_RENEW_ON, error_examples=ex.AUTO_RENEW_REFUSALS,
    description="`RENEW_AHEAD_HOURS` before the rental ends it is extended by `additional_days` (one of the "
                "server's durations) exactly as `POST /rentals/{id}/extend` with `expected_rental_end` and "
                "`max_charge_cents`, paid by you (whoever sets it last pays). A refusal (balance short, price "
                "above `max_charge_cents`, period or server no longer offered, you may no longer extend it) is "
                "told as `rental.auto_renew_failed` and tried again every `AUTO_RENEW_RETRY_HOURS` until the "
                "rental ends. For whoever may extend the rental: 403 and 404 as for extending.",
)
def set_auto_renew(rental_id, body: AutoRenewBody):
    setting = auto_renew.set_auto_renew(api_user(), rental_id, body.additional_days, body.max_charge_cents,
                                        body.pay_from)
    return out.rental_auto_renew(rental_id, setting)


@api.delete("/rentals/<rental_id>/auto-renew")
@operation(
    permission="financial.server_rental.extend_rentals",
    tag="Rentals", summary="Turn auto-renew off", message="Auto-renew turned off", data=RentalAutoRenew,
    errors=(FORBIDDEN, NOT_FOUND), example=ex.AUTO_RENEW_OFF, error_examples=ex.AUTO_RENEW_OFF_REFUSALS,
    description="Nothing happens if it was off. For whoever may extend the rental: 403 and 404 as for extending.",
)
def clear_auto_renew(rental_id):
    auto_renew.clear_auto_renew(api_user(), rental_id)
    return out.rental_auto_renew(rental_id, None)
