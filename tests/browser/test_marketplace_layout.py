"""The marketplace's layout on a phone and on a desktop: the servers come first, the filters stay in reach."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import screenshot
from tests.factories import make_servers, server_record

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


@pytest.fixture
def servers(app):
    """Enough servers for the results to run well past one screen."""
    records = [server_record(f"fra-{number}", country="DE", region="eu-central", popularity_rank=number)
               for number in range(1, 9)]
    records += [server_record(f"nyc-{number}", popularity_rank=10 + number, traffic_tb=20) for number in range(1, 9)]
    return make_servers(app, records)


def filters_toggle(page):
    """The disclosure that opens the filter panel (a ``<summary>``, which has no ARIA role to find it by)."""
    return page.locator("summary", has_text=re.compile(r"^\s*Filters\s*$"))


def test_on_a_phone_the_servers_come_first_and_the_filters_are_one_tap_away(browse, servers):
    page = browse.new_page()
    page.set_viewport_size(PHONE)
    page.goto("/marketplace")
    screenshot(page, "marketplace-phone")
    expect(page.locator("#results .offer").first).to_be_in_viewport(ratio=1)
    expect(page.get_by_label("Country")).to_be_hidden()

    filters_toggle(page).click()
    expect(page.get_by_label("Country")).to_be_in_viewport()
    screenshot(page, "marketplace-phone-filters")
    page.get_by_label("Country").fill("DE")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#results-heading")).to_have_text("8 servers available")
    expect(page).to_have_url(re.compile(r"country=DE"))


def test_on_a_phone_with_javascript_off_the_filters_open_and_apply_too(browse, servers):
    page = browse.new_page(javascript=False)
    page.set_viewport_size(PHONE)
    page.goto("/marketplace")
    expect(page.locator("#results .offer").first).to_be_in_viewport(ratio=1)
    filters_toggle(page).click()
    page.get_by_label("Country").fill("DE")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"country=DE"))
    expect(page.locator("#results-heading")).to_have_text("8 servers available")
    expect(page.locator("#results .offer").first).to_be_in_viewport(ratio=1)


def test_on_a_desktop_apply_filters_stays_in_reach_with_more_filters_open(browse, servers):
    page = browse.new_page()
    page.set_viewport_size(DESKTOP)
    page.goto("/marketplace")
    expect(page.get_by_label("Country")).to_be_in_viewport()  # beside the results, nothing to open first
    expect(filters_toggle(page)).to_be_hidden()

    page.get_by_text("More filters").click()
    apply = page.get_by_role("button", name="Apply filters")
    expect(apply).to_be_in_viewport(ratio=1)
    page.get_by_label("Min monthly traffic (TB)").fill("50")  # far down the open panel
    expect(apply).to_be_in_viewport(ratio=1)
    screenshot(page, "marketplace-more-filters")
    apply.click()
    expect(page).to_have_url(re.compile(r"min_traffic_tb=50"))
    expect(page.locator("#results-heading")).to_have_text("8 servers available")
