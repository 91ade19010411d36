"""One user cannot reach another's rentals, pools, invitations or tokens, through the API or the pages.

tests/test_api_pool_permissions.py holds the matrix for the pools endpoints; this adds the audit log
and extending a rental, and the cross-user cases of everything else.
"""
import pytest
from sqlalchemy import select

from core.extensions import db
from models import ApiToken, User
from tests.factories import make_rental, make_server
from tests.snapshots import database_unchanged
from tests.web_helpers import csrf_token, log_in

POSITIONS = ["owner", "admin", "user", "other_user", "invitee", "stranger", "anonymous"]


def fund(app, *people) -> None:
    with app.app_context():
        for person in people:
            db.session.get(User, person.id).balance_cents = 1_000_00
        db.session.commit()


@pytest.fixture
def pool_rental(app, team):
    """A rental of the team's user-role member, in the team's pool; everyone has money to extend it."""
    fund(app, team.owner, team.admin, team.user, team.other_user, team.invitee, team.stranger)
    return make_rental(app, team.user.id, team.pool_id, make_server(app))


AUDIT = dict(owner=200, admin=403, user=403, other_user=403, invitee=404, stranger=404, anonymous=401)
# The renter is the user-role member; other_user has the same role but it is not theirs.
EXTEND = dict(owner=200, admin=200, user=200, other_user=403, invitee=404, stranger=404, anonymous=401)


def statuses(api, team, method: str, path: str, body=None) -> dict:
    """The status each position gets for the same call, checked against the envelope's statusCode."""
    found = {}
    for position in POSITIONS:
        response = api.call(method, path, as_=team.person(position), json=body)
        assert response.json["statusCode"] == response.status_code
        found[position] = response.status_code
    return found


def test_who_reads_a_pools_audit_log(api, team):
    assert statuses(api, team, "GET", f"/pools/{team.pool_id}/audit") == AUDIT


def test_who_extends_a_rental_in_a_pool(api, team, pool_rental):
    assert statuses(api, team, "POST", f"/rentals/{pool_rental}/extend", {"additional_days": 7}) == EXTEND


def test_refused_extensions_change_nothing(app, api, team, pool_rental):
    with database_unchanged(app):
        for position in POSITIONS:
            if EXTEND[position] >= 400:
                api.post(f"/rentals/{pool_rental}/extend", as_=team.person(position), json={"additional_days": 7})


# --- Rentals -------------------------------------------------------------------------------------

@pytest.fixture
def private_rental(app, make_user):
    """Alice's rental in her default pool, and Mallory, who has money but no business with it."""
    alice = make_user("alice", balance_cents=1_000_00)
    mallory = make_user("mallory", balance_cents=1_000_00)
    return alice, mallory, make_rental(app, alice.id, alice.default_pool_id, make_server(app))


def test_another_users_rental_is_invisible(app, api, private_rental):
    alice, mallory, rental_id = private_rental
    assert api.get(f"/rentals/{rental_id}", as_=alice).status_code == 200
    with database_unchanged(app):
        for method, path, body in [("GET", f"/rentals/{rental_id}", None), ("GET", f"/servers/{rental_id}", None),
                                   ("POST", f"/rentals/{rental_id}/extend", {"additional_days": 7})]:
            response = api.call(method, path, as_=mallory, json=body)
            assert response.status_code == 404, path
            assert response.json["message"] == "Rental not found"
    for path in ("/rentals", "/servers"):
        assert api.get(path, as_=mallory).json["data"] == []


def test_renting_into_another_users_pool_is_404(app, api, private_rental):
    alice, mallory, _ = private_rental
    server_id = make_server(app, name="node-2")
    with database_unchanged(app):
        response = api.post(f"/servers/{server_id}/rent", as_=mallory,
                            json={"rental_days": 7, "pool_id": alice.default_pool_id})
    assert response.status_code == 404


def test_another_users_rental_page_is_404(client, private_rental):
    _, _, rental_id = private_rental
    log_in(client, "mallory")
    assert client.get(f"/rentals/{rental_id}").status_code == 404


# --- Pools ---------------------------------------------------------------------------------------

def test_another_users_pool_is_invisible(app, api, make_user):
    alice = make_user("alice")
    mallory = make_user("mallory")
    pool_id = api.post("/pools", as_=alice, json={"name": "Secret"}).json["data"]["id"]
    with database_unchanged(app):
        for method, path, body in [
            ("GET", f"/pools/{pool_id}", None),
            ("PATCH", f"/pools/{pool_id}", {"description": "mine"}),
            ("PUT", f"/pools/{pool_id}", {"description": "mine"}),
            ("DELETE", f"/pools/{pool_id}", None),
            ("POST", f"/pools/{pool_id}/members", {"username": "mallory", "role": "admin"}),
            ("PATCH", f"/pools/{pool_id}/members/{alice.id}", {"role": "user"}),
            ("DELETE", f"/pools/{pool_id}/members/{alice.id}", None),
            ("GET", f"/pools/{pool_id}/audit", None),
            ("DELETE", f"/pools/{alice.default_pool_id}", None),
        ]:
            response = api.call(method, path, as_=mallory, json=body)
            assert response.status_code == 404, (method, path, response.json)
            assert response.json["message"] == "Pool not found"
    assert pool_id not in [pool["id"] for pool in api.get("/pools", as_=mallory).json["data"]]


def test_another_users_pool_page_is_404(api, client, make_user):
    alice = make_user("alice")
    make_user("mallory")
    pool_id = api.post("/pools", as_=alice, json={"name": "Secret"}).json["data"]["id"]
    log_in(client, "mallory")
    assert client.get(f"/pools/{pool_id}").status_code == 404


# --- Invitations ---------------------------------------------------------------------------------

@pytest.mark.parametrize("action", ["accept", "reject"])
def test_only_the_invitee_answers_an_invitation(app, api, team, action):
    with database_unchanged(app):
        for position in ("owner", "admin", "user", "stranger"):
            response = api.post(f"/pools/{team.invitation_id}/{action}", as_=team.person(position))
            assert response.status_code == 404
            assert response.json["message"] == "Invitation not found"
    assert api.post(f"/pools/{team.invitation_id}/{action}", as_=team.invitee).status_code == 200


def test_an_invitation_id_is_not_a_pool_id(app, api, team):
    with database_unchanged(app):
        assert api.get(f"/pools/{team.invitation_id}", as_=team.invitee).status_code == 404


# --- Tokens --------------------------------------------------------------------------------------

def test_another_users_token_cannot_be_revoked_or_seen(app, api, client, make_user):
    alice = make_user("alice")
    make_user("mallory")
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == alice.id))
    log_in(client, "mallory")
    assert token_id not in client.get("/tokens").get_data(as_text=True)
    with database_unchanged(app):
        response = client.post(f"/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(client, "/tokens")})
        assert response.status_code == 404
    assert api.get("/pools", as_=alice).status_code == 200
