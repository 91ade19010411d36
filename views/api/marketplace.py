"""The marketplace: GET /servers/available."""
from flask import request

from services import marketplace
from services.paging import parse_page
from views.api import api
from views.api import examples as ex
from views.api.operations import operation
from views.api.response_schemas import MarketplaceServer
from views.api.serializers import marketplace_server


@api.get("/servers/available")
@operation(
    permission="financial.server_rental.view_marketplace",
    tag="Server Marketplace", summary="Browse the servers for rent", message="Available servers retrieved successfully",
    data=list[MarketplaceServer], paged=True, query=marketplace.MarketplaceFilters, example=ex.MARKETPLACE,
    error_examples=ex.MARKETPLACE_REFUSALS,
    description="Servers nobody holds. Filters combine with AND; an empty value counts as absent and unknown "
                "parameters are ignored. Every bad parameter is reported at once in `details`. Default order: "
                "featured first, then popularity_rank, then price, then id.",
    links={"api.rent_server": {"server_id": "$response.body#/data/0/id"}},
)
def available_servers():
    filters = marketplace.parse_filters(request.args)
    servers, total = marketplace.browse(filters, parse_page(request.args))
    return [marketplace_server(server) for server in servers], total
