"""The invitations page, and the count of pending invitations in the nav of every page."""
import html
import re

import pytest

from tests.snapshots import database_unchanged
from tests.web_helpers import HTMX, csrf_token, log_in
from tests.web_helpers import text as raw_text

BADGE = re.compile(r'<span id="invitation-badge" class="nav-badge"( hx-swap-oob="true")?>(\d*)')


def text(response) -> str:
    return html.unescape(raw_text(response))


def badge(body: str) -> str:
    """The number in the nav's invitations badge ("" when there is none)."""
    match = BADGE.search(body)
    assert match, "no invitations badge"
    return match.group(2)


def post(client, path: str, htmx: bool = False):
    """An answer's button, pressed in a browser or through htmx (with the session's CSRF token)."""
    if not hasattr(client, "form_token"):
        client.form_token = csrf_token(client, "/invitations")
    return client.post(path, data={"csrf_token": client.form_token}, headers=HTMX if htmx else {})


@pytest.fixture
def as_invitee(client, team):
    log_in(client, team.invitee.username)
    return team


def test_invitations_page_needs_login(client):
    response = client.get("/invitations")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_invitations_page_lists_pending_invitations(client, as_invitee):
    response = client.get("/invitations")
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    body = text(response)
    assert "<html" in body
    row = body[body.index(f'id="invitation-{as_invitee.invitation_id}"'):]
    row = row[:row.index("</tr>")]
    assert "Development Team" in row and "Team Lead" in row and "team_lead" in row and "User" in row
    assert f'action="/invitations/{as_invitee.invitation_id}/accept"' in row
    assert f'action="/invitations/{as_invitee.invitation_id}/reject"' in row
    assert 'hx-target="closest tr"' in row and "hx-confirm=" in row


def test_invitations_page_for_htmx_is_the_section_only(client, as_invitee):
    response = client.get("/invitations", headers=HTMX)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and 'id="invitations-section"' in body
    assert "HX-Request" in response.headers["Vary"]


def test_no_invitations_is_said_plainly(client, team):
    log_in(client, team.stranger.username)
    assert "No invitations are waiting for you." in text(client.get("/invitations"))


@pytest.mark.parametrize("path", ["/", "/pools", "/invitations", "/tokens"])
def test_the_nav_counts_pending_invitations_on_every_page(client, team, path):
    log_in(client, team.invitee.username)
    assert badge(text(client.get(path))) == "1"


def test_the_nav_shows_no_count_without_invitations(client, team):
    log_in(client, team.owner.username)
    body = text(client.get("/pools"))
    assert badge(body) == ""
    assert 'href="/invitations"' in body and 'href="/pools"' in body


def test_accept_through_htmx_replaces_the_row_and_updates_the_badge(client, api, as_invitee):
    response = post(client, f"/invitations/{as_invitee.invitation_id}/accept", htmx=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    body = text(response)
    assert body.lstrip().startswith(f'<tr id="invitation-{as_invitee.invitation_id}" class="is-new">')
    assert f'href="/pools/{as_invitee.pool_id}"' in body and "Open pool" in body
    assert re.search(r'<span id="invitation-badge" class="nav-badge" hx-swap-oob="true"></span>', body)
    assert "You joined “Development Team” as user." in body
    assert api.get(f"/pools/{as_invitee.pool_id}", as_=as_invitee.invitee).status_code == 200


def test_accept_with_a_plain_post_goes_to_the_pool(client, as_invitee):
    response = post(client, f"/invitations/{as_invitee.invitation_id}/accept")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/pools/{as_invitee.pool_id}"
    page = text(client.get(response.headers["Location"]))
    assert "You joined “Development Team” as user." in page
    assert badge(page) == ""


def test_reject_through_htmx_removes_the_row_and_updates_the_badge(client, api, as_invitee):
    response = post(client, f"/invitations/{as_invitee.invitation_id}/reject", htmx=True)
    assert response.status_code == 200
    body = text(response)
    assert "<tr" not in body  # nothing takes the row's place
    assert re.search(r'<span id="invitation-badge" class="nav-badge" hx-swap-oob="true"></span>', body)
    assert "Invitation declined." in body
    assert api.get("/pools/invitations/pending", as_=as_invitee.invitee).json["data"] == []
    assert api.get(f"/pools/{as_invitee.pool_id}", as_=as_invitee.invitee).status_code == 404


def test_reject_with_a_plain_post_redirects_with_a_flash(client, api, as_invitee):
    response = post(client, f"/invitations/{as_invitee.invitation_id}/reject")
    assert response.status_code == 303 and response.headers["Location"] == "/invitations"
    page = text(client.get("/invitations"))
    assert "Invitation declined." in page and "No invitations are waiting for you." in page
    assert api.get("/pools/invitations/pending", as_=as_invitee.invitee).json["data"] == []


@pytest.mark.parametrize("position", ["owner", "admin", "user", "stranger"])
def test_only_the_invitee_answers(client, app, team, position):
    log_in(client, team.person(position).username)
    for answer in ("accept", "reject"):
        path = f"/invitations/{team.invitation_id}/{answer}"
        with database_unchanged(app):
            plain = post(client, path)
            htmx = post(client, path, htmx=True)
        assert plain.status_code == 422 and "<html" in text(plain) and "Invitation not found" in text(plain)
        assert htmx.status_code == 422 and htmx.headers["HX-Reswap"] == "none"
        assert "Invitation not found" in text(htmx)


@pytest.mark.parametrize("answer", ["accept", "reject"])
def test_an_answered_invitation_cannot_be_answered_again(client, app, as_invitee, answer):
    assert post(client, f"/invitations/{as_invitee.invitation_id}/accept").status_code == 303
    with database_unchanged(app):
        response = post(client, f"/invitations/{as_invitee.invitation_id}/{answer}", htmx=True)
    assert response.status_code == 422
    assert "This invitation is no longer pending" in text(response)


def test_garbage_ids_are_refused_never_an_error(client, app, as_invitee):
    with database_unchanged(app):
        for invitation_id in ("nope", "0" * 24, "x" * 500, "%3Cscript%3E"):
            for answer in ("accept", "reject"):
                response = post(client, f"/invitations/{invitation_id}/{answer}")
                assert response.status_code == 422 and "Invitation not found" in text(response)


def test_answers_without_csrf_token_are_refused(client, app, as_invitee):
    with database_unchanged(app):
        for answer in ("accept", "reject"):
            assert client.post(f"/invitations/{as_invitee.invitation_id}/{answer}").status_code == 400
    assert badge(text(client.get("/invitations"))) == "1"
