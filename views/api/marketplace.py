"""The marketplace: GET /servers/available."""
from flask import request

from services import marketplace
from services.inventory import server_to_dict
from services.paging import parse_page
from views.api import api
from views.api.support import ok


@api.get("/servers/available")
def available_servers():
    filters = marketplace.parse_filters(request.args)
    servers, total = marketplace.browse(filters, parse_page(request.args))
    return ok([server_to_dict(server, prices) for server, prices in servers],
              "Available servers retrieved successfully", total=total)
