"""An administrator reports a rented server ready with its access details, and the renter sees them,
as both do it in the browser."""
from playwright.sync_api import expect

from tests.browser.pages import log_in, screenshot
from tests.factories import make_servers, server_record
from tests.users import PASSWORD


def test_the_admin_sets_ready_with_access_and_the_renter_sees_it(app, api, make_user, browse):
    make_user("root", is_admin=True)
    alice = make_user("alice", balance_cents=100_000)
    servers = make_servers(app, [server_record("fra-1", prices={"7": "70.00"})])
    rented = api.post(f"/servers/{servers['fra-1']}/rent", as_=alice, json={"rental_days": 7})
    rental_id = rented.json["data"]["rental"]["id"]

    admin = browse.new_page()
    log_in(admin, "root", PASSWORD)
    admin.goto("/admin")
    admin.get_by_role("link", name="Provisioning").click()
    admin.get_by_role("link", name="fra-1").click()
    expect(admin.locator("#admin-setup-status")).to_have_text("Pending")
    admin.evaluate("window.stillTheSamePage = true")
    admin.get_by_label("Status").select_option("ready")
    admin.get_by_label("Message for the renter").fill("Installed Debian 12")
    admin.get_by_label("IPv4 addresses").fill("203.0.113.10")
    admin.get_by_label("IPv6 addresses").fill("2001:DB8::10")
    admin.get_by_label("Host name").fill("fra-1.example.com")
    admin.get_by_label("Access notes").fill("Log in as root with your SSH key")
    admin.get_by_role("button", name="Save the setup").click()
    expect(admin.locator("#admin-setup-status")).to_have_text("Ready")
    expect(admin.get_by_text("fra-1 is reported ready.")).to_be_visible()
    expect(admin.get_by_label("IPv6 addresses")).to_have_value("2001:db8::10")
    assert admin.evaluate("window.stillTheSamePage") is True, "the page reloaded instead of swapping the form"
    screenshot(admin, "admin-provisioning-ready")

    renter = browse.new_page()
    log_in(renter, "alice", PASSWORD)
    renter.goto("/rentals")
    expect(renter.locator(f"#rental-{rental_id} .badge-setup-ready")).to_have_text("Ready")
    renter.get_by_role("link", name="fra-1").first.click()
    setup = renter.locator("#rental-setup")
    for shown in ("Installed Debian 12", "203.0.113.10", "2001:db8::10", "fra-1.example.com",
                  "Log in as root with your SSH key"):
        expect(setup).to_contain_text(shown)
    screenshot(renter, "rental-ready")


def test_the_admin_reports_without_javascript(app, api, make_user, browse):
    make_user("root", is_admin=True)
    alice = make_user("alice", balance_cents=100_000)
    servers = make_servers(app, [server_record("fra-1", prices={"7": "70.00"})])
    rental_id = api.post(f"/servers/{servers['fra-1']}/rent", as_=alice,
                         json={"rental_days": 7}).json["data"]["rental"]["id"]
    admin = browse.new_page(javascript=False)
    log_in(admin, "root", PASSWORD)
    admin.goto(f"/admin/rentals/{rental_id}")
    admin.get_by_label("Status").select_option("provisioning")
    admin.get_by_label("Message for the renter").fill("Installing")
    admin.get_by_role("button", name="Save the setup").click()
    expect(admin.get_by_text("fra-1 is reported being set up.")).to_be_visible()
    expect(admin.locator("#admin-setup-status")).to_have_text("Being set up")
