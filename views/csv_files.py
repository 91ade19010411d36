"""A CSV file as an answer, for the API and the pages alike: sent as an attachment while it is read."""
from collections.abc import Callable, Iterator

from flask import Response
from sqlalchemy.orm import Session

from core.extensions import db


def csv_file(pieces: Callable[[Session], Iterator[str]], filename: str) -> Response:
    """``pieces(session)`` is read as the client takes the file, after the request (and its session)
    has ended, so it reads through a session of its own, opened with the first piece and closed with
    the last (or when the client goes); a file never taken reads nothing."""
    engine = db.engine

    def streamed() -> Iterator[str]:
        with Session(engine) as session:
            yield from pieces(session)

    response = Response(streamed(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
