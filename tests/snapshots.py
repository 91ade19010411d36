"""A picture of every table, to prove that a refused request changed nothing."""
from contextlib import contextmanager

from sqlalchemy import select

from core.extensions import db

# Bookkeeping of authentication, written by any authenticated request whatever its outcome.
_IGNORED_COLUMNS = {("api_tokens", "last_used_at"), ("api_tokens", "last_used_ip")}


def database_snapshot(app) -> dict:
    with app.app_context():
        picture = {}
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in _IGNORED_COLUMNS]
            rows = db.session.execute(select(*columns).order_by(*table.primary_key.columns)).all()
            picture[table.name] = [tuple(row) for row in rows]
        db.session.remove()
        return picture


@contextmanager
def database_unchanged(app):
    """Asserts that what runs inside leaves every table as it was."""
    before = database_snapshot(app)
    yield
    assert database_snapshot(app) == before
