"""Handing a pool over on its page: the owner picks a member in "Transfer ownership", the member sees the
offer on the same page and accepts or declines it. Every post works as a plain form (303, or the page
again with the refusal, 422) and through htmx (the changed section, or HX-Redirect; a refusal swaps
nothing). Invitations show when they expire, and an expired one is gone from the pages.
"""
import pytest

from tests.html_tree import parse
from tests.snapshots import database_unchanged
from tests.web_helpers import HTMX, csrf_token, log_in


@pytest.fixture
def browser(app, team):
    """A logged-in browser of its own for whoever of the team is named."""
    def open_as(position: str):
        client = app.test_client()
        log_in(client, team.person(position).username)
        client.form_token = csrf_token(client, f"/pools/{team.pool_id}")
        return client
    return open_as


def post(client, path: str, data: dict | None = None, htmx: bool = False):
    return client.post(path, data={**(data or {}), "csrf_token": client.form_token}, headers=HTMX if htmx else {})


def page(client, path: str):
    response = client.get(path)
    assert response.status_code == 200
    return parse(response.get_data(as_text=True))


def transfer_section(client, team):
    return page(client, f"/pools/{team.pool_id}").find(id="transfer-section")


def test_the_owner_chooses_among_joined_members(browser, team):
    section = transfer_section(browser("owner"), team)
    options = [option.text() for option in section.find("select", name="user_id").find_all("option")]
    assert options == ["Jane Smith (jane_admin)", "Joe User (joe_user)", "Olga User (olga_user)"]
    form = section.find("form", action=f"/pools/{team.pool_id}/transfer")
    assert form.attrs["hx-post"] == form.attrs["action"] and form.attrs["hx-target"] == "#transfer-section"
    assert "Transfer ownership" in section.text()
    for member in ("admin", "user"):
        assert transfer_section(browser(member), team) is None


def test_a_default_pool_has_no_transfer(browser, team):
    owner = browser("owner")
    assert page(owner, f"/pools/{team.owner.default_pool_id}").find(id="transfer-section") is None


def test_an_offer_through_htmx_shows_in_place_of_the_form(app, clock, browser, team):
    owner = browser("owner")
    response = post(owner, f"/pools/{team.pool_id}/transfer", {"user_id": team.user.id}, htmx=True)
    assert response.status_code == 200
    body = parse(response.get_data(as_text=True))
    assert body.by_id("transfer-offer").text() == (
        "Offered to Joe User until 28 Jan 2025, 22:00; a new offer replaces it.")
    assert "Joe User is offered the ownership of the pool." in body.by_id("flashes").text()


def test_an_offer_as_a_plain_form_goes_back_to_the_pool(browser, team):
    owner = browser("owner")
    response = post(owner, f"/pools/{team.pool_id}/transfer", {"user_id": team.admin.id})
    assert response.status_code == 303 and response.headers["Location"] == f"/pools/{team.pool_id}"
    assert "Offered to Jane Smith" in transfer_section(owner, team).text()


def test_the_member_accepts_on_the_pool_page(clock, browser, team):
    post(browser("owner"), f"/pools/{team.pool_id}/transfer", {"user_id": team.user.id})
    member = browser("user")
    section = transfer_section(member, team)
    assert section.by_id("transfer-offer").text().startswith(
        "Team Lead offers you the ownership of this pool, until 28 Jan 2025, 22:00.")
    accept = section.find("form", action=f"/pools/{team.pool_id}/transfer/accept")
    assert accept.attrs["hx-post"] == accept.attrs["action"]

    response = post(member, f"/pools/{team.pool_id}/transfer/accept", htmx=True)
    assert response.status_code == 200 and response.headers["HX-Redirect"] == f"/pools/{team.pool_id}"
    pool_page = page(member, f"/pools/{team.pool_id}")
    assert "Your role: Owner" in pool_page.text()
    assert "You now own “Development Team”." in pool_page.by_id("flashes").text()
    assert pool_page.find(id="transfer-section").find("form", action=f"/pools/{team.pool_id}/transfer")


def test_the_member_accepts_with_a_plain_form(browser, team):
    post(browser("owner"), f"/pools/{team.pool_id}/transfer", {"user_id": team.user.id})
    member = browser("user")
    response = post(member, f"/pools/{team.pool_id}/transfer/accept")
    assert response.status_code == 303 and response.headers["Location"] == f"/pools/{team.pool_id}"
    assert "Your role: Admin" in page(browser("owner"), f"/pools/{team.pool_id}").text()


def test_the_member_declines_and_the_offer_goes_away(browser, team):
    post(browser("owner"), f"/pools/{team.pool_id}/transfer", {"user_id": team.user.id})
    member = browser("user")
    response = post(member, f"/pools/{team.pool_id}/transfer/decline", htmx=True)
    assert response.status_code == 200
    body = parse(response.get_data(as_text=True))
    assert body.find(id="transfer-section") is None  # swapped for nothing
    assert "Offer declined." in body.by_id("flashes").text()
    assert transfer_section(member, team) is None
    assert transfer_section(browser("owner"), team).find(id="transfer-offer") is None


