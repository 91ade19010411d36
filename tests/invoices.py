"""Reading invoices back in tests: through the published paths, and the invariants of their numbering."""
import io

from pypdf import PdfReader
from sqlalchemy import func, select

from core.extensions import db
from models import Invoice, Transaction
from tests.races import count


def invoices_of(api, person, **query) -> list[dict]:
    response = api.get("/wallet/invoices", as_=person, query_string={"limit": 100, **query})
    assert response.status_code == 200, response.json
    return response.json["data"]["invoices"]


def numbers_of(api, person) -> list[str]:
    """The person's invoice numbers, oldest first."""
    return [invoice["invoice_number"] for invoice in reversed(invoices_of(api, person))]


def pdf_text(response) -> str:
    assert response.status_code == 200, response.get_json()
    assert response.mimetype == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def assert_one_invoice_per_transaction(app) -> None:
    transactions = count(app, select(func.count(Transaction.id)))
    assert count(app, select(func.count(Invoice.id))) == transactions
    assert count(app, select(func.count(func.distinct(Invoice.transaction_id)))) == transactions
    assert count(app, select(func.count(Invoice.id)).where(Invoice.number.is_(None))) == 0


def assert_numbered_without_gaps(app) -> None:
    """Per year, the sequences are exactly 1..n, and each number says its year and sequence."""
    with app.app_context():
        rows = db.session.execute(select(Invoice.year, Invoice.sequence, Invoice.number)).all()
        db.session.remove()
    by_year: dict[int, list[int]] = {}
    for year, sequence, number in rows:
        assert number == f"INV-{year}-{sequence:06d}"
        by_year.setdefault(year, []).append(sequence)
    for sequences in by_year.values():
        assert sorted(sequences) == list(range(1, len(sequences) + 1))
