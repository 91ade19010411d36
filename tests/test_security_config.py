"""SECRET_KEY: required and strong in production, a kept random one in development; which is which."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from core.config import ConfigurationError, app_env

ROOT = Path(__file__).resolve().parents[1]
STRONG_KEY = secrets.token_hex(32)


@pytest.fixture
def production(monkeypatch, tmp_path):
    """The environment of a server started by gunicorn: nothing set but what the test sets."""
    for name in ("SECRET_KEY", "FLASK_DEBUG", "FLASK_RUN_FROM_CLI", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    return tmp_path


def test_production_refuses_to_start_without_a_secret_key(production):
    with pytest.raises(ConfigurationError) as refused:
        create_app({"AUTO_MIGRATE": False})
    message = str(refused.value)
    assert message.startswith("SECRET_KEY is not set. In production the app needs a long random SECRET_KEY")
    assert "secrets.token_hex(32)" in message and "APP_ENV=development" in message
    assert not (production / "secret_key").exists()  # no key is made up behind the operator's back


@pytest.mark.parametrize("key, problem", [
    ("dev", "a well-known or trivial value"),
    ("changeme", "a well-known or trivial value"),
    ("CHANGEME", "a well-known or trivial value"),
    ("a" * 64, "a well-known or trivial value"),
    ("0123456789abcdef", "shorter than 32 characters"),
    (STRONG_KEY[:31], "shorter than 32 characters"),
])
def test_production_refuses_a_weak_secret_key(production, monkeypatch, key, problem):
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigurationError, match=f"SECRET_KEY is {problem}"):
        create_app({"AUTO_MIGRATE": False})


def test_production_refuses_a_weak_key_given_in_code_too(production):
    with pytest.raises(ConfigurationError, match="SECRET_KEY is a well-known"):
        create_app({"AUTO_MIGRATE": False, "SECRET_KEY": "secret"})


def test_production_starts_with_a_strong_secret_key(production, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    app = create_app({"AUTO_MIGRATE": False})
    assert app.config["SECRET_KEY"] == STRONG_KEY
    assert app.config["APP_ENV"] == "production"


@pytest.mark.parametrize("environment", ["development", "testing"])
def test_development_and_tests_keep_a_random_key_in_the_instance_folder(production, monkeypatch, environment):
    monkeypatch.setenv("APP_ENV", environment)
    key = create_app({"AUTO_MIGRATE": False}).config["SECRET_KEY"]
    assert len(key) == 64 and (production / "secret_key").read_text() == key


def test_development_accepts_any_key_it_is_given(production, monkeypatch):
    monkeypatch.setenv("APP_ENV", "development")
    monkeypatch.setenv("SECRET_KEY", "dev")
    assert create_app({"AUTO_MIGRATE": False}).config["SECRET_KEY"] == "dev"


@pytest.mark.parametrize("variables, expected", [
    ({}, "production"),
    ({"APP_ENV": "Development"}, "development"),
    ({"APP_ENV": "production", "FLASK_DEBUG": "1"}, "production"),
    ({"FLASK_DEBUG": "1"}, "development"),
    ({"FLASK_DEBUG": "0"}, "production"),
    ({"FLASK_RUN_FROM_CLI": "true"}, "development"),
])
def test_which_environment_the_app_is_in(monkeypatch, variables, expected):
    for name in ("APP_ENV", "FLASK_DEBUG", "FLASK_RUN_FROM_CLI"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert app_env() == expected


def test_an_unknown_environment_is_refused(monkeypatch):
    monkeypatch.setenv("APP_ENV", "staging")
    with pytest.raises(ConfigurationError, match="APP_ENV must be one of production, development, testing"):
        app_env()


def fresh_environment(tmp_path) -> dict:
    """What a shell on a fresh checkout has: no settings of the app's at all."""
    env = {name: value for name, value in os.environ.items()
           if name not in ("APP_ENV", "SECRET_KEY", "DATABASE_URL", "FLASK_DEBUG", "FLASK_RUN_FROM_CLI",
                           "RATELIMIT_STORAGE_URI")}
    env["INSTANCE_PATH"] = str(tmp_path)
    return env


def test_a_wsgi_server_on_a_fresh_checkout_refuses_to_serve_without_a_key(tmp_path):
    result = subprocess.run([sys.executable, "-c", "import app; app.app"], cwd=ROOT, env=fresh_environment(tmp_path),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "ConfigurationError: SECRET_KEY is not set. In production" in result.stderr


def test_the_readme_commands_work_on_a_fresh_checkout_without_settings(tmp_path):
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    env = fresh_environment(tmp_path)
    created = subprocess.run([*flask, "users", "create", "erin", "--password", "erin-password"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
    assert created.returncode == 0, created.stderr
    assert (tmp_path / "secret_key").exists()

