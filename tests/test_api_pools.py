"""The Pools, Pool Invitations and Pool Members endpoints: shapes, messages and rules."""
import re

import pytest

from core.ids import CANONICAL_ID_PATTERN
from tests.factories import make_rental, make_server, rental_pool
from tests.snapshots import database_unchanged

ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
HEX24 = re.compile(CANONICAL_ID_PATTERN)
SUCCESS = {"success": True}


def assert_envelope(response, status: int, message: str):
    assert response.status_code == status, response.json
    assert response.json["statusCode"] == status
    assert response.json["message"] == message
    return response.json["data"]


def test_a_new_user_has_one_default_pool(api, make_user):
    alice = make_user("alice")
    data = assert_envelope(api.get("/pools", as_=alice), 200, "Pools retrieved successfully")
    assert len(data) == 1
    pool = data[0]
    assert list(pool) == ["id", "name", "description", "is_default", "settings", "created_at", "updated_at",
                          "owner_id", "user_role", "member_count", "server_count"]
    assert HEX24.match(pool["id"])
    assert pool["is_default"] is True
    assert pool["owner_id"] == alice.id
    assert pool["user_role"] == "owner"
    assert pool["member_count"] == 1
    assert pool["server_count"] == 0
    assert pool["settings"] == {}
    assert ISO_MS_Z.match(pool["created_at"]) and ISO_MS_Z.match(pool["updated_at"])


def test_create_pool_answers_201_with_the_new_pool(api, make_user):
    alice = make_user("alice")
    body = {"name": "Production Team", "description": "Pool for production environment management",
            "settings": {"auto_approve": True, "max_servers": 20}}
    data = assert_envelope(api.post("/pools", as_=alice, json=body), 201, "Pool created successfully")
    assert list(data) == ["id", "name", "description", "owner_id", "is_default", "settings", "created_at"]
    assert HEX24.match(data["id"])
    assert data["name"] == "Production Team"
    assert data["description"] == "Pool for production environment management"
    assert data["owner_id"] == alice.id
    assert data["is_default"] is False
    assert data["settings"] == {"auto_approve": True, "max_servers": 20}
    assert ISO_MS_Z.match(data["created_at"])


def test_pool_names_are_unique_per_owner(api, make_user):
    alice, bob = make_user("alice"), make_user("bob")
    assert api.post("/pools", as_=alice, json={"name": "Ops"}).status_code == 201
    again = api.post("/pools", as_=alice, json={"name": "Ops"})
    assert again.status_code == 409
    assert again.json["error"] == "Conflict"
    assert "Ops" in again.json["message"]
    assert api.post("/pools", as_=bob, json={"name": "Ops"}).status_code == 201
    assert api.post("/pools", as_=alice, json={"name": "Default"}).status_code == 409


def test_list_pools_shows_role_and_counts(api, team):
    pools = {p["name"]: p for p in api.get("/pools", as_=team.admin).json["data"]}
    assert set(pools) == {"Default", "Development Team"}
    dev = pools["Development Team"]
    assert dev["user_role"] == "admin"
    assert dev["member_count"] == 4  # owner, admin and two users; the pending invitation does not count
    assert dev["owner_id"] == team.owner.id
    assert [p["name"] for p in api.get("/pools", as_=team.invitee).json["data"]] == ["Default"]
    assert [p["name"] for p in api.get("/pools", as_=team.stranger).json["data"]] == ["Default"]


def test_list_pools_pages_with_limit_offset_and_total(api, make_user):
    alice = make_user("alice")
    for n in range(4):
        api.post("/pools", as_=alice, json={"name": f"Pool {n}"})
    response = api.get("/pools?limit=2&offset=1", as_=alice)
    assert response.headers["X-Total-Count"] == "5"
    assert [p["name"] for p in response.json["data"]] == ["Pool 0", "Pool 1"]


