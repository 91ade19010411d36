"""The application: ``flask --app app run`` for development, ``gunicorn app:app`` in production."""
import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from core import config, jobs, request_log
from core.extensions import csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent
MIGRATIONS_DIR = str(ROOT / "migrations")


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("INSTANCE_PATH") or str(ROOT / "instance"))
    app.config.from_mapping(config.from_environment(app.instance_path))
    app.config.from_mapping(jobs.config_from_environment(app.instance_path))
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    if test_config:
        app.config.update(test_config)
    config.check_secret_key(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.json.sort_keys = False  # keep fields in the order of the published examples

    register_extensions(app)
    request_log.install(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    if app.config["AUTO_MIGRATE"]:
        upgrade_schema(app)
    if proxies := int(os.environ.get("PROXY_FIX") or 0):  # how many reverse proxies set X-Forwarded-*
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies)
    return app


def register_extensions(app: Flask) -> None:
    import models  # noqa: F401  (every table known to SQLAlchemy and Alembic)
    from core import cache_control, security, sqlite
    from models.types import render_migration_type
    from views.web.auth import load_user

    security.init_app(app)  # first: its body-size check runs before CSRF reads a form
    cache_control.init_app(app)
    sqlite.install()
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True,
                     render_item=render_migration_type)
    import services.time_driven  # noqa: F401  (every job, periodic check and event consumer, before binding them)

    jobs.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "web.login"
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)

    @login_manager.unauthorized_handler
    def send_to_login():
        from flask import redirect, request, url_for

        from views.web import htmx

        login_url = url_for("web.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
        # An htmx request would follow a plain redirect inside the page and swap the login form in.
        return htmx.redirect(login_url) if htmx.is_htmx() else redirect(login_url)


def register_blueprints(app: Flask) -> None:
    from views.api import api
    from views.health import health
    from views.web import web

    csrf.exempt(api)  # bearer tokens, not cookies, authenticate the API
    app.register_blueprint(api, url_prefix="/api/v1")
    app.register_blueprint(web)
    csrf.exempt(health)
    app.register_blueprint(health)


def register_errorhandlers(app: Flask) -> None:
    from views import errors

    errors.register(app)


def register_commands(app: Flask) -> None:
    from cli import register

    register(app)


def upgrade_schema(app: Flask) -> None:
    """Create or upgrade the schema, so a first start needs no separate step."""
    from flask_migrate import upgrade

    from core.schema_lock import schema_lock

    with app.app_context(), schema_lock(db.engine, app.instance_path):
        upgrade(directory=MIGRATIONS_DIR)


def __getattr__(name: str):
    # ``gunicorn app:app`` and ``flask --app app`` look up ``app``; build it on first use, not at import.
    if name == "app":
        application = create_app()
        globals()["app"] = application
        return application
    raise AttributeError(name)
