"""The pools pages: the list with its create form, and a pool's page with its controls per role.

The ``team`` fixture's pool has an owner, an admin, two users, a pending invitee; a stranger is in
no way part of it. Every refusal is a message (never a 500), and it leaves the database as it was.
"""
import html
import re

import pytest

from tests.factories import make_rental, make_server, rental_pool
from tests.html_tree import parse
from tests.snapshots import database_unchanged
from tests.web_helpers import HTMX, csrf_token, log_in
from tests.web_helpers import text as raw_text

ERROR = re.compile(r'id="([\w-]+)-error">([^<]*)<')


def text(response) -> str:
    """The body as a reader sees it (``&#39;`` is an apostrophe)."""
    return html.unescape(raw_text(response))


def errors_beside_fields(response) -> dict[str, str]:
    return dict(ERROR.findall(text(response)))


def post(client, path: str, data: dict | None = None, htmx: bool = False):
    """A form post with the session's CSRF token, as a browser or as htmx."""
    if not hasattr(client, "form_token"):
        client.form_token = csrf_token(client, "/invitations")
    return client.post(path, data={**(data or {}), "csrf_token": client.form_token}, headers=HTMX if htmx else {})


def follow(client, response) -> str:
    assert response.status_code == 303, text(response)
    return text(client.get(response.headers["Location"]))


def page(response):
    """The answer as elements, to look things up by id, role or attribute."""
    return parse(raw_text(response))


def row(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start:html.index("</tr>", start)]


@pytest.fixture
def as_owner(client, team):
    log_in(client, team.owner.username)
    return team


def login_as(client, team, position: str):
    log_in(client, team.person(position).username)


# --- The list ----------------------------------------------------------------------------------

def test_pools_page_needs_login(client):
    response = client.get("/pools")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_pools_page_lists_each_pool_with_role_counts_and_link(client, app, as_owner):
    server_id = make_server(app)
    make_rental(app, as_owner.user.id, as_owner.pool_id, server_id)
    response = client.get("/pools")
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    body = text(response)
    assert "<html" in body and 'name="name"' in body and 'name="description"' in body
    pool_row = row(body, f"pool-{as_owner.pool_id}")
    assert f'href="/pools/{as_owner.pool_id}"' in pool_row and "Development Team" in pool_row
    assert "Owner" in pool_row
    assert re.search(r'data-label="Members">4<', pool_row)  # owner, admin, two users; not the invitee
    assert re.search(r'data-label="Servers">1<', pool_row)
    assert "Default" in body  # the owner's default pool is listed too


def test_pools_page_for_htmx_is_the_section_only(client, as_owner):
    response = client.get("/pools", headers=HTMX)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and body.lstrip().startswith('<div id="pools-section"')
    assert "HX-Request" in response.headers["Vary"]


def test_a_member_sees_the_pool_with_their_role(client, team):
    login_as(client, team, "user")
    pool_row = row(text(client.get("/pools")), f"pool-{team.pool_id}")
    assert "User" in pool_row


def test_overview_links_each_pool_to_its_page(client, as_owner):
    assert f'href="/pools/{as_owner.pool_id}"' in text(client.get("/"))


def test_create_with_a_plain_post_redirects_with_a_flash(client, api, as_owner):
    response = post(client, "/pools", {"name": "Production", "description": "Prod servers"})
    assert response.headers["Location"] == "/pools"
    page = follow(client, response)
    assert "Pool “Production” created." in page
    names = [p["name"] for p in api.get("/pools", as_=as_owner.owner).json["data"]]
    assert "Production" in names


def test_create_through_htmx_returns_the_section_with_the_new_pool(client, api, as_owner):
    response = post(client, "/pools", {"name": "Staging", "description": ""}, htmx=True)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and body.lstrip().startswith('<div id="pools-section"')
    new = [p for p in api.get("/pools", as_=as_owner.owner).json["data"] if p["name"] == "Staging"][0]
    assert f'<tr id="pool-{new["id"]}" class="is-new">' in body
    assert 'hx-swap-oob="true"' in body and "Pool “Staging” created." in body
    assert re.search(r'<input[^>]*id="name"[^>]*value=""', body)  # the form is ready for the next one


