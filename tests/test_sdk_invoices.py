"""The published SDK's invoice methods work against our server unchanged: listing (with its trailing
slash, page and limit), one invoice, and its PDF.

A Node script (``tests/sdk/invoices_check.mjs``) drives the app served over real HTTP with the SDK's own
files (vendored under ``tests/sdk/hoody-sdk``) and prints what each call answered; the checks are here.
Node is required: without it this test fails rather than skips.
"""
import base64
import io

from pypdf import PdfReader

from tests.factories import add_server
from tests.live_server import served
from tests.sdk_runner import run_sdk


def test_the_published_sdk_lists_invoices_reads_one_and_downloads_its_pdf(app, api, make_user, clock):
    owner = make_user("alice", balance_cents=100_00)
    other = make_user("bob", balance_cents=5_00)
    api.post(f"/servers/{add_server(app)}/rent", as_=owner, json={"rental_days": 7})

    with served(app) as base_url:
        seen = run_sdk("invoices_check.mjs", base_url, owner_token=owner.token, other_token=other.token)

    listed = seen["list"]["data"]
    assert [invoice["invoice_number"] for invoice in listed["invoices"]] == ["INV-2025-000003", "INV-2025-000001"]
    assert listed["pagination"] == {"total": 2, "page": 1, "limit": 20, "totalPages": 1}
    assert [i["invoice_number"] for i in seen["secondPage"]["data"]["invoices"]] == ["INV-2025-000001"]
    assert seen["secondPage"]["data"]["pagination"] == {"total": 2, "page": 2, "limit": 1, "totalPages": 2}
    # The SDK's iterator reads data.invoices and stops at data.pagination.total: all of them, once.
    assert [invoice["id"] for invoice in seen["listAll"]] == [invoice["id"] for invoice in listed["invoices"]]

    one = seen["one"]["data"]
    assert (one["id"], one["invoice_number"], one["status"], one["amount"]) == (
        listed["invoices"][0]["id"], "INV-2025-000003", "paid", 70)
    assert one["items"][0]["description"].startswith("Rental of server node-us-nyc-1 for 7 days")

    assert seen["pdf"]["isBytes"] is True
    pdf = base64.b64decode(seen["pdf"]["base64"])
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Invoice INV-2025-000003" in text and "70.00 USD" in text

    assert seen["othersInvoice"]["status"] == 404
    assert seen["othersPdf"]["status"] == 404
    assert [i["invoice_number"] for i in seen["otherList"]["data"]["invoices"]] == ["INV-2025-000002"]
