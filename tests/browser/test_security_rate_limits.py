"""A person held up by the login limit sees why and for how long, with JavaScript and without."""
import pytest
from playwright.sync_api import expect

from tests.users import PASSWORD


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "plain form"])
def test_too_many_login_attempts_say_when_to_try_again(browse, client, make_user, javascript):
    make_user("carol")
    for _ in range(10):
        client.post("/api/v1/users/auth/login", json={"username": "carol", "password": "not-the-password"})
    page = browse.new_page(javascript=javascript)
    page.goto("/login")
    page.get_by_label("Username").fill("carol")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Too many login attempts. Try again in ")
    expect(page.get_by_label("Username")).to_have_value("carol")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
