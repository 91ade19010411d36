"""Configuration from the environment, with development defaults."""
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from limits import parse_many

from core.money import InvalidAmount, parse_dollars
from core.limits import (
    LOGIN_RATE_PER_IP,
    LOGIN_SESSION_DAYS,
    LOGIN_RATE_PER_USERNAME,
    RECOVERY_RATE_PER_ADDRESS,
    RECOVERY_RATE_PER_IP,
    REQUEST_LINE_MAX,
    REQUEST_LINE_OVERHEAD,
    TOKEN_CREATE_RATE_PER_IP,
    TOKEN_CREATE_RATE_PER_USER,
    TWO_FACTOR_RATE_PER_IP,
    TWO_FACTOR_RATE_PER_USER,
    URL_LENGTH_MAX,
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


def rate_limit_storage() -> str:
    """Where rate-limit counts are kept: ``RATELIMIT_STORAGE_URI``, else the install's Redis
    (``REDIS_URL``), else the memory of the one process that serves."""
    return os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL") or "memory://"


def is_shared_storage(storage_uri: str) -> bool:
    return urlsplit(storage_uri).scheme not in ("memory", "")


def without_password(url: str) -> str:
    """``url`` fit for a log line."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"{parts.username or ''}:***@{host}").geturl()


def check_rate_limit_sharing(worker_processes: int, storage_uri: str) -> None:
    """Refuse to serve from several processes that would each keep their own rate-limit counts.

    Each would let through the whole limit, so the limits would multiply by the number of processes.
    ``RATELIMIT_PER_PROCESS=1`` accepts that knowingly (a benchmark, limits enforced elsewhere).
    """
    if worker_processes <= 1 or is_shared_storage(storage_uri) or _flag("RATELIMIT_PER_PROCESS"):
        return
    raise ConfigurationError(
        f"{worker_processes} worker processes would each keep their own rate-limit counts ({storage_uri}), "
        f"so every login limit would let through {worker_processes} times as many attempts. Either set "
        "REDIS_URL (or RATELIMIT_STORAGE_URI) to a Redis that every worker reaches, such as "
        "redis://localhost:6379/0; or serve from one process: leave WEB_CONCURRENCY and -w/--workers unset "
        "and gunicorn.conf.py serves with threads (GUNICORN_THREADS of them); or set "
        "RATELIMIT_PER_PROCESS=1 to accept limits counted in each process."
    )


def url_length_max() -> int:
    value = os.environ.get("MAX_URL_LENGTH") or str(URL_LENGTH_MAX)
    if not value.isdigit() or int(value) < 1:
        raise ConfigurationError(f"MAX_URL_LENGTH must be a number of bytes like {URL_LENGTH_MAX}, not {value!r}")
    return int(value)


def check_request_line_limit(limit_request_line: int, max_url_length: int) -> None:
    """Refuse a server limit that would answer over-long URLs with its own page before the app could."""
    if limit_request_line and max_url_length + REQUEST_LINE_OVERHEAD > limit_request_line:
        raise ConfigurationError(
            f"MAX_URL_LENGTH ({max_url_length}) does not fit in gunicorn's limit_request_line "
            f"({limit_request_line}), so gunicorn, not the app, would answer some over-long URLs. Set "
            f"MAX_URL_LENGTH to at most {limit_request_line - REQUEST_LINE_OVERHEAD}, or limit_request_line "
            f"to at most {REQUEST_LINE_MAX} and above MAX_URL_LENGTH + {REQUEST_LINE_OVERHEAD}."
        )


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in _TRUE


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
    max_connections (a threaded worker sizes it to its threads, gunicorn.conf.py); pre-ping and
    recycling replace connections a restart or a proxy has closed."""
    if not url.startswith("postgresql"):
        return {}
    return {
        "pool_size": int(os.environ.get("DB_POOL_SIZE", "2")),
        "max_overflow": int(os.environ.get("DB_MAX_OVERFLOW", "3")),
        "pool_timeout": int(os.environ.get("DB_POOL_TIMEOUT", "10")),
        "pool_recycle": int(os.environ.get("DB_POOL_RECYCLE", "1800")),
        "pool_pre_ping": os.environ.get("DB_POOL_PRE_PING", "1") not in ("0", "false", "no"),
    }


SMTP_SCHEMES = ("smtp", "smtps")
DEFAULT_MAIL_FROM = "Servermarket <noreply@localhost>"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
DEFAULT_INVOICE_ISSUER_NAME = "Servermarket"


def invoice_issuer() -> dict:
    """Who issues the invoices, as each invoice copies it when it is issued (``services.invoices``)."""
    return {
        "INVOICE_ISSUER_NAME": os.environ.get("INVOICE_ISSUER_NAME", "").strip() or DEFAULT_INVOICE_ISSUER_NAME,
        "INVOICE_ISSUER_ADDRESS": os.environ.get("INVOICE_ISSUER_ADDRESS", "").strip(),
        "INVOICE_ISSUER_TAX_ID": os.environ.get("INVOICE_ISSUER_TAX_ID", "").strip(),
        "INVOICE_ISSUER_EMAIL": os.environ.get("INVOICE_ISSUER_EMAIL", "").strip(),
    }


def smtp_url() -> str | None:
    """``SMTP_URL`` (``smtp://user:pass@host:port``, ``smtps://`` for TLS from the first byte), or None:
    then notifications are in the app only."""
    value = os.environ.get("SMTP_URL", "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    try:
        parts.port
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in SMTP_SCHEMES or not parts.hostname:
        raise ConfigurationError(
            f"SMTP_URL must look like smtp://user:password@mail.example.com:587 (or smtps://… for TLS), "
            f"not {without_password(value)!r}")
    return value


def public_url(env: str, smtp: str | None) -> str:
    """The address people reach the app at, for the links in email: ``PUBLIC_URL``.

    Mail is sent by workers, outside any request, so the app cannot learn it from a request; in
    production a mail server without it would send links to the wrong place, so it is required then.
    """
    value = os.environ.get("PUBLIC_URL", "").strip().rstrip("/")
    if not value:
        if env == "production" and smtp:
            raise ConfigurationError(
                "SMTP_URL is set but PUBLIC_URL is not: set PUBLIC_URL to the address people open the app "
                "at (https://servers.example.com), which the links in email lead to")
        return DEFAULT_PUBLIC_URL
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(f"PUBLIC_URL must be an http(s) address like https://servers.example.com, "
                                 f"not {value!r}")
    return value


def invitation_ttl_days() -> float:
    """How long an invitation (or an offer of a pool's ownership) stays open: ``INVITATION_TTL_DAYS``,
    a positive number of days that may have a fraction (``0.5`` is twelve hours)."""
    value = os.environ.get("INVITATION_TTL_DAYS", "7")
    try:
        days = float(value)
    except ValueError:
        days = 0.0
    if not 0 < days <= 3650:
        raise ConfigurationError(f"INVITATION_TTL_DAYS must be a number of days above 0 (such as 7 or 0.5), "
                                 f"not {value!r}")
    return days


def spend_request_ttl_hours() -> float:
    """How long a spend request waits for the pool's owner or an admin: ``SPEND_REQUEST_TTL_HOURS``, a
    positive number of hours (default 72)."""
    value = os.environ.get("SPEND_REQUEST_TTL_HOURS", "72")
    try:
        hours = float(value)
    except ValueError:
        hours = 0.0
    if not 0 < hours <= 24 * 365:
        raise ConfigurationError(f"SPEND_REQUEST_TTL_HOURS must be a number of hours above 0 (such as 72), "
                                 f"not {value!r}")
    return hours


def stripe_bounds() -> tuple[str, str]:
    """``STRIPE_MIN_USD`` and ``STRIPE_MAX_USD``: the smallest and largest card top-up, in dollars."""
    low, high = os.environ.get("STRIPE_MIN_USD", "5.00"), os.environ.get("STRIPE_MAX_USD", "1000.00")
    try:
        low_cents, high_cents = parse_dollars(low), parse_dollars(high)
    except InvalidAmount:
        low_cents = high_cents = 0
    if not 50 <= low_cents <= high_cents:  # Stripe itself takes no card payment under $0.50
        raise ConfigurationError(f"STRIPE_MIN_USD and STRIPE_MAX_USD must be dollar amounts with "
                                 f"0.50 <= STRIPE_MIN_USD <= STRIPE_MAX_USD, not {low!r} and {high!r}")
    return low, high


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
        "INVITATION_TTL_DAYS": invitation_ttl_days(),
        "SPEND_REQUEST_TTL_HOURS": spend_request_ttl_hours(),
        # How often an open page asks for the bell's unread count, in seconds.
        "NOTIFICATION_POLL_SECONDS": int(os.environ.get("NOTIFICATION_POLL_SECONDS", "30")),
        # Bodies are small JSON documents; a pool's settings alone are capped at 10 KB.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", str(256 * 1024))),
        "MAX_URL_LENGTH": url_length_max(),
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
        # The install's Redis, for everything workers and machines share (rate-limit counts first).
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        # memory:// counts in this process only: gunicorn.conf.py then serves from one process.
        "RATELIMIT_STORAGE_URI": rate_limit_storage(),
        "RATELIMIT_LOGIN_PER_USERNAME": rate_limit("RATELIMIT_LOGIN_PER_USERNAME", LOGIN_RATE_PER_USERNAME),
        "RATELIMIT_LOGIN_PER_IP": rate_limit("RATELIMIT_LOGIN_PER_IP", LOGIN_RATE_PER_IP),
        "RATELIMIT_TOKEN_CREATE_PER_USER": rate_limit("RATELIMIT_TOKEN_CREATE_PER_USER", TOKEN_CREATE_RATE_PER_USER),
        "RATELIMIT_TOKEN_CREATE_PER_IP": rate_limit("RATELIMIT_TOKEN_CREATE_PER_IP", TOKEN_CREATE_RATE_PER_IP),
        "RATELIMIT_TWO_FACTOR_PER_USER": rate_limit("RATELIMIT_TWO_FACTOR_PER_USER", TWO_FACTOR_RATE_PER_USER),
        "RATELIMIT_TWO_FACTOR_PER_IP": rate_limit("RATELIMIT_TWO_FACTOR_PER_IP", TWO_FACTOR_RATE_PER_IP),
        "RATELIMIT_RECOVERY_PER_ADDRESS": rate_limit("RATELIMIT_RECOVERY_PER_ADDRESS", RECOVERY_RATE_PER_ADDRESS),
        "RATELIMIT_RECOVERY_PER_IP": rate_limit("RATELIMIT_RECOVERY_PER_IP", RECOVERY_RATE_PER_IP),
        "WTF_CSRF_TIME_LIMIT": None,
        # Anyone may open an account (the register page, POST /api/v1/auth/signup); off: only
        # administrators make accounts (flask users create).
        "ALLOW_SIGNUP": os.environ.get("ALLOW_SIGNUP", "1") not in ("0", "false", "no"),
        # Email: unset SMTP_URL keeps notifications in the app.
        "SMTP_URL": smtp_url(),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "").strip() or DEFAULT_MAIL_FROM,
        "PUBLIC_URL": public_url(env, smtp_url()),
        # Where the development mail sink (``flask mail sink``) keeps what it receives.
        "MAIL_SINK_DIR": os.environ.get("MAIL_SINK_DIR") or str(Path(instance_path) / "mail"),
        **invoice_issuer(),
        # Card top-ups through Stripe Checkout: off unless both keys are set (docs/PAYMENTS.md).
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY", "").strip() or None,
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET", "").strip() or None,
        # Where the Stripe library sends its calls; unset: Stripe's own https://api.stripe.com.
        "STRIPE_API_BASE": os.environ.get("STRIPE_API_BASE", "").strip().rstrip("/") or None,
        "STRIPE_MIN_USD": stripe_bounds()[0],
        "STRIPE_MAX_USD": stripe_bounds()[1],
    }
