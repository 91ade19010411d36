"""An administrator disables and enables an account on the admin page; its user's open browser is
signed out and told why."""
from playwright.sync_api import expect

from tests.browser.pages import go_to, log_in, screenshot
from tests.users import PASSWORD


def test_an_administrator_disables_a_user_who_is_signed_out_at_once(browse, make_user):
    make_user("root", is_admin=True)
    make_user("bob", alias="Bob B")
    make_user("carol")
    bob = browse.new_page()
    log_in(bob, "bob", PASSWORD)

    admin = browse.new_page()
    log_in(admin, "root", PASSWORD)
    go_to(admin, "Admin")
    admin.get_by_label("Find a user by username, name or id").fill("bob")
    results = admin.locator("#user-results")
    expect(results.locator("tr", has_text="carol")).to_have_count(0)
    row = results.locator("tr", has_text="Bob B")
    admin.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Disable bob").click()
    expect(row.get_by_text("Disabled", exact=True)).to_be_visible()
    expect(admin.get_by_text("bob is disabled")).to_be_visible()
    screenshot(admin, "admin-users")

    go_to(bob, "API tokens")
    expect(bob.get_by_text("This account is disabled")).to_be_visible()
    expect(bob.get_by_role("button", name="Log in")).to_be_visible()

    row.get_by_role("button", name="Enable bob").click()
    expect(row.get_by_text("Active", exact=True)).to_be_visible()
    log_in(bob, "bob", PASSWORD)


def test_with_javascript_off_an_administrator_finds_disables_and_enables_a_user(browse, make_user):
    make_user("root", is_admin=True)
    make_user("bob", alias="Bob B")
    make_user("carol")
    page = browse.new_page(javascript=False)
    log_in(page, "root", PASSWORD)
    go_to(page, "Admin")
    users = page.get_by_role("region", name="Users")
    users.get_by_label("Find a user by username, name or id").fill("bob")
    users.get_by_role("button", name="Search").click()
    expect(page.locator("#user-results tr", has_text="carol")).to_have_count(0)

    page.locator("#user-results tr", has_text="Bob B").get_by_role("button", name="Disable bob").click()
    expect(page.get_by_text("bob is disabled")).to_be_visible()
    row = page.locator("#user-results tr", has_text="Bob B")
    expect(row.get_by_text("Disabled", exact=True)).to_be_visible()

    row.get_by_role("button", name="Enable bob").click()
    expect(page.get_by_text("bob is enabled again")).to_be_visible()
    expect(page.locator("#user-results tr", has_text="Bob B").get_by_text("Active", exact=True)).to_be_visible()
