"""Every page a person can reach passes axe-core's WCAG 2.1 A and AA rules, on a desktop and on a phone.

axe-core comes inside the ``axe-playwright-python`` wheel (a test extra), so the check downloads nothing
when it runs; a failure lists each rule broken, the elements that break it, and why.
"""
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from tests.browser.pages import WIDTHS, log_in, violations
from tests.factories import make_servers, server_record
from tests.two_factor import code_at
from tests.users import PASSWORD



@dataclass
class World:
    server_id: str
    rented_server_id: str
    rental_id: str
    pool_id: str
    alice_id: str
    webhook_id: str


@pytest.fixture
def world(app, api, make_user) -> World:
    """An administrator and an announcement; alice with a rental, a team pool, an invitation waiting and
    two API logins."""
    root = make_user("root", is_admin=True, alias="Rita Root", balance_cents=10_000)
    api.post("/admin/notifications", as_=root, json={"title": "Maintenance tonight", "severity": "WARNING",
                                                     "message": "The API is read-only for an hour."})
    alice = make_user("alice", alias="Alice", balance_cents=100_000)
    bob = make_user("bob", alias="Bob")
    make_user("poor", balance_cents=100)
    servers = make_servers(app, [
        server_record("fra-1", country="DE", region="eu-central", featured=True,
                      prices={"1": "12.00", "7": "70.00", "30": "240.00"}),
        server_record("nyc-2", category="storage", popularity_rank=2, prices={"7": "105.00"}, traffic_tb=None),
        server_record("sfo-3", category="gpu", popularity_rank=3, prices={"30": "900.00"}),
    ])
    pool_id = api.post("/pools", as_=alice, json={"name": "Team", "description": "Our servers"}).json["data"]["id"]
    invitation = api.post(f"/pools/{pool_id}/members", as_=alice, json={"username": "bob", "role": "admin"})
    api.post(f"/pools/{invitation.json['data']['id']}/accept", as_=bob)
    bobs_pool = api.post("/pools", as_=bob, json={"name": "Bob's lab"}).json["data"]["id"]
    api.post(f"/pools/{bobs_pool}/members", as_=bob, json={"username": "alice", "role": "user"})
    rented = api.post(f"/servers/{servers['fra-1']}/rent", as_=alice, json={"rental_days": 7, "pool_id": pool_id})
    for _ in range(2):
        api.post("/users/auth/login", json={"username": "alice", "password": PASSWORD})
    webhook = api.post("/webhooks", as_=alice, json={"url": "https://93.184.215.14/hooks", "events": ["*"],
                                                    "description": "Deploy bot"})
    api.post("/wallet/credit-requests", as_=alice, json={"amount_cents": 50_000, "reason": "January's servers"})
    app.config.update(STRIPE_SECRET_KEY="sk_test_pages", STRIPE_WEBHOOK_SECRET="whsec_pages")  # the card form shows
    return World(servers["nyc-2"], servers["fra-1"], rented.json["data"]["rental"]["id"], pool_id, alice.id,
                 webhook.json["data"]["id"])


SIGNED_IN_PAGES = {
    "overview": lambda world: "/",
    "marketplace": lambda world: "/marketplace",
    "marketplace with filters": lambda world: "/marketplace?country=US&min_ram_gb=64&available_durations=7",
    "marketplace with a bad filter": lambda world: "/marketplace?min_ram_gb=lots",
    "marketplace, nothing found": lambda world: "/marketplace?max_price_per_day=0.01",
    "server": lambda world: f"/marketplace/{world.server_id}",
    "server rented": lambda world: f"/marketplace/{world.rented_server_id}",
    "rentals": lambda world: "/rentals",
    "rental": lambda world: f"/rentals/{world.rental_id}",
    "wallet": lambda world: "/wallet",
    "invoices": lambda world: "/wallet/invoices",
    "wallet, back from a cancelled card payment": lambda world: "/wallet?card_payment=0123456789abcdef01234567&checkout=cancelled",
    "pools": lambda world: "/pools",
    "pool": lambda world: f"/pools/{world.pool_id}",
    "pool deletion": lambda world: f"/pools/{world.pool_id}/delete",
    "invitations": lambda world: "/invitations",
    "tokens": lambda world: "/tokens",
    "webhooks": lambda world: "/webhooks",
    "a pool's webhooks": lambda world: f"/pools/{world.pool_id}/webhooks",
    "webhook": lambda world: f"/webhooks/{world.webhook_id}",
    "notifications": lambda world: "/notifications",
    "notifications, unread": lambda world: "/notifications?unread=true",
    "account": lambda world: "/account",
    "api docs": lambda world: "/api/docs",
    "error page": lambda world: "/no-such-page",
}
ADMIN_PAGES = {
    "admin": lambda world: "/admin",
    "admin, new server": lambda world: "/admin/servers/new",
    "admin, one server": lambda world: f"/admin/servers/{world.server_id}",
    "admin, jobs": lambda world: "/admin/jobs",
    "admin, credit requests": lambda world: "/admin/credit-requests",
    "admin, announcements": lambda world: "/admin/announcements",
    "admin, mail sink": lambda world: "/admin/mail",
    "admin, a user's new password": lambda world: f"/admin/users/{world.alice_id}/password",
    "admin, provisioning": lambda world: "/admin/provisioning",
    "admin, a rental": lambda world: f"/admin/rentals/{world.rental_id}",
}
VISITOR_PAGES = {
    "landing": lambda world: "/",
    "login": lambda world: "/login",
    "register": lambda world: "/register",
    "verify an email address": lambda world: "/verify-email?token=from-the-link",
    "forgot password": lambda world: "/forgot-password",
    "reset link no longer valid": lambda world: "/reset-password?token=from-the-link",
    "marketplace": lambda world: "/marketplace",
    "server": lambda world: f"/marketplace/{world.server_id}",
    "error page": lambda world: "/no-such-page",
}


