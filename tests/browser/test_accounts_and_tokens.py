"""Registering, logging in and managing API tokens, as a person does it in the browser."""
from playwright.sync_api import expect

from tests.browser.pages import go_to, log_in, screenshot
from tests.users import PASSWORD


def register(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/register")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Display name").fill(username.title())
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Confirm password").fill(password)
    page.get_by_role("button", name="Create account").click()


def test_a_visitor_registers_logs_out_and_logs_back_in(browse):
    page = browse.new_page()
    page.goto("/")
    screenshot(page, "landing")
    register(page, "carol")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.locator(".account-label")).to_have_text("Carol")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    screenshot(page, "login")
    log_in(page, "carol", PASSWORD)
    screenshot(page, "overview")


def test_a_wrong_password_is_refused_beside_the_form(browse, make_user):
    make_user("carol")
    page = browse.new_page()
    page.goto("/login")
    page.get_by_label("Username").fill("carol")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Invalid username or password")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_a_token_is_created_shown_once_and_revoked_in_place(browse, make_user):
    make_user("carol")
    page = browse.new_page()
    log_in(page, "carol", PASSWORD)
    go_to(page, "API tokens")
    page.get_by_label("Token name").fill("CI deploy")
    page.get_by_role("button", name="Create token").click()

    secret = page.locator("#new-token-value")
    expect(secret).to_be_visible()
    plain = secret.inner_text()
    row = page.locator("tr", has_text="CI deploy")
    expect(row.get_by_text("Active")).to_be_visible()
    screenshot(page, "tokens")

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Revoke").click()
    expect(row.get_by_text("Revoked")).to_be_visible()
    expect(row.get_by_role("button", name="Revoke")).to_have_count(0)
    # A revoked secret is worthless, and "copy it now" beside it would mislead: it leaves the page.
    expect(page.get_by_text("Copy it now.")).to_have_count(0)
    assert plain not in page.content()

    page.reload()
    expect(page.locator("#new-token-value")).to_have_count(0)
    expect(page.locator("tr", has_text="CI deploy").get_by_text("Revoked")).to_be_visible()


def test_with_javascript_off_every_step_still_works_by_plain_form_posts(browse, make_user):
    page = browse.new_page(javascript=False)
    register(page, "dora")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    go_to(page, "API tokens")
    page.get_by_label("Token name").fill("laptop")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#new-token-value")).to_be_visible()

    page.locator("tr", has_text="laptop").get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("Token revoked")).to_be_visible()
    expect(page.locator("tr", has_text="laptop").get_by_text("Revoked")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
