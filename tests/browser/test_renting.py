"""Finding a server, renting it and extending the rental, as a person does it in the browser."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import go_to, log_in, screenshot
from tests.factories import make_servers, server_record
from tests.users import PASSWORD

INVENTORY = [
    server_record("fra-compute-1", country="DE", region="eu-central", featured=True,
                  prices={"1": "12.00", "7": "70.00", "30": "240.00"}),
    server_record("fra-storage-2", country="DE", region="eu-central", category="storage", popularity_rank=2,
                  prices={"7": "105.00"}, disks=((8, 8000, "HDD"),)),
    server_record("nyc-compute-3", country="US", popularity_rank=3, prices={"7": "56.00"}),
    server_record("sfo-gpu-4", country="US", region="us-west", category="gpu", popularity_rank=4,
                  prices={"30": "900.00"}),
]


@pytest.fixture
def servers(app):
    return make_servers(app, INVENTORY)


def balance(page):
    return page.locator("#balance .balance-amount")


def result_names(page) -> list[str]:
    return page.locator("#results .offer-name").all_inner_texts()


def test_filters_update_the_results_in_place_and_live_in_the_address(browse, servers):
    page = browse.new_page()
    page.goto("/marketplace")
    expect(page.locator("#results-heading")).to_have_text("4 servers available")
    screenshot(page, "marketplace")
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_label("Country").fill("DE")
    expect(page.locator("#results-heading")).to_have_text("2 servers available")
    expect(page).to_have_url(re.compile(r"country=DE"))
    assert result_names(page) == ["fra-compute-1", "fra-storage-2"]

    page.get_by_label("Max price per day ($)").fill("12")
    expect(page.locator("#results-heading")).to_have_text("1 server available")
    expect(page).to_have_url(re.compile(r"max_price_per_day=12"))
    assert page.evaluate("window.stillTheSamePage") is True, "the page reloaded instead of swapping the results"
    screenshot(page, "marketplace-filtered")

    page.reload()
    expect(page.get_by_label("Country")).to_have_value("DE")
    expect(page.get_by_label("Max price per day ($)")).to_have_value("12")
    expect(page.locator("#results-heading")).to_have_text("1 server available")
    assert result_names(page) == ["fra-compute-1"]

    page.get_by_label("Max price per day ($)").fill("0.5")
    expect(page.get_by_text("No servers match these filters.")).to_be_visible()


def test_a_bad_filter_value_is_explained_not_failed(browse, servers):
    page = browse.new_page()
    page.goto("/marketplace?min_ram_gb=lots")
    expect(page.locator("#results-heading")).to_have_text("Check the filters")
    expect(page.locator("#results").get_by_role("alert")).to_contain_text("Min RAM (GB)")


def test_renting_a_server_charges_the_wallet_and_extending_it_charges_again(browse, make_user, servers):
    make_user("alice", balance_cents=100_000)
    page = browse.new_page()
    log_in(page, "alice", PASSWORD)
    expect(balance(page)).to_have_text("$1,000.00")

    go_to(page, "Marketplace")
    page.get_by_role("link", name="fra-compute-1").click()
    expect(page.get_by_role("heading", name="fra-compute-1")).to_be_visible()
    page.get_by_label("Rental period").select_option("7")
    expect(page.locator("#rent-total")).to_contain_text("$70.00")
    screenshot(page, "server-detail")

    page.get_by_role("button", name="Rent now").click()
    expect(page.get_by_role("heading", name="Rented")).to_be_visible()
    expect(balance(page)).to_have_text("$930.00")

    go_to(page, "My rentals")
    row = page.locator("tr", has_text="fra-compute-1")
    expect(row.get_by_text("Active")).to_be_visible()
    expect(row.locator("td[data-label=Paid]")).to_have_text("$70.00")
    page.evaluate("window.stillTheSamePage = true")
    row.get_by_label("Extend fra-compute-1 by").select_option("1")
    row.get_by_role("button", name="Extend").click()
    expect(row.locator("td[data-label=Paid]")).to_have_text("$82.00")
    expect(row.locator("td[data-label='Days left']")).to_have_text("8")
    expect(balance(page)).to_have_text("$918.00")
    assert page.evaluate("window.stillTheSamePage") is True
    screenshot(page, "rentals")

    go_to(page, "Wallet")
    expect(page.get_by_text("$918.00").first).to_be_visible()
    expect(page.locator(".transactions-table tbody tr")).to_have_count(3)  # the credit, the rental, the extension
    screenshot(page, "wallet")


def test_a_short_balance_is_shown_beside_the_rent_form_and_charges_nothing(browse, make_user, servers):
    make_user("bob", balance_cents=5_000)
    page = browse.new_page()
    log_in(page, "bob", PASSWORD)
    page.goto("/marketplace")
    page.get_by_role("link", name="sfo-gpu-4").click()
    page.get_by_role("button", name="Rent now").click()
    expect(page.locator("#rent-section").get_by_role("alert")).to_contain_text("balance")
    expect(balance(page)).to_have_text("$50.00")


def test_with_javascript_off_a_server_is_found_and_rented_by_plain_requests(browse, make_user, servers):
    make_user("dora", balance_cents=10_000)
    page = browse.new_page(javascript=False)
    log_in(page, "dora", PASSWORD)
    go_to(page, "Marketplace")
    page.get_by_label("Country").fill("US")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"country=US"))
    expect(page.locator("#results-heading")).to_have_text("2 servers available")

    page.get_by_role("link", name="nyc-compute-3").click()
    page.get_by_role("button", name="Rent now").click()
    expect(balance(page)).to_have_text("$44.00")
    go_to(page, "My rentals")
    expect(page.locator("tr", has_text="nyc-compute-3").get_by_text("Active")).to_be_visible()
