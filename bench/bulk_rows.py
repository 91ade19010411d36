"""What the benchmarks that build large databases share: emptying a PostgreSQL database for them, and
inserting many rows in chunks (one statement per chunk)."""
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


def bulk(model, rows) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start:start + CHUNK])
