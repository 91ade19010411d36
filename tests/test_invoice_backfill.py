"""The migration that brings invoices gives every transaction made before it its invoice, numbered per
calendar year in the order the transactions were made, and sets the counters so new ones follow on."""
from datetime import datetime

from flask_migrate import upgrade
from sqlalchemy import text

from app import MIGRATIONS_DIR, create_app
from core.extensions import db

MADE = [  # (transaction id, type, cents, when): not in order, across two years
    ("b" * 24, "rental", 7000, datetime(2025, 12, 31, 23, 59, 59)),
    ("a" * 24, "credit", 10000, datetime(2025, 6, 1, 9, 0)),
    ("c" * 24, "extension", 2500, datetime(2026, 1, 1, 0, 0)),
    ("d" * 24, "credit", 500, datetime(2026, 2, 1, 12, 0)),
]


def test_transactions_made_before_invoices_get_theirs_numbered_per_year(tmp_path, monkeypatch):
    monkeypatch.setenv("INVOICE_ISSUER_NAME", "Old Books Ltd")
    old = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}", "AUTO_MIGRATE": False,
                      "TESTING": True, "SECRET_KEY": "test-secret-" + "x" * 32, "JOBS_DB": str(tmp_path / "jobs.db")})
    with old.app_context():
        upgrade(directory=MIGRATIONS_DIR, revision="0018")
        db.session.execute(text(
            "INSERT INTO users (id, username, alias, password_hash, balance_cents, is_admin, created_at) "
            "VALUES (:id, 'olivia', 'Olivia', 'x', 0, 0, :at)"), {"id": "1" * 24, "at": datetime(2025, 1, 1)})
        for transaction_id, kind, cents, when in MADE:
            db.session.execute(text(
                "INSERT INTO transactions (id, user_id, type, amount_cents, currency, note, created_at) "
                "VALUES (:id, :user, :kind, :cents, 'USD', :note, :at)"),
                {"id": transaction_id, "user": "1" * 24, "kind": kind, "cents": cents,
                 "note": "Welcome" if kind == "credit" else kind.capitalize(), "at": when})
        db.session.commit()

        upgrade(directory=MIGRATIONS_DIR)

        invoices = db.session.execute(text(
            "SELECT transaction_id, number, status, amount_cents, issuer_name, customer_username, description "
            "FROM invoices ORDER BY year, sequence")).all()
        counters = db.session.execute(text("SELECT year, last FROM invoice_counters ORDER BY year")).all()
        db.session.remove()
        db.engine.dispose()
    assert [(row.transaction_id, row.number, row.status, row.amount_cents) for row in invoices] == [
        ("a" * 24, "INV-2025-000001", "credit", 10000),
        ("b" * 24, "INV-2025-000002", "paid", 7000),
        ("c" * 24, "INV-2026-000001", "paid", 2500),
        ("d" * 24, "INV-2026-000002", "credit", 500),
    ]
    assert {(row.issuer_name, row.customer_username) for row in invoices} == {("Old Books Ltd", "olivia")}
    assert invoices[0].description == "Credit: Welcome"
    assert [tuple(row) for row in counters] == [(2025, 2), (2026, 2)]
