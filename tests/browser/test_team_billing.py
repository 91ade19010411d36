"""A team paying from its pool's wallet in the browser: the owner moves money into the pool and sets its
budget, rents a server paid by the pool; a member's rent above the approval threshold is sent for approval,
and the owner approves it on the pool's page. The pool page with its money passes axe."""
import pytest
from playwright.sync_api import expect

from tests.browser.pages import log_in, screenshot, violations
from tests.factories import make_servers, server_record
from tests.users import PASSWORD


@pytest.fixture
def team_pool(app, api, make_user):
    owner = make_user("lead", alias="Lead", balance_cents=100_000)
    member = make_user("dev", alias="Dev", balance_cents=10_000)
    servers = make_servers(app, [
        server_record("fra-compute-1", country="DE", prices={"7": "70.00", "30": "240.00"}),
        server_record("nyc-compute-2", prices={"7": "56.00", "30": "200.00"}),
    ])
    pool_id = api.post("/pools", as_=owner, json={"name": "Platform"}).json["data"]["id"]
    invitation = api.post(f"/pools/{pool_id}/members", as_=owner, json={"username": "dev", "role": "admin"})
    api.post(f"/pools/{invitation.json['data']['id']}/accept", as_=member)
    return pool_id, servers


def pool_balance(page):
    return page.locator("#pool-balance")


def test_a_team_fills_its_pool_rents_from_it_and_approves_a_request(browse, team_pool):
    pool_id, servers = team_pool
    owner = browse.new_page()
    owner.on("dialog", lambda dialog: dialog.accept())
    log_in(owner, "lead", PASSWORD)
    owner.goto(f"/pools/{pool_id}")
    expect(pool_balance(owner)).to_have_text("$0.00")

    owner.evaluate("window.stillTheSamePage = true")
    owner.locator("#pool-wallet").get_by_label("Amount in dollars").fill("400")
    owner.get_by_role("button", name="Move into the pool").click()
    expect(pool_balance(owner)).to_have_text("$400.00")
    expect(owner.locator("#balance .balance-amount")).to_have_text("$600.00")
    budget = owner.locator("#pool-budget")
    budget.get_by_label("Approval needed above ($)").fill("100")
    budget.get_by_role("button", name="Save budget").click()
    expect(owner.locator("#pool-budget-figures")).to_contain_text("above $100.00")
    assert owner.evaluate("window.stillTheSamePage") is True, "the page reloaded instead of swapping its sections"

    owner.goto(f"/marketplace/{servers['fra-compute-1']}")
    owner.get_by_label("Rental period").select_option("7")
    owner.get_by_label("Pool").select_option(pool_id)
    owner.get_by_label("Pay from").select_option("pool")
    owner.get_by_role("button", name="Rent now").click()
    expect(owner.get_by_role("heading", name="Rented")).to_be_visible()
    expect(owner.get_by_text("was taken from the pool's wallet")).to_be_visible()
    expect(owner.locator("#balance .balance-amount")).to_have_text("$600.00")

    member = browse.new_page()
    log_in(member, "dev", PASSWORD)
    member.goto(f"/marketplace/{servers['nyc-compute-2']}")
    member.get_by_label("Rental period").select_option("30")
    member.get_by_label("Pool").select_option(pool_id)
    member.get_by_label("Pay from").select_option("pool")
    member.get_by_role("button", name="Rent now").click()
    expect(member.get_by_text("Sent for approval")).to_be_visible()
    expect(member.locator("#spend-requests")).to_contain_text("Pending")
    screenshot(member, "pool-spend-request")

    owner.goto(f"/pools/{pool_id}")
    expect(pool_balance(owner)).to_have_text("$330.00")
    owner.locator("#spend-requests").get_by_role("button", name="Approve").click()
    expect(owner.get_by_text("Approved: $200.00 paid from the pool's wallet.")).to_be_visible()
    expect(pool_balance(owner)).to_have_text("$130.00")
    expect(owner.locator("#pool-servers")).to_contain_text("nyc-compute-2")
    screenshot(owner, "pool-wallet")
    assert violations(owner) == ""


def test_without_javascript_money_moves_into_the_pool_by_a_plain_form(browse, team_pool):
    pool_id, _ = team_pool
    page = browse.new_page(javascript=False)
    log_in(page, "dev", PASSWORD)
    page.goto(f"/pools/{pool_id}")
    page.locator("#pool-wallet").get_by_label("Amount in dollars").fill("25.50")
    page.get_by_role("button", name="Move into the pool").click()
    expect(pool_balance(page)).to_have_text("$25.50")
    expect(page.get_by_text("$25.50 moved into the pool's wallet")).to_be_visible()