BAD_POOLS = [
    ({"name": ""}, "name", "Must not be empty"),
    ({"name": "   "}, "name", "Must not be empty"),
    ({"name": "n" * 101}, "name", "Must be at most 100 characters"),
    ({"name": "ok", "description": "d" * 501}, "description", "Must be at most 500 characters"),
    ({}, "name", "Must not be empty"),
    # What the API refuses the pages refuse too: NUL is text no PostgreSQL column can hold.
    ({"name": "Nul\x00inside"}, "name", "Must not contain NUL characters"),
    ({"name": "\x00"}, "name", "Must not contain NUL characters"),
    ({"name": "ok", "description": "Nul\x00inside"}, "description", "Must not contain NUL characters"),
]


def test_create_refuses_bad_input_beside_the_field(client, app, as_owner):
    for data, field, message in BAD_POOLS:
        for htmx in (False, True):
            with database_unchanged(app):
                response = post(client, "/pools", data, htmx=htmx)
            assert response.status_code == 422, data
            assert errors_beside_fields(response)[field] == message
            assert ("<html" in text(response)) is not htmx


def test_create_refuses_a_name_the_owner_already_uses(client, app, as_owner):
    with database_unchanged(app):
        response = post(client, "/pools", {"name": "Development Team"})
    assert response.status_code == 422
    assert errors_beside_fields(response)["name"] == "You already have a pool named Development Team"


def test_create_without_csrf_token_is_refused(client, app, as_owner):
    with database_unchanged(app):
        response = client.post("/pools", data={"name": "Sneaky"})
    assert response.status_code == 400


# --- A pool's page -----------------------------------------------------------------------------

def test_pool_page_shows_servers_and_members(client, app, as_owner, clock):
    server_id = make_server(app, name="node-us-nyc-7")
    make_rental(app, as_owner.user.id, as_owner.pool_id, server_id, days=7, started_days_ago=2)
    response = client.get(f"/pools/{as_owner.pool_id}")
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    body = text(response)
    assert "<html" in body and "<h1>Development Team" in body
    assert "Pool for development team resources" in body
    servers = body[body.index('id="pool-servers"'):body.index('id="members-section"')]
    assert "node-us-nyc-7" in servers and "Active" in servers
    assert re.search(r'data-label="Days left">5<', servers)
    for person in (as_owner.owner, as_owner.admin, as_owner.user, as_owner.other_user):
        assert "Joined" in row(body, f"member-{person.id}")
    invitee = row(body, f"member-{as_owner.invitee.id}")
    assert "Pending" in invitee and "Ivan Invitee" in invitee
    assert as_owner.stranger.username not in body


def test_pool_page_for_htmx_is_the_page_body_only(client, as_owner):
    response = client.get(f"/pools/{as_owner.pool_id}", headers=HTMX)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and body.lstrip().startswith('<div id="pool-page"')
    assert "HX-Request" in response.headers["Vary"]


def test_the_breadcrumb_leads_from_the_pools_page_to_this_pool(client, as_owner):
    for headers in ({}, HTMX):
        crumbs = page(client.get(f"/pools/{as_owner.pool_id}", headers=headers)).find("nav", aria_label="Breadcrumb")
        assert crumbs.text() == "Pools / Development Team"
        assert crumbs.find("a").attrs["href"] == "/pools"
        assert crumbs.find(aria_current="page").text() == "Development Team"


CONTROLS = {
    # position: (invite form, admin among the roles offered, role change, remove someone, settings, leave)
    "owner": (True, True, True, True, True, False),
    "admin": (True, False, False, True, False, True),
    "user": (False, False, False, False, False, True),
}


@pytest.mark.parametrize("position", CONTROLS)
def test_each_role_sees_only_the_controls_the_services_allow(client, team, position):
    invite, admin_role, change_role, remove, settings, leave = CONTROLS[position]
    login_as(client, team, position)
    body = text(client.get(f"/pools/{team.pool_id}"))
    assert (f'action="/pools/{team.pool_id}/members"' in body) is invite
    if invite:
        select = body[body.index('id="role"'):]
        select = select[:select.index("</select>")]
        assert ('value="admin"' in select) is admin_role and 'value="user"' in select
    assert ("/role\"" in body) is change_role
    assert ("/remove\"" in body) is remove
    assert ('id="pool-settings"' in body) is settings
    assert (f'/pools/{team.pool_id}/delete' in body) is settings
    assert (f'action="/pools/{team.pool_id}/leave"' in body) is leave