def violations_on(page, pages: dict, world: World) -> list[str]:
    """axe's reports on each of ``pages``, and any page without a description for search results."""
    reports = []
    for path in (path_of(world) for path_of in pages.values()):
        page.goto(path)
        description = page.locator('meta[name="description"]')
        if description.count() != 1 or not (description.get_attribute("content") or "").strip():
            reports.append(f"{path}: no meta description")
        reports.append(violations(page))
    return [report for report in reports if report]


def test_every_page_of_a_signed_in_person_passes_axe(browse, world):
    page = browse.new_page()
    log_in(page, "alice", PASSWORD)
    reports = violations_on(page, SIGNED_IN_PAGES, world)
    assert not reports, "\n".join(reports)


def test_every_admin_page_passes_axe(browse, world):
    page = browse.new_page()
    log_in(page, "root", PASSWORD)
    reports = violations_on(page, ADMIN_PAGES, world)
    assert not reports, "\n".join(reports)


def test_every_page_of_a_visitor_passes_axe(browse, world):
    page = browse.new_page()
    reports = violations_on(page, VISITOR_PAGES, world)
    assert not reports, "\n".join(reports)


# --- What opens or appears on a page -------------------------------------------------------------

def test_what_opens_on_the_marketplace_and_tokens_pages_passes_axe(browse, world):
    page = browse.new_page()
    log_in(page, "alice", PASSWORD)
    page.set_viewport_size(WIDTHS["phone"])
    page.goto("/marketplace")
    page.locator("summary", has_text="Filters").first.click()
    page.get_by_text("More filters").click()
    expect(page.get_by_label("Min CPU cores")).to_be_visible()
    reports = [violations(page)]

    page.goto("/tokens")
    page.get_by_label("Token name").fill("CI deploy")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#new-token-value")).to_be_visible()
    page.get_by_text("Sessions from API logins").click()
    expect(page.get_by_role("button", name="Revoke all API logins")).to_be_visible()
    reports.append(violations(page))
    assert not any(reports), "\n".join(reports)


def test_a_refused_rent_passes_axe(browse, world):
    page = browse.new_page()
    log_in(page, "poor", PASSWORD)
    page.goto(f"/marketplace/{world.server_id}")
    page.get_by_role("button", name="Rent now").click()
    expect(page.locator("#rent-section").get_by_role("alert")).to_contain_text("ask for credit there")
    report = violations(page)
    assert not report, report


def test_refused_log_in_and_registration_pass_axe(browse, world):
    page = browse.new_page()
    page.goto("/login")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Invalid username or password")).to_be_visible()
    reports = [violations(page)]

    page.goto("/register")
    page.get_by_label("Username").fill("alice")  # taken
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD + "!")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".field-error").first).to_be_visible()
    reports.append(violations(page))
    assert not any(reports), "\n".join(reports)


def test_two_factor_setup_and_the_code_step_pass_axe(browse, world, clock):
    clock.set(datetime.now(timezone.utc))  # the server and the test's authenticator share this clock
    page = browse.new_page()
    log_in(page, "alice", PASSWORD)
    page.goto("/account")
    section = page.get_by_role("region", name="Two-factor login")
    section.get_by_label("Password").fill(PASSWORD)
    section.get_by_role("button", name="Set up two-factor login").click()
    expect(section.locator("#backup-codes li")).to_have_count(10)
    reports = [violations(page)]
    section.get_by_label("Code from the app").fill(code_at(section.locator("#manual-entry-key").inner_text(),
                                                           clock.now))
    section.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("Two-factor login is on.")).to_be_visible()
    reports.append(violations(page))

    page.get_by_role("button", name="Log out").click()
    page.goto("/login")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code from your authenticator app, or a backup code").fill("000000")
    page.get_by_role("button", name="Verify and log in").click()
    expect(page.get_by_text("The code is not right, or was used already")).to_be_visible()
    reports.append(violations(page))
    assert not any(reports), "\n".join(reports)
