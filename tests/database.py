"""The test database between tests: emptied after each, and on PostgreSQL reset before the run."""
from sqlalchemy import create_engine, text

from core.extensions import db


def reset_database(url: str) -> None:
    """An empty PostgreSQL schema for the migrations to build on (a SQLite file starts empty)."""
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()


def empty_database(app) -> None:
    """Delete every row of every table, so the next test starts from nothing."""
    with app.app_context():
        db.session.remove()
        tables = [table.name for table in db.metadata.sorted_tables]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
            else:
                for table in reversed(tables):
                    connection.execute(text(f"DELETE FROM {table}"))
