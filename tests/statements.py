"""The SQL the app sends while a test watches: for counting statements and reading their plans."""
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from core.extensions import db


@contextmanager
def statements_sent(app) -> Iterator[list[tuple[str, object]]]:
    """A list that fills with (statement, parameters) of every statement sent inside the block."""
    sent = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", keep)
