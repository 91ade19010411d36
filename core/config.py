"""Configuration from the environment, with development defaults."""
import os
import secrets
from pathlib import Path

SECRET_KEY_FILE = "secret_key"


def instance_secret_key(instance_path: str) -> str:
    """A random key kept in the instance folder, made on first start, for installs that set no SECRET_KEY.

    Every worker of one install reads the same file, so sessions and CSRF tokens work across them.
    """
    path = Path(instance_path) / SECRET_KEY_FILE
    Path(instance_path).mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{Path(instance_path) / 'marketplace.db'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a dialect+driver name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment(instance_path: str) -> dict:
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or instance_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "HOLD_DAYS": int(os.environ.get("HOLD_DAYS", "2")),
        # Bodies are small JSON documents; a pool's settings alone are capped at 10 KB.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", str(256 * 1024))),
        "AUTO_MIGRATE": os.environ.get("AUTO_MIGRATE", "1") not in ("0", "false", "no"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
    }
