"""A pool changes hands: the owner offers it to a member (`POST /pools/{id}/transfer`), who accepts or
declines it (`…/transfer/accept`, `…/transfer/decline`) before the offer's `expires_at`. On accept the
member owns the pool and the old owner stays as an admin. Each step is in the pool's audit log, and the
other side is told.
"""
import pytest

from tests.snapshots import database_unchanged

OFFERED = "Ownership transfer offered successfully"


def offer(api, team, to, as_=None):
    return api.post(f"/pools/{team.pool_id}/transfer", as_=as_ or team.owner, json={"user_id": to.id})


def answer(api, team, verb: str, as_):
    return api.post(f"/pools/{team.pool_id}/transfer/{verb}", as_=as_)


def roles(api, team, as_) -> dict:
    members = api.get(f"/pools/{team.pool_id}", as_=as_).json["data"]["members"]
    return {member["user"]["username"]: member["role"] for member in members if member["is_authorized"]}


def audit_actions(api, team, as_) -> list[str]:
    return [event["action"] for event in api.get(f"/pools/{team.pool_id}/audit", as_=as_).json["data"]]


def notes(api, person, event: str) -> list[dict]:
    return [note for note in api.get("/notifications", as_=person).json["data"] if note["event"] == event]


def test_an_offer_accepted_makes_the_member_the_owner_and_the_owner_an_admin(app, api, clock, tick, team):
    response = offer(api, team, team.user)
    assert response.status_code == 201, response.json
    assert response.json["message"] == OFFERED
    data = response.json["data"]
    assert list(data) == ["id", "pool_id", "from_user_id", "to_user_id", "offered_at", "expires_at"]
    assert (data["pool_id"], data["from_user_id"], data["to_user_id"]) == (team.pool_id, team.owner.id, team.user.id)
    assert data["offered_at"] == "2025-01-21T22:00:00.000Z"
    assert data["expires_at"] == "2025-01-28T22:00:00.000Z"  # INVITATION_TTL_DAYS, 7 by default
    assert api.get(f"/pools/{team.pool_id}", as_=team.other_user).json["data"]["transfer_offer"] == data

    accepted = answer(api, team, "accept", team.user)
    assert accepted.status_code == 200, accepted.json
    assert accepted.json["message"] == "Ownership transfer accepted successfully"

    pool = api.get(f"/pools/{team.pool_id}", as_=team.user).json["data"]
    assert pool["owner_id"] == team.user.id and pool["transfer_offer"] is None
    assert roles(api, team, team.user) == {"joe_user": "owner", "team_lead": "admin", "jane_admin": "admin",
                                           "olga_user": "user"}
    assert [p["user_role"] for p in api.get("/pools", as_=team.user).json["data"]
            if p["id"] == team.pool_id] == ["owner"]
    # The new owner reads the audit log; the old one, now an admin, no longer does.
    assert {"pool.transferred", "pool.transfer_offered"} <= set(audit_actions(api, team, team.user))
    assert api.get(f"/pools/{team.pool_id}/audit", as_=team.owner).status_code == 403
    # The old owner can leave now, and the new one cannot.
    assert api.delete(f"/pools/{team.pool_id}/members/{team.user.id}", as_=team.user).status_code == 400

    tick()
    [offered] = notes(api, team.user, "pool.transfer_offered")
    assert offered["title"] == "team_lead offers you Development Team"
    assert "before 28 Jan 2025, 22:00 UTC" in offered["message"]
    assert offered["link"] == f"/pools/{team.pool_id}"
    [decided] = notes(api, team.owner, "pool.transfer_decided")
    assert decided["title"] == "joe_user now owns Development Team"
    assert decided["data"]["accepted"] is True
    assert notes(api, team.other_user, "pool.transfer_offered") == []


def test_a_declined_offer_leaves_the_owner_and_tells_them(app, api, tick, team):
    assert offer(api, team, team.admin).status_code == 201
    declined = answer(api, team, "decline", team.admin)
    assert declined.status_code == 200, declined.json
    assert declined.json["message"] == "Ownership transfer declined successfully"
    pool = api.get(f"/pools/{team.pool_id}", as_=team.owner).json["data"]
    assert pool["owner_id"] == team.owner.id and pool["transfer_offer"] is None
    assert audit_actions(api, team, team.owner)[:2] == ["pool.transfer_declined", "pool.transfer_offered"]
    assert answer(api, team, "accept", team.admin).status_code == 404  # answered once

    tick()
    [decided] = notes(api, team.owner, "pool.transfer_decided")
    assert decided["title"] == "jane_admin declined Development Team"
    assert decided["data"]["accepted"] is False


def test_a_new_offer_replaces_the_open_one(api, team):
    first = offer(api, team, team.user).json["data"]
    second = offer(api, team, team.admin).json["data"]
    assert second["id"] != first["id"]
    assert api.get(f"/pools/{team.pool_id}", as_=team.owner).json["data"]["transfer_offer"] == second
    refused = answer(api, team, "accept", team.user)
    assert refused.status_code == 403 and refused.json["code"] == "FORBIDDEN"
    assert answer(api, team, "accept", team.admin).status_code == 200


