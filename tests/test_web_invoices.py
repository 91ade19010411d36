"""Invoices on the pages: a PDF link beside each transaction of the wallet, and the list of invoices."""
import re

from tests.factories import add_server
from tests.invoices import pdf_text
from tests.web_helpers import HTMX, log_in, text

PDF_LINK = re.compile(r'href="(/wallet/invoices/([0-9a-f]{24})/pdf)" download>(INV-\d{4}-\d{6})')
INVOICE_ROW = re.compile(r'<td class="nowrap" data-label="Number">(INV-\d{4}-\d{6})</td>')


def test_each_transaction_on_the_wallet_page_links_its_invoice_pdf(app, api, client, make_user, clock):
    alice = make_user("alice", balance_cents=100_00)
    clock.advance(minutes=1)
    api.post(f"/servers/{add_server(app)}/rent", as_=alice, json={"rental_days": 7})
    log_in(client, "alice")

    links = PDF_LINK.findall(text(client.get("/wallet")))
    assert [number for _, _, number in links] == ["INV-2025-000002", "INV-2025-000001"]
    response = client.get(links[0][0])
    assert response.headers["Content-Disposition"] == 'attachment; filename="INV-2025-000002.pdf"'
    assert "Rental of server node-us-nyc-1 for 7 days" in pdf_text(response)


def test_the_invoices_page_lists_them_newest_first_with_their_pdfs(app, api, client, make_user, clock):
    alice = make_user("alice", balance_cents=100_00)
    api.post(f"/servers/{add_server(app)}/rent", as_=alice, json={"rental_days": 7})
    log_in(client, "alice")

    wallet = text(client.get("/wallet"))
    assert 'href="/wallet/invoices"' in wallet
    page = text(client.get("/wallet/invoices"))
    assert INVOICE_ROW.findall(page) == ["INV-2025-000002", "INV-2025-000001"]
    assert "Credit note" in page and "Rental of server node-us-nyc-1 for 7 days" in page
    assert len(re.findall(r'href="/wallet/invoices/[0-9a-f]{24}/pdf" download>', page)) == 2

    partial = text(client.get("/wallet/invoices?limit=1", headers=HTMX))
    assert "<html" not in partial and partial.lstrip().startswith('<section id="invoices"')
    assert INVOICE_ROW.findall(partial) == ["INV-2025-000002"]


def test_someone_elses_invoice_pdf_is_not_found_on_the_pages(app, api, client, make_user):
    make_user("alice", balance_cents=100_00)
    make_user("bob", balance_cents=100_00)
    log_in(client, "alice")
    alices = PDF_LINK.findall(text(client.get("/wallet")))[0][0]
    bobs_browser = app.test_client()
    log_in(bobs_browser, "bob")

    assert bobs_browser.get(alices).status_code == 404
    assert bobs_browser.get("/wallet/invoices/not-an-id/pdf").status_code == 404
    assert client.get(alices).status_code == 200


def test_the_invoices_page_needs_login(client):
    response = client.get("/wallet/invoices")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
