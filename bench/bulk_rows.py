"""What the benchmarks that build large databases share: their app on a fresh database (an emptied
PostgreSQL one, or SQLite in a temporary folder), and inserting many rows in chunks (one statement per
chunk)."""
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, insert, text

from core.extensions import db

CHUNK = 5_000


def reset_postgresql(url: str) -> None:
    """Drop the database's public schema and make it again, empty, for the migrations to fill."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def bench_app(database_url: str | None, prefix: str):
    """The app on ``database_url`` (a PostgreSQL database, EMPTIED first) or on SQLite in a new temporary
    folder, with the job queue in a SQLite file there; returns the app and the folder."""
    from app import create_app

    folder = Path(tempfile.mkdtemp(prefix=prefix))
    url = database_url or f"sqlite:///{folder / 'bench.db'}"
    if url.startswith("postgresql"):
        reset_postgresql(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "AUTO_MIGRATE": True,
                      "JOBS_DB": str(folder / "jobs.sqlite3"), "REDIS_URL": None})
    return app, folder


def bulk(model, rows) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start:start + CHUNK])
