"""Money coming in, in the browser: a person asks for credit on the wallet page and an administrator
approves it on the requests page; a card top-up leads to Stripe's checkout page (here the local stand-in's),
with JavaScript and without."""
import re

from playwright.sync_api import expect

from tests.browser.pages import go_to, log_in, screenshot
from tests.stripe_stand_in import stripe_api  # noqa: F401
from tests.users import PASSWORD


def test_a_person_asks_for_credit_and_an_administrator_approves_it(browse, make_user):
    make_user("root", is_admin=True, alias="Rita Root")
    make_user("alice", alias="Alice")
    alice = browse.new_page()
    log_in(alice, "alice", PASSWORD)
    go_to(alice, "Wallet")
    expect(alice.get_by_text("Card payments are not available on this installation.")).to_be_visible()
    asking = alice.get_by_role("region", name="Ask for credit")
    asking.get_by_label("Amount in dollars").fill("250")
    asking.get_by_label("Why you need it").fill("Servers for the January sprint; invoiced monthly")
    asking.get_by_role("button", name="Send the request").click()
    expect(alice.get_by_text("Your request for $250.00 was sent to the administrators")).to_be_visible()
    expect(asking.locator("#my-credit-requests")).to_contain_text("Pending $250.00")
    screenshot(alice, "wallet-credit-request")

    admin = browse.new_page()
    log_in(admin, "root", PASSWORD)
    go_to(admin, "Admin")
    admin.get_by_role("link", name="Credit requests").click()
    row = admin.locator("tr", has_text="alice")
    expect(row).to_contain_text("Servers for the January sprint")
    screenshot(admin, "admin-credit-requests")
    admin.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Approve $250.00 for alice").click()
    expect(row.get_by_text("Approved", exact=True)).to_be_visible()
    expect(admin.get_by_text("Approved the request of alice for $250.00.")).to_be_visible()

    alice.reload()
    expect(alice.get_by_role("region", name="Balance")).to_contain_text("$250.00")
    expect(alice.locator("#my-credit-requests")).to_contain_text("Approved $250.00")


def test_with_javascript_off_an_administrator_rejects_a_request(browse, make_user, api):
    make_user("root", is_admin=True)
    alice = make_user("alice")
    api.post("/wallet/credit-requests", as_=alice, json={"amount_cents": 900, "reason": "Snacks"})
    admin = browse.new_page(javascript=False)
    log_in(admin, "root", PASSWORD)
    admin.goto("/admin/credit-requests")
    admin.locator("tr", has_text="alice").get_by_role("button", name="Reject $9.00 for alice").click()
    expect(admin.get_by_text("Rejected the request of alice for $9.00.")).to_be_visible()
    expect(admin.get_by_text("No pending requests.")).to_be_visible()


def test_the_card_top_up_button_leads_to_stripes_checkout(browse, make_user, stripe_api):
    make_user("alice")
    page = browse.new_page()
    log_in(page, "alice", PASSWORD)
    go_to(page, "Wallet")
    card = page.get_by_role("region", name="Pay by card")
    card.get_by_label("Amount in dollars").fill("2")
    card.get_by_role("button", name="Pay by card").click()
    expect(card.get_by_text("Must be between $5.00 and $1000.00")).to_be_visible()
    card.get_by_label("Amount in dollars").fill("40.00")
    card.get_by_role("button", name="Pay by card").click()
    expect(page).to_have_title("Stand-in checkout")
    [session] = stripe_api.sessions.values()
    assert page.url == session["url"] and session["amount_total"] == 4000


def test_without_javascript_the_wallet_page_links_on_to_the_checkout(browse, make_user, stripe_api):
    make_user("alice")
    page = browse.new_page(javascript=False)
    log_in(page, "alice", PASSWORD)
    page.goto("/wallet")
    card = page.get_by_role("region", name="Pay by card")
    card.get_by_label("Amount in dollars").fill("40.00")
    card.get_by_role("button", name="Pay by card").click()
    expect(page).to_have_url(re.compile(r"/wallet\?card_payment="))
    page.get_by_role("link", name="Continue to the payment page").click()
    expect(page).to_have_title("Stand-in checkout")
