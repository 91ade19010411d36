"""Turning a rental's auto-renew on and off with its switch, on the rental's page (in place, with
JavaScript) and in My rentals (without JavaScript too)."""
import pytest
from playwright.sync_api import expect

from tests.browser.pages import log_in, screenshot
from tests.factories import make_servers, server_record
from tests.users import PASSWORD


@pytest.fixture
def rental_id(app, api, make_user):
    alice = make_user("alice", balance_cents=100_000)
    server_id = make_servers(app, [server_record("fra-compute-1", prices={"1": "12.00", "7": "70.00"})])
    return api.rent(alice, server_id["fra-compute-1"])


def test_the_switch_turns_auto_renew_on_in_place_and_off_again(browse, rental_id):
    page = browse.new_page()
    log_in(page, "alice", PASSWORD)
    page.goto(f"/rentals/{rental_id}")
    section = page.locator(f"#auto-renew-{rental_id}")
    expect(section.locator(".auto-renew-state")).to_contain_text("Off")
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_role("switch", name="Renew fra-compute-1 automatically").check()
    section.get_by_label("Period").select_option("7")
    section.get_by_label("Ceiling ($)").fill("75.00")
    section.get_by_role("button", name="Save auto-renew").click()
    expect(section.get_by_role("status")).to_have_text(
        "Auto-renew is on: 7 days at a time, up to $75.00, paid from your wallet.")
    expect(section.locator(".auto-renew-state")).to_contain_text("7 days at a time, up to $75.00")
    expect(section).to_contain_text("Next attempt:")
    assert page.evaluate("window.stillTheSamePage") is True, "the page reloaded instead of swapping the section"
    screenshot(page, "rental-auto-renew-on")

    section.get_by_label("Ceiling ($)").fill("lots")
    section.get_by_role("button", name="Save auto-renew").click()
    expect(section.get_by_role("alert")).to_have_text("Must be an amount of dollars like 25.00")
    expect(section.get_by_label("Ceiling ($)")).to_have_attribute("aria-invalid", "true")

    section.get_by_label("Ceiling ($)").fill("75.00")
    page.get_by_role("switch", name="Renew fra-compute-1 automatically").uncheck()
    section.get_by_role("button", name="Save auto-renew").click()
    expect(section.get_by_role("status")).to_have_text("Auto-renew is off.")
    expect(section.locator(".auto-renew-state")).to_contain_text("Off")


def test_my_rentals_turns_it_on_without_javascript(browse, rental_id):
    page = browse.new_page(javascript=False)
    log_in(page, "alice", PASSWORD)
    page.goto("/rentals")
    row = page.locator(f"#rental-{rental_id}")
    row.get_by_text("Auto-renew settings").click()
    page.get_by_role("switch", name="Renew fra-compute-1 automatically").check()
    row.get_by_label("Period").select_option("1")
    row.get_by_label("Ceiling ($)").fill("12.00")
    row.get_by_role("button", name="Save auto-renew").click()
    expect(page.get_by_text("fra-compute-1: Auto-renew is on: 1 day at a time, up to $12.00")).to_be_visible()
    expect(page).to_have_url(f"{page.url.split('/rentals')[0]}/rentals")
    expect(page.locator(f"#rental-{rental_id} .auto-renew-state")).to_contain_text("1 day at a time, up to $12.00")
