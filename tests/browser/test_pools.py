"""Sharing servers with a team through a pool: invite, accept, change a role, remove, decline."""
import re

from playwright.sync_api import expect

from core.ids import CANONICAL_ID
from tests.browser.pages import go_to, log_in, screenshot
from tests.factories import make_rental, make_server
from tests.users import PASSWORD


def invitation_badge(page):
    return page.locator("#invitation-badge")


def create_pool(page, name: str) -> str:
    go_to(page, "Pools")
    page.get_by_label("Pool name").fill(name)
    page.get_by_role("button", name="Create pool").click()
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    return re.search(f"/pools/({CANONICAL_ID})", page.url).group(1)


def invite(page, username: str, role: str = "User") -> None:
    members = page.locator("#members-section")
    members.get_by_label("Username").fill(username)
    members.get_by_label("Role").select_option(label=role)
    members.get_by_role("button", name="Invite").click()
    expect(members.locator("tr", has_text=username).get_by_text("Pending")).to_be_visible()


def test_a_teammate_is_invited_joins_sees_the_servers_changes_role_and_is_removed(browse, app, make_user):
    owner = make_user("olivia", alias="Olivia")
    make_user("mike", alias="Mike")
    owner_page = browse.new_page()
    log_in(owner_page, "olivia", PASSWORD)
    pool_id = create_pool(owner_page, "Render farm")
    make_rental(app, owner.id, pool_id, make_server(app, "render-node-1"))
    invite(owner_page, "mike")

    member_page = browse.new_page()
    log_in(member_page, "mike", PASSWORD)
    expect(invitation_badge(member_page)).to_contain_text("1")
    go_to(member_page, "Invitations")
    screenshot(member_page, "invitations")
    member_page.locator("tr", has_text="Render farm").get_by_role("button", name="Accept").click()
    expect(invitation_badge(member_page)).to_have_text("")
    member_page.get_by_role("link", name="Render farm").click()
    expect(member_page.locator("#pool-servers")).to_contain_text("render-node-1")

    owner_page.reload()
    row = owner_page.locator("#members-section tr", has_text="mike")
    expect(row.get_by_text("Joined")).to_be_visible()
    screenshot(owner_page, "pool")
    row.get_by_label("Role of mike").select_option(label="Admin")
    row.get_by_role("button", name="Change role").click()
    expect(row.locator("td[data-label=Role]")).to_have_text("Admin")

    owner_page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Remove mike").click()
    expect(owner_page.locator("#members-section tr", has_text="mike")).to_have_count(0)

    member_page.reload()
    expect(member_page.get_by_role("heading", name="Not Found", exact=True)).to_be_visible()
    go_to(member_page, "Pools")
    expect(member_page.get_by_role("link", name="Render farm")).to_have_count(0)
    screenshot(owner_page, "pools")


def test_a_declined_invitation_disappears_and_leaves_no_membership(browse, make_user):
    make_user("olivia")
    make_user("mike")
    owner_page = browse.new_page()
    log_in(owner_page, "olivia", PASSWORD)
    create_pool(owner_page, "Archive")
    invite(owner_page, "mike")

    member_page = browse.new_page()
    log_in(member_page, "mike", PASSWORD)
    go_to(member_page, "Invitations")
    member_page.once("dialog", lambda dialog: dialog.accept())
    member_page.locator("tr", has_text="Archive").get_by_role("button", name="Decline").click()
    expect(member_page.locator("tr", has_text="Archive")).to_have_count(0)
    expect(invitation_badge(member_page)).to_have_text("")

    owner_page.reload()
    expect(owner_page.locator("#members-section tr", has_text="mike")).to_have_count(0)


def test_the_owners_audit_log_follows_in_place_changes_without_a_reload(browse, make_user):
    make_user("olivia")
    make_user("mike")
    owner_page = browse.new_page()
    log_in(owner_page, "olivia", PASSWORD)
    create_pool(owner_page, "Render farm")
    invite(owner_page, "mike")
    newest_event = owner_page.locator("#pool-audit tbody tr").first
    expect(newest_event.locator("td[data-label=Action]")).to_have_text("sent an invitation")

    row = owner_page.locator("#members-section tr", has_text="mike")
    row.get_by_label("Role of mike").select_option(label="Admin")
    row.get_by_role("button", name="Change role").click()
    expect(row.locator("td[data-label=Role]")).to_have_text("Admin")
    expect(newest_event.locator("td[data-label=Action]")).to_have_text("changed a member's role")
    expect(newest_event.locator("td[data-label=Target]")).to_have_text("mike (user → admin)")

    owner_page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Cancel invitation mike").click()
    expect(owner_page.locator("#members-section tr", has_text="mike")).to_have_count(0)
    expect(newest_event.locator("td[data-label=Action]")).to_have_text("cancelled an invitation")


def test_pool_names_on_the_pools_page_look_like_the_links_on_the_overview(browse, make_user):
    make_user("olivia")
    page = browse.new_page()
    log_in(page, "olivia", PASSWORD)

    def look_of_the_pool_link(path: str) -> dict:
        page.goto(path)
        link = page.locator("tbody tr", has_text="Default").get_by_role("link", name="Default", exact=True)
        return link.evaluate("link => ({color: getComputedStyle(link).color,"
                             " text: getComputedStyle(link.closest('td')).color})")

    on_the_pools_page, on_the_overview = look_of_the_pool_link("/pools"), look_of_the_pool_link("/")
    assert on_the_pools_page["color"] == on_the_overview["color"]
    assert on_the_pools_page["color"] != on_the_pools_page["text"]  # set apart from the text around it
