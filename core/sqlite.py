"""SQLite connection settings: enforce foreign keys, and let readers and a writer work side by side."""
from sqlalchemy import event
from sqlalchemy.engine import Engine

_installed = False


def _configure(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.split(".")[0] != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; safe from corruption in WAL mode
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def install() -> None:
    global _installed
    if not _installed:
        event.listen(Engine, "connect", _configure)
        _installed = True
