"""One process at a time upgrades the schema: several workers start together and each tries."""
import fcntl
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

_ADVISORY_LOCK_KEY = 0x5E2F3A11  # any constant; names this application's migration lock


@contextmanager
def schema_lock(engine: Engine, instance_path: str):
    if engine.dialect.name == "postgresql":
        # Held on its own connection, so it covers workers on other machines too.
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _ADVISORY_LOCK_KEY})
                connection.commit()
        return
    # SQLite lives on this machine: a lock file beside the instance data is enough.
    lock_path = Path(instance_path) / ".schema.lock"
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
