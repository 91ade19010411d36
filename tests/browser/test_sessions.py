"""A person logged in on two browsers signs the other out from the account page; the other browser is
logged out on its next request. Then they change their password, which signs out the rest again."""
from playwright.sync_api import expect

from tests.browser.pages import log_in, screenshot
from tests.users import PASSWORD


def logged_in_twice(browse, make_user):
    """Alice logged in on two browsers, the first showing her account page."""
    make_user("alice")
    first, second = browse.new_page(), browse.new_page()
    log_in(first, "alice", PASSWORD)
    log_in(second, "alice", PASSWORD)
    first.get_by_role("link", name="Your account (alice)").click()
    return first, second


def logged_out(page) -> None:
    page.reload()
    expect(page.get_by_role("banner").get_by_role("link", name="Log in")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_a_session_signed_out_from_the_account_page_is_logged_out_on_its_next_request(browse, make_user):
    first, second = logged_in_twice(browse, make_user)
    sessions = first.get_by_role("region", name="Sessions")
    expect(sessions.get_by_role("row")).to_have_count(3)  # the heading's and the two browsers'
    expect(sessions.get_by_role("row").filter(has_text="This browser")).to_have_count(1)
    screenshot(first, "account-sessions")
    other = sessions.get_by_role("row").filter(has_not_text="This browser").filter(has=first.get_by_role("button"))
    other.get_by_role("button").click()

    expect(first.get_by_text("Signed out Chrome on Linux.")).to_be_visible()
    expect(sessions.get_by_role("row")).to_have_count(2)
    logged_out(second)
    first.reload()
    expect(first.get_by_role("button", name="Log out")).to_be_visible()


def test_a_password_change_on_the_account_page_signs_out_the_other_browsers(browse, make_user):
    first, second = logged_in_twice(browse, make_user)
    password = first.get_by_role("region", name="Password")
    password.get_by_label("Current password").fill("not-my-password")
    password.get_by_label("New password", exact=True).fill("a-brand-new-passphrase")
    password.get_by_label("Confirm new password").fill("a-brand-new-passphrase")
    password.get_by_role("button", name="Change password").click()
    expect(password.get_by_text("Is not your current password")).to_be_visible()

    password.get_by_label("Current password").fill(PASSWORD)
    password.get_by_label("New password", exact=True).fill("a-brand-new-passphrase")
    password.get_by_label("Confirm new password").fill("a-brand-new-passphrase")
    password.get_by_role("button", name="Change password").click()
    expect(first.get_by_text("Your password is changed. Signed out 1 other session.")).to_be_visible()
    expect(first.get_by_role("region", name="Sessions").get_by_role("row")).to_have_count(2)
    logged_out(second)
    log_in(second, "alice", "a-brand-new-passphrase")
