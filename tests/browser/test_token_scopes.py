"""Making an API token with a template and allowed addresses on the tokens page, and switching it off."""
from playwright.sync_api import expect

from tests.browser.pages import go_to, log_in, screenshot
from tests.users import PASSWORD


def tokens_page(browse, make_user, name: str):
    """Carol on her tokens page with the name of a new token typed in."""
    make_user("carol")
    page = browse.new_page()
    log_in(page, "carol", PASSWORD)
    go_to(page, "API tokens")
    page.get_by_label("Token name").fill(name)
    return page


def test_a_token_made_from_a_template_does_what_the_template_allows(app, browse, make_user):
    page = tokens_page(browse, make_user, "Dashboards")
    page.get_by_label("Permissions", exact=True).select_option("read_only")
    page.get_by_label("Allowed addresses").fill("127.0.0.1, 10.0.0.0/8")
    page.get_by_role("button", name="Create token").click()

    secret = page.locator("#new-token-value")
    expect(secret).to_be_visible()
    row = page.locator("tr", has_text="Dashboards")
    expect(row.get_by_text("Read only")).to_be_visible()
    expect(row.get_by_text("127.0.0.1/32, 10.0.0.0/8")).to_be_visible()
    screenshot(page, "tokens-scoped")

    api = app.test_client()
    headers = {"Authorization": f"Bearer {secret.inner_text()}"}
    assert api.get("/api/v1/pools", headers=headers).status_code == 200
    refused = api.post("/api/v1/pools", headers=headers, json={"name": "Nope"})
    assert refused.get_json()["code"] == "TOKEN_PERMISSION_DENIED"

    row.get_by_role("button", name="Disable").click()
    expect(page.locator("tr", has_text="Dashboards").get_by_text("Disabled")).to_be_visible()
    assert api.get("/api/v1/pools", headers=headers).status_code == 401
    page.locator("tr", has_text="Dashboards").get_by_role("button", name="Enable").click()
    expect(page.locator("tr", has_text="Dashboards").get_by_text("Active")).to_be_visible()
    assert api.get("/api/v1/pools", headers=headers).status_code == 200


def test_custom_permissions_are_ticked_on_the_page(browse, make_user):
    page = tokens_page(browse, make_user, "Renter")
    page.get_by_label("Permissions", exact=True).select_option("custom")
    page.get_by_text("Custom permissions").click()
    page.get_by_label("financial.server_rental.view_marketplace", exact=False).check()
    page.get_by_label("financial.wallet.read", exact=False).check()
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("tr", has_text="Renter").get_by_text("Custom: 2 of 17 permissions")).to_be_visible()
