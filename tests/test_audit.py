"""The audit trail: every security-relevant action leaves one event, and a pool's owner reads its log."""
import re

import pytest
from sqlalchemy import select

from core.extensions import db
from core.ids import CANONICAL_ID
from models import AuditEvent
from tests.factories import make_server
from tests.snapshots import database_unchanged
from tests.users import PASSWORD
from tests.web_helpers import csrf_token, log_in, post_form

ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
IP = "203.0.113.7"


def events(app, **where) -> list[dict]:
    """Every event matching ``where``, oldest first, as plain values."""
    with app.app_context():
        statement = select(AuditEvent).order_by(AuditEvent.created_at, AuditEvent.id)
        for column, value in where.items():
            statement = statement.where(getattr(AuditEvent, column) == value)
        rows = [{"action": e.action, "actor": e.actor_username, "actor_id": e.actor_id, "pool_id": e.pool_id,
                 "target_type": e.target_type, "target_id": e.target_id, "details": e.details, "ip": e.ip}
                for e in db.session.scalars(statement)]
        db.session.remove()
        return rows


def last(app, action: str) -> dict:
    found = events(app, action=action)
    assert found, f"no {action} event"
    return found[-1]


@pytest.fixture
def crew(api, make_user):
    """An owner with money and a pool, a member in it, and someone outside it."""
    owner = make_user("olivia_owner", balance_cents=100_000)
    member = make_user("mike_member", balance_cents=100_000)
    outsider = make_user("otto_outsider")
    pool_id = api.post("/pools", as_=owner, json={"name": "Ops", "description": "Ops team"}).json["data"]["id"]
    invitation = api.post(f"/pools/{pool_id}/members", as_=owner, json={"username": member.username, "role": "user"})
    api.post(f"/pools/{invitation.json['data']['id']}/accept", as_=member)
    return owner, member, outsider, pool_id


# --- Logging in and out --------------------------------------------------------------------------

def test_an_api_login_records_its_success_with_the_address(app, client, make_user):
    alice = make_user("alice")
    client.post("/api/v1/users/auth/login", json={"username": "alice", "password": PASSWORD},
                environ_base={"REMOTE_ADDR": IP})
    event = last(app, "login.succeeded")
    assert event == {"action": "login.succeeded", "actor": "alice", "actor_id": alice.id, "pool_id": None,
                     "target_type": "user", "target_id": alice.id, "details": {}, "ip": IP}


@pytest.mark.parametrize("username", ["alice", "nobody"])
def test_a_failed_login_records_the_username_given_and_no_actor(app, client, make_user, username):
    alice = make_user("alice")
    response = client.post("/api/v1/users/auth/login", json={"username": username, "password": "wrong-password"},
                           environ_base={"REMOTE_ADDR": IP})
    assert response.status_code == 401
    # An attempt on a real account names it (it shows in that account's security history); no actor either way.
    account = ("user", alice.id) if username == "alice" else (None, None)
    assert events(app, action="login.failed") == [
        {"action": "login.failed", "actor": None, "actor_id": None, "pool_id": None, "target_type": account[0],
         "target_id": account[1], "details": {"username": username}, "ip": IP}
    ]
    assert events(app, action="login.succeeded") == []


def test_the_login_page_records_success_failure_and_logout(app, client, make_user):
    make_user("alice")
    post_form(client, "/login", {"username": "alice", "password": "wrong-password"})
    log_in(client, "alice")
    post_form(client, "/logout", {}, form_page="/")
    assert [(e["action"], e["actor"]) for e in events(app)] == [
        ("token.created", "alice"),  # the fixture's token
        ("login.failed", None),
        ("login.succeeded", "alice"),
        ("logout", "alice"),
    ]
    assert last(app, "logout")["ip"] == "127.0.0.1"


# --- Tokens --------------------------------------------------------------------------------------

def test_token_creation_and_revocation_are_recorded(app, client, make_user):
    alice = make_user("alice")
    log_in(client, "alice")
    post_form(client, "/tokens", {"name": "deploy", "lifetime": "0"})
    created = last(app, "token.created")
    assert created["actor"] == "alice" and created["target_type"] == "token"
    assert created["details"] == {"name": "deploy", "expires_at": None}
    client.post(f"/tokens/{created['target_id']}/revoke", data={"csrf_token": csrf_token(client, "/tokens")})
    revoked = last(app, "token.revoked")
    assert revoked["actor_id"] == alice.id
    assert revoked["target_id"] == created["target_id"] and revoked["details"] == {"name": "deploy"}