@pytest.mark.parametrize("to, status, code", [
    ("stranger", 404, "NOT_FOUND"),     # not in the pool
    ("invitee", 404, "NOT_FOUND"),      # invited, not joined
    ("owner", 400, "VALIDATION_FAILED"),  # oneself
])
def test_an_offer_goes_to_a_joined_member_other_than_the_owner(app, api, team, to, status, code):
    with database_unchanged(app):
        response = offer(api, team, team.person(to))
    assert response.status_code == status, response.json
    assert response.json["code"] == code


def test_an_offer_to_an_unknown_or_malformed_id_is_refused(app, api, team):
    with database_unchanged(app):
        unknown = api.post(f"/pools/{team.pool_id}/transfer", as_=team.owner, json={"user_id": "0" * 24})
        malformed = api.post(f"/pools/{team.pool_id}/transfer", as_=team.owner, json={"user_id": "me"})
        missing = api.post(f"/pools/{team.pool_id}/transfer", as_=team.owner, json={})
    assert unknown.status_code == 404
    assert malformed.status_code == 400 and malformed.json["details"][0]["field"] == "user_id"
    assert missing.status_code == 400


@pytest.mark.parametrize("caller, status", [("admin", 403), ("user", 403), ("invitee", 404), ("stranger", 404)])
def test_only_the_owner_offers_the_pool(app, api, team, caller, status):
    with database_unchanged(app):
        response = offer(api, team, team.other_user, as_=team.person(caller))
    assert response.status_code == status, response.json


def test_a_default_pool_is_never_offered(app, api, team):
    invitation = api.post(f"/pools/{team.owner.default_pool_id}/members", as_=team.owner,
                          json={"username": team.user.username, "role": "user"}).json["data"]
    assert api.post(f"/pools/{invitation['id']}/accept", as_=team.user).status_code == 200
    with database_unchanged(app):
        response = api.post(f"/pools/{team.owner.default_pool_id}/transfer", as_=team.owner,
                            json={"user_id": team.user.id})
    assert response.status_code == 400
    assert response.json["message"] == "The default pool cannot be transferred"


def test_a_member_who_owns_a_pool_of_the_same_name_cannot_take_it(app, api, team):
    assert api.post("/pools", as_=team.user, json={"name": "Development Team"}).status_code == 201
    with database_unchanged(app):
        response = offer(api, team, team.user)
    assert response.status_code == 409 and response.json["code"] == "NAME_TAKEN"


def test_a_pool_of_the_same_name_made_after_the_offer_stops_the_accept(app, api, team):
    assert offer(api, team, team.user).status_code == 201
    assert api.post("/pools", as_=team.user, json={"name": "Development Team"}).status_code == 201
    with database_unchanged(app):
        response = answer(api, team, "accept", team.user)
    assert response.status_code == 409 and response.json["code"] == "NAME_TAKEN"
    assert response.json["message"] == "You already own a pool named Development Team"


@pytest.mark.parametrize("caller, status", [("owner", 403), ("admin", 403), ("other_user", 403),
                                            ("invitee", 404), ("stranger", 404)])
@pytest.mark.parametrize("verb", ["accept", "decline"])
def test_an_offer_is_answered_by_its_member_alone(app, api, team, caller, status, verb):
    assert offer(api, team, team.user).status_code == 201
    with database_unchanged(app):
        response = answer(api, team, verb, team.person(caller))
    assert response.status_code == status, response.json
    assert api.get(f"/pools/{team.pool_id}", as_=team.owner).json["data"]["owner_id"] == team.owner.id


def test_with_no_offer_there_is_nothing_to_answer(app, api, team):
    with database_unchanged(app):
        response = answer(api, team, "accept", team.user)
    assert response.status_code == 404
    assert response.json["message"] == "No transfer of this pool is offered"


@pytest.mark.parametrize("verb", ["accept", "decline"])
def test_an_offer_answered_after_it_expired_is_gone(app, api, clock, team, verb):
    assert offer(api, team, team.user).status_code == 201
    clock.advance(days=7)
    with database_unchanged(app):
        response = answer(api, team, verb, team.user)
    assert response.status_code == 410, response.json
    assert response.json["code"] == "INVITATION_EXPIRED"
    assert response.json["error"] == "Gone"
    assert api.get(f"/pools/{team.pool_id}", as_=team.owner).json["data"]["transfer_offer"] is None
    assert offer(api, team, team.user).status_code == 201  # the owner offers it again


def test_a_member_removed_takes_the_offer_with_them(app, api, team):
    assert offer(api, team, team.user).status_code == 201
    assert api.delete(f"/pools/{team.pool_id}/members/{team.user.id}", as_=team.owner).status_code == 200
    assert api.get(f"/pools/{team.pool_id}", as_=team.owner).json["data"]["transfer_offer"] is None
    assert answer(api, team, "accept", team.user).status_code == 404


def test_a_deleted_pool_takes_the_offer_with_it(app, api, team):
    assert offer(api, team, team.user).status_code == 201
    assert api.delete(f"/pools/{team.pool_id}", as_=team.owner).status_code == 200
    assert answer(api, team, "accept", team.user).status_code == 404
