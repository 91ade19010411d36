"""The bell and the notifications page in the browser: the unread count beside the bell follows what
happens elsewhere through htmx's poll, and what the reader marks read on the page, without the page
being loaded again."""
import pytest
from playwright.sync_api import expect

from tests.browser.pages import log_in, screenshot
from tests.notices import announce, rental_notifications
from tests.users import PASSWORD

NOT_RELOADED = "window.stillTheSamePage === true"


@pytest.fixture
def alice(app, api, clock, runner, make_user):
    app.config["NOTIFICATION_POLL_SECONDS"] = 1  # the browser need not wait 30 seconds for a poll
    person = make_user("alice", balance_cents=1000_00)
    rental_notifications(app, api, clock, runner, person)
    return person


def unread(api, person) -> list[str]:
    return [note["id"] for note in api.get("/notifications?unread=true", as_=person).json["data"]]


def test_the_bell_counts_unread_and_follows_changes_without_a_reload(browse, api, make_user, alice):
    page = browse.new_page()
    log_in(page, "alice", PASSWORD)
    bell = page.get_by_role("link", name="Notifications, 4 unread")
    expect(bell).to_be_visible()
    expect(page.locator("#notification-bell .bell-count")).to_have_text("4")
    page.evaluate("window.stillTheSamePage = true")

    # Read elsewhere (through the API): the next poll brings the new count.
    api.put(f"/notifications/{unread(api, alice)[0]}/read", as_=alice)
    expect(page.locator("#notification-bell .bell-count")).to_have_text("3")
    # An announcement to everyone adds one.
    announce(api, make_user("root", is_admin=True), title="Maintenance tonight")
    expect(page.locator("#notification-bell .bell-count")).to_have_text("4")
    assert page.evaluate(NOT_RELOADED)

    page.locator("#notification-bell").click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    screenshot(page, "notifications")
    page.evaluate("window.stillTheSamePage = true")
    rows = page.locator("tr.notification-row.is-unread")
    expect(rows).to_have_count(4)
    page.get_by_role("button", name="Mark as read “node-us-nyc-1 has expired”").click()
    expect(rows).to_have_count(3)
    expect(page.locator("#notification-bell .bell-count")).to_have_text("3")

    page.get_by_role("button", name="Mark all as read").click()
    expect(rows).to_have_count(0)
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    expect(page.locator("#notification-bell .bell-count")).to_have_text("")
    expect(page.get_by_text("3 notifications marked as read.")).to_be_visible()
    assert page.evaluate(NOT_RELOADED)
    assert unread(api, alice) == []


def test_an_announcement_banner_goes_when_dismissed(browse, api, make_user, alice):
    announce(api, make_user("root", is_admin=True), title="Maintenance tonight")
    page = browse.new_page()
    log_in(page, "alice", PASSWORD)
    banner = page.get_by_role("region", name="Announcements")
    expect(banner).to_contain_text("Maintenance tonight")
    expect(page.locator("#notification-bell .bell-count")).to_have_text("5")
    page.get_by_role("button", name="Dismiss “Maintenance tonight”").click()
    expect(banner.get_by_text("Maintenance tonight")).to_have_count(0)
    expect(page.locator("#notification-bell .bell-count")).to_have_text("4")
    page.reload()
    expect(page.get_by_text("Maintenance tonight")).to_have_count(0)
