"""A person sets up two-factor login on the account page, scanning nothing: they type the key shown into
an authenticator (here pyotp, as the test's own app), confirm with its code, and then log in with the
password and a code as the second step."""
from datetime import datetime, timezone

from playwright.sync_api import expect

from tests.browser.pages import screenshot
from tests.two_factor import code_at
from tests.users import PASSWORD


def test_two_factor_is_set_up_on_the_account_page_and_asked_at_login(browse, make_user, clock):
    clock.set(datetime.now(timezone.utc))  # the server and the test's authenticator share this clock
    make_user("alice", alias="Alice")
    page = browse.new_page()
    page.goto("/login")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Your account (alice)").click()

    section = page.get_by_role("region", name="Two-factor login")
    expect(section.get_by_text("Off", exact=True)).to_be_visible()
    section.get_by_label("Password").fill(PASSWORD)
    section.get_by_role("button", name="Set up two-factor login").click()
    qr = section.get_by_role("img", name="QR code to scan with your authenticator app")
    expect(qr).to_be_visible()
    # The page's policy lets the image load: it decodes (visible alone only means laid out, and an
    # image not yet decoded has no natural width).
    assert qr.evaluate("image => image.decode().then(() => image.naturalWidth, () => 0)") > 0
    expect(section.locator("#backup-codes li")).to_have_count(10)
    secret = section.locator("#manual-entry-key").inner_text()
    screenshot(page, "two-factor-setup")

    section.get_by_label("Code from the app").fill(code_at(secret, clock.now))
    section.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("Two-factor login is on.")).to_be_visible()
    expect(section.get_by_text("On", exact=True)).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    page.goto("/login")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    clock.advance(seconds=30)  # a new code: the one that turned it on cannot be used again
    page.get_by_label("Code from your authenticator app, or a backup code").fill("000000")
    page.get_by_role("button", name="Verify and log in").click()
    expect(page.get_by_text("The code is not right, or was used already")).to_be_visible()
    page.get_by_label("Code from your authenticator app, or a backup code").fill(code_at(secret, clock.now))
    page.get_by_role("button", name="Verify and log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_text("Welcome back, Alice.")).to_be_visible()