def test_an_admin_may_remove_users_but_not_admins_or_the_owner(client, team):
    login_as(client, team, "admin")
    body = text(client.get(f"/pools/{team.pool_id}"))
    assert "/remove" in row(body, f"member-{team.user.id}")
    assert "/remove" in row(body, f"member-{team.invitee.id}")  # cancel a user's invitation
    assert "/remove" not in row(body, f"member-{team.owner.id}")
    assert "/remove" not in row(body, f"member-{team.admin.id}")


@pytest.mark.parametrize("position", ["invitee", "stranger"])
def test_non_members_get_the_not_found_page(client, team, position):
    login_as(client, team, position)
    for path in (f"/pools/{team.pool_id}", f"/pools/{team.pool_id}/delete"):
        response = client.get(path)
        assert response.status_code == 404
        assert "<html" in text(response) and "Pool not found" in text(response)


def test_unknown_pool_ids_are_not_found(client, as_owner):
    for pool_id in ("nope", "0" * 24, "x" * 500, "<script>"):
        assert client.get(f"/pools/{pool_id}").status_code == 404


# --- Inviting ----------------------------------------------------------------------------------

def test_invite_through_htmx_returns_the_members_with_the_new_one(client, api, as_owner):
    response = post(client, f"/pools/{as_owner.pool_id}/members",
                    {"username": as_owner.stranger.username, "role": "admin"}, htmx=True)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and body.lstrip().startswith('<section class="card" id="members-section"')
    assert f'<tr id="member-{as_owner.stranger.id}" class="is-new">' in body
    new = row(body, f"member-{as_owner.stranger.id}")
    assert "Pending" in new and "Admin" in new
    assert "sam_stranger is invited as admin." in body and 'hx-swap-oob="true"' in body
    pending = api.get("/pools/invitations/pending", as_=as_owner.stranger).json["data"]
    assert [(i["pool_id"], i["role"]) for i in pending] == [(as_owner.pool_id, "admin")]


def test_invite_with_a_plain_post_redirects_to_the_pool(client, api, as_owner):
    response = post(client, f"/pools/{as_owner.pool_id}/members",
                    {"username": as_owner.stranger.username, "role": "user"})
    assert response.headers["Location"] == f"/pools/{as_owner.pool_id}"
    page = follow(client, response)
    assert "sam_stranger is invited as user." in page
    assert "Pending" in row(page, f"member-{as_owner.stranger.id}")
    assert len(api.get("/pools/invitations/pending", as_=as_owner.stranger).json["data"]) == 1


def test_an_admin_invites_users(client, api, team):
    login_as(client, team, "admin")
    response = post(client, f"/pools/{team.pool_id}/members", {"username": team.stranger.username, "role": "user"})
    assert response.status_code == 303
    assert len(api.get("/pools/invitations/pending", as_=team.stranger).json["data"]) == 1


INVITE_REFUSALS = {
    "owner": [
        ({"username": "nobody_here", "role": "user"}, "username", "User not found"),
        ({"username": "joe_user", "role": "user"}, "username", "That user is already a member of this pool"),
        ({"username": "ivan_invitee", "role": "user"}, "username", "That user has already been invited to this pool"),
        ({"username": "team_lead", "role": "user"}, "username", "That user owns this pool"),
        ({"username": "sam_stranger", "role": "owner"}, "role", "Not a valid choice."),
        ({"username": "sam_stranger", "role": "superuser"}, "role", "Not a valid choice."),
        ({"username": "sam_stranger"}, "role", "Not a valid choice."),
        ({"username": "u" * 101, "role": "user"}, "username", "Must be at most 100 characters"),
        ({"username": "bad name!", "role": "user"}, "username",
         "May contain only letters, digits, underscore and dash"),
        ({"username": "", "role": "user"}, "username", "Must not be empty"),
    ],
    "admin": [
        ({"username": "sam_stranger", "role": "admin"}, "role", "Only the pool owner can invite admins"),
    ],
}