def test_get_pool_lists_owner_members_invitations_and_servers(app, api, team):
    server_id = make_server(app, name="node-us-nyc-1", setup_time_minutes=0)
    make_rental(app, team.user.id, team.pool_id, server_id)
    data = assert_envelope(api.get(f"/pools/{team.pool_id}", as_=team.user), 200, "Pool retrieved successfully")
    assert list(data) == ["id", "name", "description", "is_default", "settings", "created_at", "updated_at",
                          "owner_id", "members", "servers", "transfer_offer", "budget"]
    assert data["name"] == "Development Team"
    members = data["members"]
    assert [m["user"]["username"] for m in members] == [
        "team_lead", "jane_admin", "joe_user", "olga_user", "ivan_invitee"]
    owner = members[0]
    assert list(owner) == ["id", "role", "is_authorized", "joined_at", "expires_at", "user"]
    assert owner["expires_at"] is None and ISO_MS_Z.match(members[-1]["expires_at"])
    assert data["transfer_offer"] is None
    assert owner["role"] == "owner" and owner["is_authorized"] is True
    assert owner["user"] == {"id": team.owner.id, "username": "team_lead", "alias": "Team Lead"}
    admin = members[1]
    assert admin["role"] == "admin" and admin["is_authorized"] is True and ISO_MS_Z.match(admin["joined_at"])
    pending = members[-1]
    assert pending["id"] == team.invitation_id
    assert pending["is_authorized"] is False and pending["joined_at"] is None
    assert data["servers"] == [{"id": server_id, "name": "node-us-nyc-1", "rental_status": "active",
                                "is_ready": True}]


def test_pool_servers_exclude_ended_rentals_and_show_setup_in_progress(app, api, team):
    fresh = make_server(app, name="fresh", setup_time_minutes=60)
    expired = make_server(app, name="expired")
    ended = make_server(app, name="ended")
    make_rental(app, team.owner.id, team.pool_id, fresh)
    make_rental(app, team.owner.id, team.pool_id, expired, days=7, started_days_ago=8)
    make_rental(app, team.owner.id, team.pool_id, ended, days=7, started_days_ago=10)
    servers = api.get(f"/pools/{team.pool_id}", as_=team.owner).json["data"]["servers"]
    assert {s["name"]: (s["rental_status"], s["is_ready"]) for s in servers} == {
        "fresh": ("active", False),
        "expired": ("expired", False),
    }
    dev = next(p for p in api.get("/pools", as_=team.owner).json["data"] if p["id"] == team.pool_id)
    assert dev["server_count"] == 2


def test_pending_invitations_list_the_callers_own(api, team):
    data = assert_envelope(api.get("/pools/invitations/pending", as_=team.invitee), 200,
                           "Pending invitations retrieved successfully")
    assert len(data) == 1
    invitation = data[0]
    assert list(invitation) == ["id", "pool_id", "pool_name", "pool_description", "role", "invited_by", "invited_at",
                                "expires_at"]
    assert invitation["id"] == team.invitation_id
    assert invitation["pool_id"] == team.pool_id
    assert invitation["pool_name"] == "Development Team"
    assert invitation["pool_description"] == "Pool for development team resources"
    assert invitation["role"] == "user"
    assert invitation["invited_by"] == {"id": team.owner.id, "username": "team_lead", "alias": "Team Lead"}
    assert ISO_MS_Z.match(invitation["invited_at"])
    assert api.get("/pools/invitations/pending", as_=team.owner).json["data"] == []


def test_invite_answers_201_with_a_pending_membership(api, team, make_user):
    make_user("new_developer")
    response = api.post(f"/pools/{team.pool_id}/members", as_=team.owner,
                        json={"username": "new_developer", "role": "user"})
    data = assert_envelope(response, 201, "Member invited successfully")
    assert list(data) == ["id", "role", "is_authorized", "invited_at", "expires_at"]
    assert HEX24.match(data["id"]) and data["role"] == "user" and data["is_authorized"] is False
    assert ISO_MS_Z.match(data["invited_at"])


def test_invite_finds_usernames_without_regard_to_case(api, team, make_user):
    make_user("New_Developer")
    response = api.post(f"/pools/{team.pool_id}/members", as_=team.owner,
                        json={"username": "new_developer", "role": "user"})
    assert response.status_code == 201


