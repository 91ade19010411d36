"""The webhooks page in Chromium: an endpoint added (its secret shown once), a test ping that reaches a
real receiver signed, the attempt listed, sent again, the endpoint turned off and on (the pages'
accessibility is checked with every other page's, in test_accessibility)."""
from playwright.sync_api import expect

from tests.browser.pages import go_to, log_in, screenshot
from tests.users import PASSWORD
from tests.webhook_receiver import Receiver


def test_an_endpoint_is_added_tested_and_its_delivery_sent_again(app, browse, make_user, run_jobs):
    app.config.update(WEBHOOK_ALLOW_PRIVATE=True)
    make_user("carol")
    receiver = Receiver()
    try:
        page = browse.new_page()
        log_in(page, "carol", PASSWORD)
        go_to(page, "Webhooks")
        page.get_by_label("URL").fill(receiver.url)
        page.get_by_label("Description").fill("Deploy bot")
        page.get_by_label("All events").uncheck()
        page.get_by_label("rental.created").check()
        page.get_by_label("wallet.credited").check()
        page.get_by_role("button", name="Add endpoint").click()

        secret = page.locator("#new-webhook-secret")
        expect(secret).to_be_visible()
        receiver.secret = secret.inner_text()
        row = page.locator("tr", has_text="Deploy bot")
        expect(row.get_by_text("rental.created, wallet.credited")).to_be_visible()
        row.get_by_role("link", name=f"Manage {receiver.url}").click()

        page.get_by_role("button", name="Send test").click()
        expect(page.get_by_text("Test ping sent")).to_be_visible()
        run_jobs()
        assert [(item.type, item.verified) for item in receiver.received] == [("ping", True)]
        page.get_by_role("link", name="Refresh").click()
        deliveries = page.locator("#deliveries")
        expect(deliveries.get_by_text("200")).to_be_visible()
        screenshot(page, "webhook")

        deliveries.get_by_role("button", name="Send ping again").click()
        expect(page.get_by_text("ping queued to be sent again")).to_be_visible()
        run_jobs()
        assert [item.type for item in receiver.received] == ["ping", "ping"]

        page.get_by_role("button", name="Turn off").click()
        expect(page.get_by_role("button", name="Turn on")).to_be_visible()
        page.get_by_role("button", name="Turn on").click()
        expect(page.get_by_role("button", name="Turn off")).to_be_visible()
    finally:
        receiver.stop()