@pytest.mark.parametrize("position", INVITE_REFUSALS)
def test_invite_refusals_show_beside_the_field(client, app, team, position):
    login_as(client, team, position)
    for data, field, message in INVITE_REFUSALS[position]:
        for htmx in (False, True):
            with database_unchanged(app):
                response = post(client, f"/pools/{team.pool_id}/members", data, htmx=htmx)
            assert response.status_code == 422, data
            assert errors_beside_fields(response)[field] == message
            assert ("<html" in text(response)) is not htmx


def test_a_user_may_not_invite_and_is_told_so(client, app, team):
    login_as(client, team, "user")
    data = {"username": team.stranger.username, "role": "user"}
    with database_unchanged(app):
        plain = post(client, f"/pools/{team.pool_id}/members", data)
        htmx = post(client, f"/pools/{team.pool_id}/members", data, htmx=True)
    assert plain.status_code == 422 and "<html" in text(plain)
    assert "Only the pool owner or an admin can invite members" in text(plain)
    assert htmx.status_code == 422 and htmx.headers["HX-Reswap"] == "none"
    assert "Only the pool owner or an admin can invite members" in text(htmx)
    assert 'id="flashes"' in text(htmx) and 'hx-swap-oob="true"' in text(htmx)


# --- Roles -------------------------------------------------------------------------------------

def test_change_role_through_htmx_returns_the_updated_row(client, api, as_owner):
    path = f"/pools/{as_owner.pool_id}/members/{as_owner.user.id}/role"
    response = post(client, path, {"role": "admin"}, htmx=True)
    assert response.status_code == 200
    body = text(response).strip()
    assert body.startswith(f'<tr id="member-{as_owner.user.id}" class="is-new">')
    assert "badge-role-admin" in row(body, f"member-{as_owner.user.id}")
    assert "Joe User is now admin." in body
    assert "HX-Request" in response.headers["Vary"]
    members = api.get(f"/pools/{as_owner.pool_id}", as_=as_owner.owner).json["data"]["members"]
    assert {m["user"]["id"]: m["role"] for m in members}[as_owner.user.id] == "admin"


def test_role_controls_target_their_row(client, as_owner):
    body = text(client.get(f"/pools/{as_owner.pool_id}"))
    user_row = row(body, f"member-{as_owner.user.id}")
    assert 'hx-target="closest tr"' in user_row and 'hx-swap="outerHTML"' in user_row
    assert f'<label class="visually-hidden" for="role-{as_owner.user.id}">' in user_row


def test_change_role_with_a_plain_post_redirects_with_a_flash(client, api, as_owner):
    response = post(client, f"/pools/{as_owner.pool_id}/members/{as_owner.admin.id}/role", {"role": "user"})
    assert response.headers["Location"] == f"/pools/{as_owner.pool_id}"
    assert "Jane Smith is now user." in follow(client, response)


@pytest.mark.parametrize(("position", "target", "role", "message"), [
    ("admin", "user", "admin", "Only the pool owner can change member roles"),
    ("user", "other_user", "admin", "Only the pool owner can change member roles"),
    ("owner", "owner", "user", "The pool owner's role cannot be changed"),
    ("owner", "user", "owner", "Choose a role: admin or user"),
    ("owner", "user", "", "Choose a role: admin or user"),
    ("owner", "stranger", "user", "Member not found"),
])
def test_change_role_refusals_are_messages(client, app, team, position, target, role, message):
    login_as(client, team, position)
    path = f"/pools/{team.pool_id}/members/{team.person(target).id}/role"
    with database_unchanged(app):
        plain = post(client, path, {"role": role})
        htmx = post(client, path, {"role": role}, htmx=True)
    assert plain.status_code == 422 and "<html" in text(plain) and message in text(plain)
    assert htmx.status_code == 422 and htmx.headers["HX-Reswap"] == "none" and message in text(htmx)


# --- Removing and leaving ----------------------------------------------------------------------

