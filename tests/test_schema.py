"""The schema comes from the migrations, is made on first start, and matches the models."""
import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app import create_app
from core.extensions import db


def test_first_start_creates_the_schema(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'instance' / 'marketplace.db'}"
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert {"users", "api_tokens", "pools", "pool_memberships", "servers", "server_prices", "server_disk_types",
            "rentals", "transactions", "idempotency_records", "alembic_version"} <= tables


def test_a_second_start_on_the_same_database_is_fine(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    for _ in range(2):
        app = create_app()
        with app.app_context():
            db.engine.dispose()


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # expression indexes cannot be reflected for comparison
            differences = compare_metadata(context, db.metadata)
    assert differences == []
