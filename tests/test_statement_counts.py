"""Lists cost the same number of SQL statements whatever their length: no query per item (N+1).

Two owners with the same kind of data, one with 1 of the things a list shows and one with 50:
the list answers each of them with exactly as many statements.
"""
import re
from dataclasses import dataclass

import pytest

from core.extensions import db
from models import User
from services import pools
from tests.factories import make_rental, make_servers, server_record
from tests.statements import statements_sent
from tests.users import PASSWORD
from tests.web_helpers import log_in

SMALL, LARGE = 1, 50


@dataclass
class World:
    """An owner with ``size`` of what one list shows (only that is built, to keep the tests quick)."""

    owner: object
    team_pool_id: str
    size: int


def _build(app, make_user, prefix: str, size: int, shows: str) -> World:
    """``shows``: "servers" (for sale), "rentals" (the owner's), "pools" (the owner's, each with a
    member) or "team" (one pool with that many members, invitations and rentals)."""
    owner = make_user(f"{prefix}_owner")
    people = 0 if shows in ("servers", "rentals") else 1 if shows == "pools" else size
    members = [make_user(f"{prefix}_member_{i}") for i in range(people)]
    invitees = [make_user(f"{prefix}_invitee_{i}") for i in range(people if shows == "team" else 0)]
    servers = size if shows in ("servers", "rentals", "team") else 0
    server_ids = make_servers(app, [server_record(f"{prefix}-node-{i}", popularity_rank=i + 1) for i in range(servers)])
    with app.app_context():
        users = {user.username: user for user in db.session.scalars(
            db.select(User).where(User.username.startswith(f"{prefix}_")))}
        lead = users[owner.username]
        pool_ids = [pools.create_pool(lead, f"{prefix} team {i}", "A team").id
                    for i in range(size if shows == "pools" else 1)]
        for member in members:
            for pool_id in pool_ids:
                invitation = pools.invite_member(lead, pool_id, member.username, "user")
                pools.accept_invitation(users[member.username], invitation.id)
        for invitee in invitees:
            pools.invite_member(lead, pool_ids[0], invitee.username, "user")
    if shows in ("rentals", "team"):
        for server_id in server_ids.values():
            make_rental(app, owner.id, pool_ids[0], server_id)
    return World(owner, pool_ids[0], size)


def _worlds(app, make_user, shows: str) -> dict[int, World]:
    return {size: _build(app, make_user, f"w{size}", size, shows) for size in (SMALL, LARGE)}


def _statements(app, request) -> tuple[int, object]:
    with statements_sent(app) as sent:
        response = request()
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return len(sent), response


# what is listed, path, and how many items the answer has
API_LISTS = {
    "GET /api/v1/pools": ("pools", lambda world: "/api/v1/pools",
                          lambda body: len(body["data"]) - 1),  # less the default pool
    "GET /api/v1/pools/{id}": ("team", lambda world: f"/api/v1/pools/{world.team_pool_id}",
                               lambda body: min(len(body["data"]["servers"]), len(body["data"]["members"]) - 1)),
    "GET /api/v1/rentals": ("rentals", lambda world: "/api/v1/rentals", lambda body: len(body["data"])),
    "GET /api/v1/servers": ("rentals", lambda world: "/api/v1/servers", lambda body: len(body["data"])),
    "GET /api/v1/servers/available": ("servers", lambda world: f"/api/v1/servers/available?limit={world.size}",
                                      lambda body: len(body["data"])),
}


@pytest.mark.parametrize("endpoint", API_LISTS)
def test_an_api_list_of_50_costs_as_many_statements_as_a_list_of_1(app, client, make_user, endpoint):
    shows, path, items = API_LISTS[endpoint]
    counts = {}
    for size, world in _worlds(app, make_user, shows).items():
        counts[size], response = _statements(app, lambda: client.get(path(world), headers=world.owner.headers))
        assert items(response.get_json()) == size
    assert counts[SMALL] == counts[LARGE], counts


# path, and what each listed item shows (distinct matches in the page)
WEB_PAGES = {
    "/marketplace": ("servers", lambda world: f"/marketplace?limit={world.size}", lambda size: r"w\d+-node-\d+"),
    "/rentals": ("rentals", lambda world: f"/rentals?limit={world.size}", lambda size: rf"w{size}-node-\d+"),
    "/pools": ("pools", lambda world: f"/pools?limit={world.size + 1}", lambda size: rf"w{size} team \d+"),
    "/pools/<id>": ("team", lambda world: f"/pools/{world.team_pool_id}", lambda size: rf"w{size}_member_\d+"),
}


@pytest.mark.parametrize("page", WEB_PAGES)
def test_a_page_of_50_costs_as_many_statements_as_a_page_of_1(app, make_user, page):
    shows, path, item = WEB_PAGES[page]
    counts = {}
    for size, world in _worlds(app, make_user, shows).items():
        browser = app.test_client()
        log_in(browser, world.owner.username, PASSWORD)
        counts[size], response = _statements(app, lambda: browser.get(path(world)))
        assert len(set(re.findall(item(size), response.get_data(as_text=True)))) == size
    assert counts[SMALL] == counts[LARGE], counts