def test_remove_through_htmx_is_an_answer_that_removes_the_row(client, api, as_owner):
    response = post(client, f"/pools/{as_owner.pool_id}/members/{as_owner.user.id}/remove", htmx=True)
    assert response.status_code == 200
    # Nothing to put in the row's place; only out-of-band updates (the owner's audit log) beside it.
    answer = page(response)
    assert all(child.tag == "template" for child in answer.children if not isinstance(child, str))
    assert "".join(child for child in answer.children if isinstance(child, str)).strip() == ""
    assert "HX-Request" in response.headers["Vary"]
    members = api.get(f"/pools/{as_owner.pool_id}", as_=as_owner.owner).json["data"]["members"]
    assert as_owner.user.id not in {m["user"]["id"] for m in members}


def test_remove_controls_ask_for_confirmation_and_target_their_row(client, as_owner):
    user_row = row(text(client.get(f"/pools/{as_owner.pool_id}")), f"member-{as_owner.user.id}")
    form = user_row[user_row.index("/remove"):]
    assert 'hx-target="closest tr"' in form and "hx-confirm=" in form


def test_remove_with_a_plain_post_redirects_and_moves_their_rentals(client, app, as_owner):
    server_id = make_server(app)
    rental_id = make_rental(app, as_owner.user.id, as_owner.pool_id, server_id)
    response = post(client, f"/pools/{as_owner.pool_id}/members/{as_owner.user.id}/remove")
    assert response.headers["Location"] == f"/pools/{as_owner.pool_id}"
    page = follow(client, response)
    assert "Removed from the pool." in page and f'id="member-{as_owner.user.id}"' not in page
    assert rental_pool(app, rental_id) == as_owner.user.default_pool_id


def test_cancel_an_invitation(client, api, team):
    login_as(client, team, "admin")
    response = post(client, f"/pools/{team.pool_id}/members/{team.invitee.id}/remove", htmx=True)
    assert response.status_code == 200 and text(response) == ""
    assert api.get("/pools/invitations/pending", as_=team.invitee).json["data"] == []


@pytest.mark.parametrize(("position", "target", "message"), [
    ("admin", "owner", "The pool owner cannot be removed"),
    ("user", "other_user", "Only the pool owner or an admin can remove members"),
    ("owner", "owner", "The pool owner cannot leave the pool; delete the pool instead"),
    ("owner", "stranger", "Member not found"),
])
def test_remove_refusals_are_messages(client, app, team, position, target, message):
    login_as(client, team, position)
    path = f"/pools/{team.pool_id}/members/{team.person(target).id}/remove"
    with database_unchanged(app):
        plain = post(client, path)
        htmx = post(client, path, htmx=True)
    assert plain.status_code == 422 and "<html" in text(plain) and message in text(plain)
    assert htmx.status_code == 422 and htmx.headers["HX-Reswap"] == "none" and message in text(htmx)


def test_an_admin_cannot_remove_another_admin(client, app, api, team, make_user):
    second = make_user("second_admin")
    invitation = api.post(f"/pools/{team.pool_id}/members", as_=team.owner,
                          json={"username": second.username, "role": "admin"}).json["data"]["id"]
    api.post(f"/pools/{invitation}/accept", as_=second)
    login_as(client, team, "admin")
    assert "/remove" not in row(text(client.get(f"/pools/{team.pool_id}")), f"member-{second.id}")
    with database_unchanged(app):
        response = post(client, f"/pools/{team.pool_id}/members/{second.id}/remove")
    assert response.status_code == 422
    assert "Admins can remove only members with the user role" in text(response)


def test_a_member_leaves_and_goes_back_to_the_pools_page(client, api, team):
    login_as(client, team, "user")
    response = post(client, f"/pools/{team.pool_id}/leave")
    assert response.headers["Location"] == "/pools"
    page = follow(client, response)
    assert "You left the pool “Development Team”." in page
    assert f"pool-{team.pool_id}" not in page
    assert client.get(f"/pools/{team.pool_id}").status_code == 404


def test_leaving_through_htmx_loads_the_pools_page(client, team):
    login_as(client, team, "admin")
    response = post(client, f"/pools/{team.pool_id}/leave", htmx=True)
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/pools"


def test_leave_asks_for_confirmation(client, team):
    login_as(client, team, "user")
    body = text(client.get(f"/pools/{team.pool_id}"))
    form = body[body.index(f'action="/pools/{team.pool_id}/leave"'):]
    assert "hx-confirm=" in form[:form.index(">")]


