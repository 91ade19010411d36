"""A person gives their email address on the account page, verifies it with the link emailed to
them, and chooses which notifications they get, in the browser (htmx swapping the sections)."""
from playwright.sync_api import expect

from tests.browser.pages import log_in, screenshot
from tests.mail import links_in, mail_server  # noqa: F401  (mail_server is a fixture)
from tests.users import PASSWORD


def test_an_address_is_given_verified_by_its_link_and_preferences_chosen(browse, make_user, api, tick,
                                                                        mail_server):
    alice = make_user("alice", alias="Alice")
    page = browse.new_page()
    log_in(page, "alice", PASSWORD)
    page.get_by_role("link", name="Your account (alice)").click()
    email = page.get_by_role("region", name="Email")

    email.get_by_label("Email address").fill("alice@example")
    email.get_by_role("button", name="Save address").click()
    expect(email.get_by_text("Must be an email address like name@example.com")).to_be_visible()
    email.get_by_label("Email address").fill("alice@example.com")
    email.get_by_role("button", name="Save address").click()
    expect(page.get_by_text("We sent a link to alice@example.com")).to_be_visible()
    expect(email.get_by_text("Not verified")).to_be_visible()

    tick()
    [message] = mail_server.to("alice@example.com")
    [link] = [link for link in links_in(message) if "/verify-email" in link]
    page.goto(link.replace("http://localhost", ""))
    page.get_by_role("button", name="Verify my email address").click()
    expect(page.get_by_text("alice@example.com is verified")).to_be_visible()
    page.get_by_role("link", name="Your account page").click()
    expect(page.get_by_role("region", name="Email").get_by_text("Verified", exact=True)).to_be_visible()

    notifications = page.get_by_role("region", name="Notifications")
    notifications.get_by_role("checkbox", name="A rental is about to end: by email").uncheck()
    notifications.get_by_label("Warn me when my balance falls under (USD)").fill("25")
    notifications.get_by_role("button", name="Save notification settings").click()
    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    screenshot(page, "account")
    me = api.get("/users/me", as_=alice).json["data"]
    assert me["notification_preferences"]["rental.ending_soon"] == {"email": False, "in_app": True}
    assert me["low_balance_threshold_cents"] == 2500
