"""The spending charts in a browser: the pool page's and the wallet page's, read at a glance, the
month picked with htmx and without JavaScript, the CSV downloaded, and axe-core content with both."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from core.timeutil import utcnow
from services.spending import month_of
from tests.browser.pages import log_in, screenshot, violations
from tests.movements import move, set_budget
from tests.users import PASSWORD


@pytest.fixture
def spent(app, api, make_user):
    """Alice's team pool spent this month by her and by Bob, over Bob's limit; Alice's own wallet
    spent too. Returns the pool's id."""
    alice = make_user("alice", alias="Alice")
    bob = make_user("bob", alias="Bob")
    pool_id = api.post("/pools", as_=alice, json={"name": "Team"}).json["data"]["id"]
    invitation = api.post(f"/pools/{pool_id}/members", as_=alice, json={"username": "bob", "role": "user"})
    api.post(f"/pools/{invitation.json['data']['id']}/accept", as_=bob)
    set_budget(app, pool_id, monthly_limit_cents=60_000, member_monthly_limit_cents=20_000)
    first = month_of(utcnow())[0]
    move(app, "credit", 100_000, user_id=alice.id, at=first)
    move(app, "transfer_out", 50_000, user_id=alice.id, at=first)
    move(app, "transfer_in", 50_000, user_id=alice.id, pool_id=pool_id, at=first)
    move(app, "rental", 12_000, user_id=alice.id, pool_id=pool_id, at=first + timedelta(hours=1))
    move(app, "rental", 25_000, user_id=bob.id, pool_id=pool_id, at=first + timedelta(hours=2))
    move(app, "rental", 7_000, user_id=alice.id, at=first + timedelta(hours=3))
    return pool_id


def test_the_pool_page_and_the_wallet_page_show_the_months_spending(browse, spent):
    page = browse.new_page()
    log_in(page, "alice", PASSWORD)
    page.goto(f"/pools/{spent}")
    section = page.get_by_role("region", name="Spending in")
    expect(section.get_by_role("img", name="The pool in")).to_have_attribute(
        "aria-label", f"The pool in {month_of(utcnow())[0].strftime('%B %Y')}: $370.00 spent of a $600.00 limit")
    expect(section.get_by_role("img", name="Bob in")).to_have_attribute(
        "aria-label", f"Bob in {month_of(utcnow())[0].strftime('%B %Y')}: $250.00 spent of a $200.00 limit, over the limit")
    expect(section.locator("#pool-spending-bar .chart-fill")).to_be_visible()
    expect(section.get_by_role("cell", name="$250.00")).to_be_visible()
    screenshot(page, "pool-spending")
    report = violations(page)
    assert not report, report

    # htmx: the month before, then back with the month field.
    section.get_by_role("link", name="←").click()
    expect(page.locator("#pool-spending-total")).to_have_text("$0.00")
    assert page.url.endswith(f"/pools/{spent}")
    page.get_by_label("Month", exact=True).fill(month_of(utcnow())[0].strftime("%Y-%m"))
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#pool-spending-total")).to_have_text("$370.00")

    with page.expect_download() as download:
        section.get_by_role("button", name="Download CSV").click()
    assert download.value.suggested_filename == f"pool-{spent}-transactions-start-to-now.csv"
    assert "rental,-250.00,USD,,bob,Rental" in open(download.value.path()).read()

    page.goto("/wallet")
    wallet = page.get_by_role("region", name="Spending in")
    expect(wallet.locator("#wallet-spending-total")).to_have_text("$70.00")
    expect(wallet.get_by_role("img", name="Your spending in")).to_be_visible()
    screenshot(page, "wallet-spending")
    report = violations(page)
    assert not report, report


def test_the_month_is_picked_without_javascript(browse, spent):
    page = browse.new_page(javascript=False)
    log_in(page, "alice", PASSWORD)
    page.goto(f"/pools/{spent}")
    previous = month_of(month_of(utcnow())[0] - timedelta(days=1))[0]
    page.get_by_role("link", name="←").click()
    expect(page).to_have_url(f"{page.url.split('?')[0]}?month={previous.strftime('%Y-%m')}")
    expect(page.locator("#pool-spending-heading")).to_have_text(f"Spending in {previous.strftime('%B %Y')}")
    page.get_by_label("Month", exact=True).fill(month_of(utcnow())[0].strftime("%Y-%m"))
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#pool-spending-total")).to_have_text("$370.00")
