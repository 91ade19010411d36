"""Configuration from the environment, with development defaults."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

from limits import parse_many

from core.limits import (
    LOGIN_RATE_PER_IP,
    LOGIN_SESSION_DAYS,
    LOGIN_RATE_PER_USERNAME,
    TOKEN_CREATE_RATE_PER_IP,
    TOKEN_CREATE_RATE_PER_USER,
)

SECRET_KEY_FILE = "secret_key"
SECRET_KEY_MIN_LENGTH = 32
WEAK_SECRET_KEYS = {"dev", "development", "secret", "secret-key", "secret_key", "changeme", "change-me",
                    "password", "test", "testing", "flask", "default", "insecure"}
ENVIRONMENTS = ("production", "development", "testing")
_TRUE = ("1", "true", "yes", "on")


class ConfigurationError(RuntimeError):
    """A setting the app cannot start with."""


def app_env() -> str:
    """``APP_ENV`` when set; otherwise development under the ``flask`` command or debug mode, else production.

    So ``gunicorn app:app`` (or any WSGI server) is production unless told otherwise, while
    ``flask --app app run`` and the CLI commands work on a fresh checkout without settings.
    """
    explicit = os.environ.get("APP_ENV", "").strip().lower()
    if explicit:
        if explicit not in ENVIRONMENTS:
            raise ConfigurationError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {explicit!r}")
        return explicit
    if os.environ.get("FLASK_DEBUG", "").lower() in _TRUE or os.environ.get("FLASK_RUN_FROM_CLI") == "true":
        return "development"
    return "production"


def secret_key_problem(key: str | None) -> str | None:
    if not key:
        return "SECRET_KEY is not set"
    if key.strip().lower() in WEAK_SECRET_KEYS or len(set(key)) < 8:
        return "SECRET_KEY is a well-known or trivial value"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"SECRET_KEY is shorter than {SECRET_KEY_MIN_LENGTH} characters"
    return None


def check_secret_key(config: dict) -> None:
    """Outside development and testing, refuse to start without a real SECRET_KEY."""
    if config["APP_ENV"] != "production":
        return
    problem = secret_key_problem(config.get("SECRET_KEY"))
    if problem:
        raise ConfigurationError(
            f"{problem}. In production the app needs a long random SECRET_KEY in the environment "
            "(it signs sessions and CSRF tokens), for example the output of "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`. "
            "On a development machine set APP_ENV=development instead."
        )


def rate_limit(name: str, default: str) -> str:
    """A rate limit like ``10 per minute`` (several separated by ``;``) from the environment."""
    value = os.environ.get(name, default)
    try:
        parse_many(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be a rate limit like {default!r}, not {value!r}") from None
    return value


def https() -> bool:
    return (os.environ.get("HTTPS", "").lower() in _TRUE
            or os.environ.get("PREFERRED_URL_SCHEME", "").lower() == "https")


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


def engine_options(url: str) -> dict:
    """Connection pool settings for PostgreSQL (SQLite files need none): a sync gunicorn worker uses
    one connection at a time, so a small pool per process keeps workers x pool under the server's
    max_connections; pre-ping and recycling replace connections a restart or a proxy has closed."""
    if not url.startswith("postgresql"):
        return {}
    return {
        "pool_size": int(os.environ.get("DB_POOL_SIZE", "2")),
        "max_overflow": int(os.environ.get("DB_MAX_OVERFLOW", "3")),
        "pool_timeout": int(os.environ.get("DB_POOL_TIMEOUT", "10")),
        "pool_recycle": int(os.environ.get("DB_POOL_RECYCLE", "1800")),
        "pool_pre_ping": os.environ.get("DB_POOL_PRE_PING", "1") not in ("0", "false", "no"),
    }


def from_environment(instance_path: str) -> dict:
    env = app_env()
    secret_key = os.environ.get("SECRET_KEY")
    if not secret_key and env != "production":
        secret_key = instance_secret_key(instance_path)
    secure = https()
    return {
        "APP_ENV": env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url(instance_path)),
        "HOLD_DAYS": int(os.environ.get("HOLD_DAYS", "2")),
        # Bodies are small JSON documents; a pool's settings alone are capped at 10 KB.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", str(256 * 1024))),
        "AUTO_MIGRATE": os.environ.get("AUTO_MIGRATE", "1") not in ("0", "false", "no"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(days=LOGIN_SESSION_DAYS),
        # Behind HTTPS (HTTPS=1 or PREFERRED_URL_SCHEME=https) cookies are never sent over plain HTTP.
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SECURE": secure,
        "PREFERRED_URL_SCHEME": "https" if secure else "http",
        "RATELIMIT_ENABLED": True,
        # memory:// counts per process; several workers or machines need a shared store (redis://host:6379).
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_LOGIN_PER_USERNAME": rate_limit("RATELIMIT_LOGIN_PER_USERNAME", LOGIN_RATE_PER_USERNAME),
        "RATELIMIT_LOGIN_PER_IP": rate_limit("RATELIMIT_LOGIN_PER_IP", LOGIN_RATE_PER_IP),
        "RATELIMIT_TOKEN_CREATE_PER_USER": rate_limit("RATELIMIT_TOKEN_CREATE_PER_USER", TOKEN_CREATE_RATE_PER_USER),
        "RATELIMIT_TOKEN_CREATE_PER_IP": rate_limit("RATELIMIT_TOKEN_CREATE_PER_IP", TOKEN_CREATE_RATE_PER_IP),
        "WTF_CSRF_TIME_LIMIT": None,
    }