def test_the_owner_cannot_leave(client, app, as_owner):
    with database_unchanged(app):
        response = post(client, f"/pools/{as_owner.pool_id}/leave")
    assert response.status_code == 422
    assert "The pool owner cannot leave the pool; delete the pool instead" in text(response)


# --- Description -------------------------------------------------------------------------------

def test_edit_description_through_htmx(client, api, as_owner):
    response = post(client, f"/pools/{as_owner.pool_id}/description", {"description": "Now for prod"}, htmx=True)
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith('<section class="card" id="pool-settings"')
    assert '<p id="pool-description" class="pool-description muted" hx-swap-oob="true">Now for prod</p>' in body
    assert "Description saved." in body
    assert api.get(f"/pools/{as_owner.pool_id}", as_=as_owner.owner).json["data"]["description"] == "Now for prod"


def test_edit_description_with_a_plain_post(client, api, as_owner):
    response = post(client, f"/pools/{as_owner.pool_id}/description", {"description": ""})
    assert response.headers["Location"] == f"/pools/{as_owner.pool_id}"
    assert "Description saved." in follow(client, response)
    assert api.get(f"/pools/{as_owner.pool_id}", as_=as_owner.owner).json["data"]["description"] == ""


@pytest.mark.parametrize(("description", "message"), [
    ("d" * 501, "Must be at most 500 characters"),
    ("Nul\x00inside", "Must not contain NUL characters"),  # as the API refuses it
])
def test_a_description_the_rules_refuse_is_refused_beside_the_field(client, app, as_owner, description, message):
    for htmx in (False, True):
        with database_unchanged(app):
            response = post(client, f"/pools/{as_owner.pool_id}/description", {"description": description},
                            htmx=htmx)
        assert response.status_code == 422
        assert errors_beside_fields(response)["description"] == message


@pytest.mark.parametrize("position", ["admin", "user"])
def test_only_the_owner_edits_the_description(client, app, team, position):
    login_as(client, team, position)
    with database_unchanged(app):
        response = post(client, f"/pools/{team.pool_id}/description", {"description": "mine now"})
    assert response.status_code == 422
    assert "Only the pool owner can update the pool" in text(response)


# --- Deleting ----------------------------------------------------------------------------------

def test_delete_link_confirms_with_htmx_and_with_a_page_without_javascript(client, as_owner):
    body = text(client.get(f"/pools/{as_owner.pool_id}"))
    link = body[body.index(f'href="/pools/{as_owner.pool_id}/delete"'):]
    link = link[:link.index(">")]
    assert f'hx-post="/pools/{as_owner.pool_id}/delete"' in link and "hx-confirm=" in link
    page = text(client.get(f"/pools/{as_owner.pool_id}/delete"))
    assert "Delete the pool “Development Team”?" in page
    assert f'action="/pools/{as_owner.pool_id}/delete"' in page and 'name="csrf_token"' in page


def test_delete_with_a_plain_post_moves_rentals_home(client, app, api, as_owner):
    server_id = make_server(app)
    rental_id = make_rental(app, as_owner.user.id, as_owner.pool_id, server_id)
    response = post(client, f"/pools/{as_owner.pool_id}/delete")
    assert response.headers["Location"] == "/pools"
    assert "Pool “Development Team” deleted" in follow(client, response)
    assert api.get(f"/pools/{as_owner.pool_id}", as_=as_owner.owner).status_code == 404
    assert rental_pool(app, rental_id) == as_owner.user.default_pool_id


def test_deleting_says_where_the_rentals_went(client, as_owner):
    response = post(client, f"/pools/{as_owner.pool_id}/delete")
    flashes = page(client.get(response.headers["Location"])).by_id("flashes")
    assert [message.text() for message in flashes.find_all(role="status")] == [
        "Pool “Development Team” deleted; its rentals went back to their renters' default pools."]


def test_delete_through_htmx_loads_the_pools_page(client, api, as_owner):
    response = post(client, f"/pools/{as_owner.pool_id}/delete", htmx=True)
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/pools"
    assert api.get(f"/pools/{as_owner.pool_id}", as_=as_owner.owner).status_code == 404


