"""A picture of every table, to prove that a refused request changed nothing."""
from sqlalchemy import select

from core.extensions import db


def database_snapshot(app) -> dict:
    with app.app_context():
        picture = {}
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
            picture[table.name] = [tuple(row) for row in rows]
        db.session.remove()
        return picture
