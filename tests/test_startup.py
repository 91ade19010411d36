"""Starting up: the schema comes from the migrations and matches the models; the secret key is never a constant."""
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


def test_without_a_secret_key_a_random_one_is_made_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    first = create_app({"AUTO_MIGRATE": False}).config["SECRET_KEY"]
    second = create_app({"AUTO_MIGRATE": False}).config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_secret_key_from_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    assert create_app({"AUTO_MIGRATE": False}).config["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def _start(instance_path: str) -> str:
    import os

    os.environ["INSTANCE_PATH"] = instance_path
    os.environ.pop("DATABASE_URL", None)
    application = create_app()
    with application.app_context():
        tables = sorted(inspect(db.engine).get_table_names())
        db.engine.dispose()
    return ",".join(tables)


def test_workers_starting_together_on_a_new_database_all_come_up(tmp_path):
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    with ProcessPoolExecutor(max_workers=4, mp_context=get_context("spawn")) as pool:
        results = list(pool.map(_start, [str(tmp_path)] * 4))
    assert len(set(results)) == 1 and "pools" in results[0]