def test_revoking_twice_records_it_once(app, client, make_user):
    make_user("alice")
    log_in(client, "alice")
    post_form(client, "/tokens", {"name": "deploy", "lifetime": "7"})
    token_id = last(app, "token.created")["target_id"]
    for _ in range(2):
        client.post(f"/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(client, "/tokens")})
    assert len(events(app, action="token.revoked")) == 1


# --- Pools, members and invitations --------------------------------------------------------------

def test_pool_creation_update_and_deletion_are_recorded(app, api, make_user):
    owner = make_user("olivia_owner")
    pool_id = api.post("/pools", as_=owner, json={"name": "Ops"}).json["data"]["id"]
    api.patch(f"/pools/{pool_id}", as_=owner, json={"description": "Operations", "settings": {"region": "eu"}})
    api.delete(f"/pools/{pool_id}", as_=owner)
    trail = events(app, pool_id=pool_id)
    assert [(e["action"], e["actor"], e["target_type"], e["target_id"]) for e in trail] == [
        ("pool.created", "olivia_owner", "pool", pool_id),
        ("pool.updated", "olivia_owner", "pool", pool_id),
        ("pool.deleted", "olivia_owner", "pool", pool_id),
    ]
    assert [e["details"] for e in trail] == [{"name": "Ops"}, {"changed": ["description", "settings"]},
                                            {"name": "Ops"}]


def test_invitations_roles_and_removals_are_recorded(app, api, make_user):
    owner = make_user("olivia_owner")
    admin, user, leaver, decliner, cancelled = (make_user(name) for name in
                                                ("ada_admin", "uma_user", "lea_leaver", "dan_decliner", "cal_cancel"))
    pool_id = api.post("/pools", as_=owner, json={"name": "Ops"}).json["data"]["id"]
    invitations = {}
    for person in (admin, user, leaver, decliner, cancelled):
        response = api.post(f"/pools/{pool_id}/members", as_=owner, json={"username": person.username, "role": "user"})
        invitations[person.username] = response.json["data"]["id"]
    for person in (admin, user, leaver):
        api.post(f"/pools/{invitations[person.username]}/accept", as_=person)
    api.post(f"/pools/{invitations['dan_decliner']}/reject", as_=decliner)
    api.patch(f"/pools/{pool_id}/members/{admin.id}", as_=owner, json={"role": "admin"})
    api.delete(f"/pools/{pool_id}/members/{user.id}", as_=admin)
    api.delete(f"/pools/{pool_id}/members/{leaver.id}", as_=leaver)
    api.delete(f"/pools/{pool_id}/members/{cancelled.id}", as_=owner)

    trail = [(e["action"], e["actor"], e["target_id"], e["details"]) for e in events(app, pool_id=pool_id)]
    assert trail[0][0] == "pool.created"
    assert trail[1:] == [
        *[("invitation.sent", "olivia_owner", p.id, {"username": p.username, "role": "user"})
          for p in (admin, user, leaver, decliner, cancelled)],
        *[("invitation.accepted", p.username, p.id, {"username": p.username, "role": "user"})
          for p in (admin, user, leaver)],
        ("invitation.rejected", "dan_decliner", decliner.id, {"username": "dan_decliner", "role": "user"}),
        ("member.role_changed", "olivia_owner", admin.id, {"username": "ada_admin", "from": "user", "to": "admin"}),
        ("member.removed", "ada_admin", user.id, {"username": "uma_user", "role": "user"}),
        ("member.left", "lea_leaver", leaver.id, {"username": "lea_leaver", "role": "user"}),
        ("invitation.cancelled", "olivia_owner", cancelled.id, {"username": "cal_cancel", "role": "user"}),
    ]


def test_refused_actions_record_nothing(app, api, crew):
    owner, member, outsider, pool_id = crew
    with database_unchanged(app):
        api.patch(f"/pools/{pool_id}", as_=member, json={"description": "mine now"})
        api.delete(f"/pools/{pool_id}", as_=outsider)
        api.post(f"/pools/{pool_id}/members", as_=owner, json={"username": member.username, "role": "user"})
        api.post(f"/pools/{pool_id}/members", as_=owner, json={"username": "nobody", "role": "user"})
        api.post("/pools", as_=owner, json={"name": "Ops"})


# --- Rentals -------------------------------------------------------------------------------------

def test_renting_and_extending_are_recorded_with_days_and_amount(app, api, crew):
    owner, member, _, pool_id = crew
    server_id = make_server(app)
    rented = api.post(f"/servers/{server_id}/rent", as_=member, json={"rental_days": 7, "pool_id": pool_id},
                      environ_base={"REMOTE_ADDR": IP})
    rental_id = rented.json["data"]["rental"]["id"]
    extended = api.post(f"/rentals/{rental_id}/extend", as_=owner, json={"additional_days": 7})
    assert extended.status_code == 200
    rental, extension = last(app, "rental.created"), last(app, "rental.extended")
    assert rental == {"action": "rental.created", "actor": "mike_member", "actor_id": member.id, "pool_id": pool_id,
                      "target_type": "rental", "target_id": rental_id, "ip": IP,
                      "details": {"server_id": server_id, "days": 7, "amount": "70.00"}}
    assert extension["actor"] == "olivia_owner" and extension["pool_id"] == pool_id
    assert extension["target_id"] == rental_id
    assert extension["details"] == {"server_id": server_id, "days": 7, "amount": "70.00",
                                    "rental_end": extended.json["data"]["rental"]["rental_end"]}


def test_a_refused_rental_records_nothing(app, api, make_user):
    poor = make_user("pete_poor")
    server_id = make_server(app)
    with database_unchanged(app):
        assert api.post(f"/servers/{server_id}/rent", as_=poor, json={"rental_days": 7}).status_code == 402


# --- The pool's log through the API --------------------------------------------------------------

def test_the_owner_reads_the_log_newest_first(app, api, crew):
    owner, member, _, pool_id = crew
    api.patch(f"/pools/{pool_id}", as_=owner, json={"description": "Operations"},
              environ_base={"REMOTE_ADDR": IP})
    response = api.get(f"/pools/{pool_id}/audit", as_=owner)
    assert response.status_code == 200
    assert response.json["statusCode"] == 200
    assert response.json["message"] == "Audit events retrieved successfully"
    assert response.headers["X-Total-Count"] == "4"
    data = response.json["data"]
    assert [e["action"] for e in data] == ["pool.updated", "invitation.accepted", "invitation.sent", "pool.created"]
    newest = data[0]
    assert list(newest) == ["id", "action", "actor", "target_type", "target_id", "details", "ip", "created_at"]
    assert re.fullmatch(CANONICAL_ID, newest["id"])
    assert newest["actor"] == {"id": owner.id, "username": "olivia_owner"}
    assert newest["target_type"] == "pool" and newest["target_id"] == pool_id
    assert newest["details"] == {"changed": ["description"]}
    assert newest["ip"] == IP
    assert ISO_MS_Z.match(newest["created_at"])
    assert data[1]["actor"] == {"id": member.id, "username": "mike_member"}


def test_the_log_pages_like_every_list(api, crew):
    owner, _, _, pool_id = crew
    everything = api.get(f"/pools/{pool_id}/audit", as_=owner).json["data"]
    page = api.get(f"/pools/{pool_id}/audit?limit=2&offset=1", as_=owner)
    assert page.headers["X-Total-Count"] == "3"
    assert page.json["data"] == everything[1:3]
    assert api.get(f"/pools/{pool_id}/audit?limit=0", as_=owner).status_code == 400


def test_the_log_holds_only_this_pools_events(api, crew, make_user):
    owner, member, _, pool_id = crew
    api.post("/pools", as_=owner, json={"name": "Elsewhere"})
    api.patch(f"/pools/{member.default_pool_id}", as_=member, json={"description": "mine"})
    data = api.get(f"/pools/{pool_id}/audit", as_=owner).json["data"]
    assert {e["action"] for e in data} == {"pool.created", "invitation.sent", "invitation.accepted"}
    own = api.get(f"/pools/{member.default_pool_id}/audit", as_=member)
    assert [e["action"] for e in own.json["data"]] == ["pool.updated"]


@pytest.mark.parametrize("position, status", [("member", 403), ("outsider", 404), ("anonymous", 401)])
def test_only_the_owner_reads_the_log(api, crew, position, status):
    owner, member, outsider, pool_id = crew
    person = {"member": member, "outsider": outsider, "anonymous": None}[position]
    response = api.get(f"/pools/{pool_id}/audit", as_=person)
    assert response.status_code == status
    assert response.json["statusCode"] == status and "data" not in response.json


def test_the_log_of_a_missing_or_malformed_pool(api, crew):
    owner = crew[0]
    assert api.get("/pools/0123456789abcdef01234567/audit", as_=owner).status_code == 404
    assert api.get("/pools/not-an-id/audit", as_=owner).status_code == 400