@pytest.mark.parametrize("position", ["admin", "user"])
def test_only_the_owner_deletes(client, app, team, position):
    login_as(client, team, position)
    with database_unchanged(app):
        plain = post(client, f"/pools/{team.pool_id}/delete")
        htmx = post(client, f"/pools/{team.pool_id}/delete", htmx=True)
    assert plain.status_code == 422 and "Only the pool owner can delete the pool" in text(plain)
    assert htmx.status_code == 422 and "Only the pool owner can delete the pool" in text(htmx)
    assert "Only the pool owner can delete the pool." in text(client.get(f"/pools/{team.pool_id}/delete"))


def test_the_default_pool_cannot_be_deleted(client, app, as_owner):
    default = as_owner.owner.default_pool_id
    assert f"/pools/{default}/delete" not in text(client.get(f"/pools/{default}"))
    with database_unchanged(app):
        response = post(client, f"/pools/{default}/delete")
    assert response.status_code == 422 and "The default pool cannot be deleted" in text(response)


# --- The audit log after an in-place change ------------------------------------------------

IN_PLACE_CHANGES = [
    # (action, form, the audit log's newest action and its target)
    ("members/{user}/role", {"role": "admin"}, "changed a member's role", "joe_user (user → admin)"),
    ("members/{user}/remove", {}, "removed a member", "joe_user (user)"),
    ("members", {"username": "sam_stranger", "role": "user"}, "sent an invitation", "sam_stranger (user)"),
    ("description", {"description": "Now for prod"}, "changed the pool", "description"),
]


@pytest.mark.parametrize(("action", "data", "newest", "target"), IN_PLACE_CHANGES)
def test_an_in_place_change_brings_the_owners_audit_log_up_to_date(client, as_owner, action, data, newest, target):
    path = f"/pools/{as_owner.pool_id}/" + action.format(user=as_owner.user.id)
    response = post(client, path, data, htmx=True)
    assert response.status_code == 200
    # Out of band, inside a <template> so that it parses beside a table row.
    [audit_log] = [template.by_id("pool-audit") for template in page(response).find_all("template")
                   if template.find(id="pool-audit")]
    assert audit_log.attrs["hx-swap-oob"] == "true"
    newest_event = audit_log.find("tbody").find("tr")
    assert newest_event.find("td", data_label="Action").text() == newest
    assert newest_event.find("td", data_label="Target").text() == target


def test_an_admins_in_place_changes_carry_no_audit_log(client, team):
    login_as(client, team, "admin")
    for action, data in (("members/{user}/remove", {}), ("members", {"username": "sam_stranger", "role": "user"})):
        response = post(client, f"/pools/{team.pool_id}/" + action.format(user=team.user.id), data, htmx=True)
        assert response.status_code == 200
        assert page(response).find(id="pool-audit") is None


# --- Strangers, garbage and CSRF -----------------------------------------------------------------

ACTIONS = [
    ("members", {"username": "sam_stranger", "role": "user"}),
    ("members/{user}/role", {"role": "admin"}),
    ("members/{user}/remove", {}),
    ("leave", {}),
    ("description", {"description": "hijacked"}),
    ("delete", {}),
]


@pytest.mark.parametrize("position", ["invitee", "stranger"])
def test_non_members_are_refused_every_action(client, app, team, position):
    login_as(client, team, position)
    for action, data in ACTIONS:
        path = f"/pools/{team.pool_id}/" + action.format(user=team.user.id)
        with database_unchanged(app):
            plain = post(client, path, data)
            htmx = post(client, path, data, htmx=True)
        assert plain.status_code == 404 and "Pool not found" in text(plain), path
        assert htmx.status_code == 422 and "Pool not found" in text(htmx), path


def test_garbage_ids_are_not_found_never_an_error(client, app, as_owner):
    with database_unchanged(app):
        for pool_id in ("nope", "x" * 500, "0" * 24):
            for action, data in ACTIONS:
                path = f"/pools/{pool_id}/" + action.format(user="y" * 300)
                assert post(client, path, data).status_code == 404, path


def test_actions_without_csrf_token_are_refused(client, app, as_owner):
    with database_unchanged(app):
        for action, data in ACTIONS:
            path = f"/pools/{as_owner.pool_id}/" + action.format(user=as_owner.user.id)
            assert client.post(path, data=data).status_code == 400, path