@pytest.mark.parametrize("username, status, message", [
    ("nobody_here", 404, "User not found"),
    ("team_lead", 409, "That user owns this pool"),
    ("jane_admin", 409, "That user is already a member of this pool"),
    ("ivan_invitee", 409, "That user has already been invited to this pool"),
])
def test_invite_refusals(api, team, username, status, message):
    response = api.post(f"/pools/{team.pool_id}/members", as_=team.owner, json={"username": username, "role": "user"})
    assert response.status_code == status
    assert response.json["message"] == message


def test_an_admin_invites_users_but_not_admins(api, team, make_user):
    make_user("newbie")
    refused = api.post(f"/pools/{team.pool_id}/members", as_=team.admin, json={"username": "newbie", "role": "admin"})
    assert refused.status_code == 403
    assert refused.json["message"] == "Only the pool owner can invite admins"
    allowed = api.post(f"/pools/{team.pool_id}/members", as_=team.admin, json={"username": "newbie", "role": "user"})
    assert allowed.status_code == 201


def test_accepting_an_invitation_makes_a_member(api, team):
    response = api.post(f"/pools/{team.invitation_id}/accept", as_=team.invitee,
                        headers={"Content-Type": "application/json"})
    assert assert_envelope(response, 200, "Invitation accepted successfully") == SUCCESS
    assert api.get("/pools/invitations/pending", as_=team.invitee).json["data"] == []
    detail = api.get(f"/pools/{team.pool_id}", as_=team.invitee).json["data"]
    me = next(m for m in detail["members"] if m["user"]["id"] == team.invitee.id)
    assert me["is_authorized"] is True and ISO_MS_Z.match(me["joined_at"])
    again = api.post(f"/pools/{team.invitation_id}/accept", as_=team.invitee)
    assert again.status_code == 409
    assert again.json["message"] == "This invitation is no longer pending"
    assert api.post(f"/pools/{team.invitation_id}/reject", as_=team.invitee).status_code == 409


def test_rejecting_an_invitation_removes_it(api, team):
    response = api.post(f"/pools/{team.invitation_id}/reject", as_=team.invitee,
                        headers={"Content-Type": "application/json"})
    assert assert_envelope(response, 200, "Invitation rejected successfully") == SUCCESS
    assert api.get("/pools/invitations/pending", as_=team.invitee).json["data"] == []
    members = api.get(f"/pools/{team.pool_id}", as_=team.owner).json["data"]["members"]
    assert team.invitee.id not in [m["user"]["id"] for m in members]
    assert api.post(f"/pools/{team.invitation_id}/accept", as_=team.invitee).status_code == 404
    # Once rejected, the user can be invited again.
    again = api.post(f"/pools/{team.pool_id}/members", as_=team.owner,
                     json={"username": team.invitee.username, "role": "user"})
    assert again.status_code == 201


def test_update_pool_changes_description_and_settings_only(api, team):
    body = {"description": "Pool for staging and production environments",
            "settings": {"auto_approve": False, "max_servers": 15}, "name": "Renamed", "is_default": True}
    response = api.patch(f"/pools/{team.pool_id}", as_=team.owner, json=body)
    assert assert_envelope(response, 200, "Pool updated successfully") == SUCCESS
    pool = api.get(f"/pools/{team.pool_id}", as_=team.owner).json["data"]
    assert pool["description"] == "Pool for staging and production environments"
    assert pool["settings"] == {"auto_approve": False, "max_servers": 15}
    assert pool["name"] == "Development Team" and pool["is_default"] is False
    assert pool["updated_at"] >= pool["created_at"]


def test_put_updates_a_pool_as_patch_does(api, team):
    response = api.put(f"/pools/{team.pool_id}", as_=team.owner, json={"description": "Via PUT"})
    assert assert_envelope(response, 200, "Pool updated successfully") == SUCCESS
    pool = api.get(f"/pools/{team.pool_id}", as_=team.owner).json["data"]
    assert pool["description"] == "Via PUT"
    assert pool["settings"] == {}  # a field left out is left alone


def test_update_with_only_settings_keeps_the_description(api, team):
    api.patch(f"/pools/{team.pool_id}", as_=team.owner, json={"settings": {"k": "v"}})
    pool = api.get(f"/pools/{team.pool_id}", as_=team.owner).json["data"]
    assert pool["description"] == "Pool for development team resources"
    assert pool["settings"] == {"k": "v"}


