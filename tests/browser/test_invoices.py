"""Invoices in the browser: the link beside a transaction on the wallet page downloads its PDF."""
import io

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.pages import go_to, log_in, screenshot
from tests.factories import add_server
from tests.users import PASSWORD


def test_the_invoice_link_beside_a_rental_downloads_its_pdf(browse, app, api, make_user, clock):
    alice = make_user("alice", alias="Alice", balance_cents=100_00)
    api.post(f"/servers/{add_server(app)}/rent", as_=alice, json={"rental_days": 7})
    page = browse.new_page()
    log_in(page, "alice", PASSWORD)
    go_to(page, "Wallet")

    link = page.get_by_role("link", name="INV-2025-000002 (PDF)")
    expect(link).to_be_visible()
    screenshot(page, "wallet-with-invoices")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "INV-2025-000002.pdf"
    with open(download.path(), "rb") as pdf:
        text = PdfReader(io.BytesIO(pdf.read())).pages[0].extract_text()
    assert "Invoice INV-2025-000002" in text and "Rental of server node-us-nyc-1 for 7 days" in text

    page.get_by_role("link", name="All invoices").click()
    expect(page.get_by_role("heading", name="Invoices", level=1)).to_be_visible()
    expect(page.get_by_role("cell", name="INV-2025-000001", exact=True)).to_be_visible()
