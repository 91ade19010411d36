"""Renting and rentals: POST /servers/{id}/rent, GET /rentals and /rentals/{id}, extend, and the
/servers and /servers/{id} aliases (same data, their own messages)."""
from flask import request

from core.timeutil import utcnow
from services import rentals
from services.paging import parse_page
from views.api import api
from views.api import serializers as out
from views.api.schemas import ExtendBody, RentBody
from views.api.support import api_user, envelope, idempotent, json_body, ok, path_id, validate


def _rental_list():
    now = utcnow()
    rows, total = rentals.list_rentals(api_user(), parse_page(request.args))
    return ok([out.rental_summary(rental, server, now) for rental, server in rows],
              "Rentals retrieved successfully", total=total)


def _rental_detail(rental_id: str, message: str):
    detail = rentals.get_rental(api_user(), path_id(rental_id, what="rental id"))
    return ok(out.rental_detail(detail, utcnow()), message)


@api.get("/rentals")
def list_rentals():
    return _rental_list()


@api.get("/servers")
def list_rented_servers():
    return _rental_list()


@api.get("/rentals/<rental_id>")
def get_rental(rental_id):
    return _rental_detail(rental_id, "Rental retrieved successfully")


@api.get("/servers/<rental_id>")
def get_rented_server(rental_id):
    return _rental_detail(rental_id, "Rental details retrieved successfully")


@api.post("/servers/<server_id>/rent")
def rent_server(server_id):
    server_id = path_id(server_id, what="server id")
    body = validate(RentBody, json_body())

    def rent():
        charge = rentals.rent_server(api_user(), server_id, body.rental_days, body.pool_id, body.max_charge_cents)
        return 201, envelope(out.rented(charge, utcnow()), "Server rented successfully", 201)

    return idempotent(rent)


@api.post("/rentals/<rental_id>/extend")
def extend_rental(rental_id):
    rental_id = path_id(rental_id, what="rental id")
    body = validate(ExtendBody, json_body())

    def extend():
        charge = rentals.extend_rental(api_user(), rental_id, body.additional_days, body.expected_rental_end,
                                       body.max_charge_cents)
        return 200, envelope(out.extended(charge, utcnow()), "Rental extended successfully")

    return idempotent(extend)