def test_change_member_role(api, team):
    response = api.patch(f"/pools/{team.pool_id}/members/{team.user.id}", as_=team.owner, json={"role": "admin"})
    assert assert_envelope(response, 200, "Member role updated successfully") == SUCCESS
    pools = {p["id"]: p for p in api.get("/pools", as_=team.user).json["data"]}
    assert pools[team.pool_id]["user_role"] == "admin"
    # The published client sends PUT for this call.
    back = api.put(f"/pools/{team.pool_id}/members/{team.user.id}", as_=team.owner, json={"role": "user"})
    assert back.status_code == 200
    pools = {p["id"]: p for p in api.get("/pools", as_=team.user).json["data"]}
    assert pools[team.pool_id]["user_role"] == "user"


def test_the_owners_role_cannot_change(api, team):
    response = api.patch(f"/pools/{team.pool_id}/members/{team.owner.id}", as_=team.owner, json={"role": "user"})
    assert response.status_code == 400
    assert response.json["message"] == "The pool owner's role cannot be changed"


def test_role_change_of_a_non_member_is_404(api, team):
    response = api.patch(f"/pools/{team.pool_id}/members/{team.stranger.id}", as_=team.owner, json={"role": "admin"})
    assert response.status_code == 404
    assert response.json["message"] == "Member not found"


def test_role_change_of_a_pending_invitation_changes_the_offered_role(api, team):
    response = api.patch(f"/pools/{team.pool_id}/members/{team.invitee.id}", as_=team.owner, json={"role": "admin"})
    assert response.status_code == 200
    assert api.get("/pools/invitations/pending", as_=team.invitee).json["data"][0]["role"] == "admin"


def test_remove_member(api, team):
    response = api.delete(f"/pools/{team.pool_id}/members/{team.user.id}", as_=team.owner)
    assert assert_envelope(response, 200, "Member removed successfully") == SUCCESS
    assert api.get(f"/pools/{team.pool_id}", as_=team.user).status_code == 404
    assert team.pool_id not in [p["id"] for p in api.get("/pools", as_=team.user).json["data"]]


def test_admin_removes_users_but_not_admins_or_the_owner(api, team, make_user):
    second_admin = make_user("second_admin")
    invitation = api.post(f"/pools/{team.pool_id}/members", as_=team.owner,
                          json={"username": "second_admin", "role": "admin"})
    api.post(f"/pools/{invitation.json['data']['id']}/accept", as_=second_admin)
    refused = api.delete(f"/pools/{team.pool_id}/members/{second_admin.id}", as_=team.admin)
    assert refused.status_code == 403
    assert refused.json["message"] == "Admins can remove only members with the user role"
    owner = api.delete(f"/pools/{team.pool_id}/members/{team.owner.id}", as_=team.admin)
    assert owner.status_code == 403
    assert owner.json["message"] == "The pool owner cannot be removed"
    assert api.delete(f"/pools/{team.pool_id}/members/{team.user.id}", as_=team.admin).status_code == 200


@pytest.mark.parametrize("position", ["admin", "user"])
def test_a_member_may_leave(api, team, position):
    person = team.person(position)
    response = api.delete(f"/pools/{team.pool_id}/members/{person.id}", as_=person)
    assert response.status_code == 200
    assert api.get(f"/pools/{team.pool_id}", as_=person).status_code == 404


def test_the_owner_cannot_leave(api, team):
    response = api.delete(f"/pools/{team.pool_id}/members/{team.owner.id}", as_=team.owner)
    assert response.status_code == 400
    assert response.json["message"] == "The pool owner cannot leave the pool; delete the pool instead"


def test_removing_a_pending_invitee_cancels_the_invitation(api, team):
    response = api.delete(f"/pools/{team.pool_id}/members/{team.invitee.id}", as_=team.admin)
    assert response.status_code == 200
    assert api.get("/pools/invitations/pending", as_=team.invitee).json["data"] == []
    assert api.post(f"/pools/{team.invitation_id}/accept", as_=team.invitee).status_code == 404