@pytest.mark.parametrize("htmx", [False, True])
def test_someone_else_cannot_answer_the_offer(app, browser, team, htmx):
    post(browser("owner"), f"/pools/{team.pool_id}/transfer", {"user_id": team.user.id})
    other = browser("other_user")
    with database_unchanged(app):
        response = post(other, f"/pools/{team.pool_id}/transfer/accept", htmx=htmx)
    assert response.status_code == 422
    if htmx:
        assert response.headers["HX-Reswap"] == "none"
    assert "This offer is for another member" in parse(response.get_data(as_text=True)).by_id("flashes").text()


@pytest.mark.parametrize("htmx", [False, True])
def test_an_expired_offer_is_gone_and_refused(app, clock, browser, team, htmx):
    post(browser("owner"), f"/pools/{team.pool_id}/transfer", {"user_id": team.user.id})
    clock.advance(days=7)
    member = browser("user")
    assert transfer_section(member, team) is None
    with database_unchanged(app):
        response = post(member, f"/pools/{team.pool_id}/transfer/accept", htmx=htmx)
    assert response.status_code == 422
    assert "This offer of the pool's ownership has expired" in parse(response.get_data(as_text=True)).by_id(
        "flashes").text()


@pytest.mark.parametrize("htmx", [False, True])
def test_an_offer_to_oneself_is_refused(app, browser, team, htmx):
    owner = browser("owner")
    with database_unchanged(app):
        response = post(owner, f"/pools/{team.pool_id}/transfer", {"user_id": team.owner.id}, htmx=htmx)
    assert response.status_code == 422
    assert "offer the pool to another member" in parse(response.get_data(as_text=True)).by_id("flashes").text()


def test_a_stranger_posting_an_offer_finds_no_pool(app, team):
    outsider = app.test_client()
    log_in(outsider, team.stranger.username)
    outsider.form_token = csrf_token(outsider, "/pools")
    with database_unchanged(app):
        response = post(outsider, f"/pools/{team.pool_id}/transfer", {"user_id": team.user.id})
    assert response.status_code == 404


# --- Invitations that expire ----------------------------------------------------------------------

def test_the_invitations_page_and_the_pool_page_show_when_an_invitation_expires(app, clock, browser, team):
    invitee = app.test_client()
    log_in(invitee, team.invitee.username)
    row = page(invitee, "/invitations").by_id(f"invitation-{team.invitation_id}")
    assert row.find("td", data_label="Expires").text() == "28 Jan 2025, 22:00"
    fragment = invitee.get("/invitations", headers=HTMX)
    assert "28 Jan 2025, 22:00" in parse(fragment.get_data(as_text=True)).by_id(
        f"invitation-{team.invitation_id}").text()
    member_row = page(browser("owner"), f"/pools/{team.pool_id}").by_id(f"member-{team.invitee.id}")
    assert "expires 28 Jan 2025, 22:00" in member_row.text()


@pytest.mark.parametrize("htmx", [False, True])
def test_an_expired_invitation_is_gone_from_the_pages_and_cannot_be_accepted(app, clock, browser, team, htmx):
    invitee = app.test_client()
    log_in(invitee, team.invitee.username)
    invitee.form_token = csrf_token(invitee, "/invitations")
    clock.advance(days=7)
    listing = page(invitee, "/invitations")
    assert listing.find(id=f"invitation-{team.invitation_id}") is None
    assert listing.by_id("invitation-badge").text() == ""
    assert page(browser("owner"), f"/pools/{team.pool_id}").find(id=f"member-{team.invitee.id}") is None
    with database_unchanged(app):
        response = post(invitee, f"/invitations/{team.invitation_id}/accept", htmx=htmx)
    assert response.status_code == 422
    assert "This invitation has expired; ask for a new one" in parse(response.get_data(as_text=True)).by_id(
        "flashes").text()


def test_the_invitations_page_lists_the_pools_offered_with_a_link_to_answer(app, clock, browser, team):
    post(browser("owner"), f"/pools/{team.pool_id}/transfer", {"user_id": team.user.id})
    offers = page(browser("user"), "/invitations").by_id("transfer-offers")
    assert offers.find("a", href=f"/pools/{team.pool_id}").text() == "Development Team"
    assert "Team Lead offers you its ownership, until 28 Jan 2025, 22:00." in offers.text()
    assert page(browser("other_user"), "/invitations").find(id="transfer-offers") is None
    clock.advance(days=7)
    assert page(browser("user"), "/invitations").find(id="transfer-offers") is None