def test_a_leaving_members_rentals_go_to_their_default_pool(app, api, team):
    theirs = make_rental(app, team.user.id, team.pool_id, make_server(app, name="theirs"))
    others = make_rental(app, team.other_user.id, team.pool_id, make_server(app, name="others"))
    api.delete(f"/pools/{team.pool_id}/members/{team.user.id}", as_=team.user)
    assert rental_pool(app, theirs) == team.user.default_pool_id
    assert rental_pool(app, others) == team.pool_id


def test_a_removed_members_rentals_go_to_their_default_pool(app, api, team):
    theirs = make_rental(app, team.user.id, team.pool_id, make_server(app, name="theirs"))
    api.delete(f"/pools/{team.pool_id}/members/{team.user.id}", as_=team.owner)
    assert rental_pool(app, theirs) == team.user.default_pool_id


def test_delete_pool_moves_each_rental_to_its_renters_default_pool(app, api, team):
    owners = make_rental(app, team.owner.id, team.pool_id, make_server(app, name="a"))
    users = make_rental(app, team.user.id, team.pool_id, make_server(app, name="b"))
    response = api.delete(f"/pools/{team.pool_id}", as_=team.owner)
    assert assert_envelope(response, 200, "Pool deleted successfully") == SUCCESS
    assert rental_pool(app, owners) == team.owner.default_pool_id
    assert rental_pool(app, users) == team.user.default_pool_id
    assert api.get(f"/pools/{team.pool_id}", as_=team.owner).status_code == 404
    assert api.get("/pools/invitations/pending", as_=team.invitee).json["data"] == []
    assert [p["name"] for p in api.get("/pools", as_=team.user).json["data"]] == ["Default"]
    default = api.get("/pools", as_=team.user).json["data"][0]
    assert default["server_count"] == 1


def test_the_default_pool_cannot_be_deleted(api, make_user):
    alice = make_user("alice")
    response = api.delete(f"/pools/{alice.default_pool_id}", as_=alice)
    assert response.status_code == 400
    assert response.json["message"] == "The default pool cannot be deleted"
    assert len(api.get("/pools", as_=alice).json["data"]) == 1


def test_a_pool_name_can_be_reused_after_deletion(api, team):
    api.delete(f"/pools/{team.pool_id}", as_=team.owner)
    assert api.post("/pools", as_=team.owner, json={"name": "Development Team"}).status_code == 201


def test_pending_is_not_taken_for_a_pool_id(api, make_user):
    alice = make_user("alice")
    response = api.get("/pools/invitations/pending", as_=alice)
    assert response.status_code == 200
    assert response.json["message"] == "Pending invitations retrieved successfully"


def test_uppercase_hex_ids_are_accepted(api, team):
    assert api.get(f"/pools/{team.pool_id.upper()}", as_=team.owner).status_code == 200



# NUL cannot be stored in a PostgreSQL text column and a lone surrogate cannot be encoded at all:
# both are refused before anything is written, as the pages refuse them (tests/test_web_pools.py).
UNSTORABLE_TEXT = ["Ops\x00", "\x00", "Ops\ud800", "\udfff and more"]


def assert_refused_for(response, field: str, value: str) -> None:
    assert response.status_code == 400, response.json
    assert [detail["field"] for detail in response.json["details"]] == [field]
    if "\x00" in value:
        assert response.json["details"][0]["message"] == "must not contain NUL characters"


@pytest.mark.parametrize("value", UNSTORABLE_TEXT)
@pytest.mark.parametrize("field", ["name", "description"])
def test_creating_a_pool_refuses_text_no_database_can_store(app, api, make_user, field, value):
    alice = make_user("alice")
    with database_unchanged(app):
        response = api.post("/pools", as_=alice, json={"name": "Ops", field: value})
    assert_refused_for(response, field, value)


@pytest.mark.parametrize("value", UNSTORABLE_TEXT)
def test_updating_a_pool_refuses_a_description_no_database_can_store(app, api, team, value):
    with database_unchanged(app):
        response = api.patch(f"/pools/{team.pool_id}", as_=team.owner, json={"description": value})
    assert_refused_for(response, "description", value)
