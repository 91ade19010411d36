"""The email settings as the app reads them from the environment: a mail server URL it can use, and
in production the public address the links in mail lead to."""
import secrets

import pytest

from app import create_app
from core.config import ConfigurationError


@pytest.fixture
def environment(monkeypatch, tmp_path):
    """A production server's environment with a strong key and no email settings but what a test sets."""
    for name in ("FLASK_DEBUG", "FLASK_RUN_FROM_CLI", "DATABASE_URL", "SMTP_URL", "MAIL_FROM", "PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    return monkeypatch


def test_without_smtp_url_the_app_sends_no_email(environment):
    app = create_app({"AUTO_MIGRATE": False})
    assert app.config["SMTP_URL"] is None
    assert app.config["MAIL_FROM"] == "Servermarket <noreply@localhost>"


@pytest.mark.parametrize("url", ["smtp://mail.example.com:587", "smtps://user:p%40ss@mail.example.com:465",
                                 "smtp://localhost"])
def test_a_mail_server_url_is_taken(environment, url):
    environment.setenv("SMTP_URL", url)
    environment.setenv("PUBLIC_URL", "https://servers.example.com/")
    app = create_app({"AUTO_MIGRATE": False})
    assert (app.config["SMTP_URL"], app.config["PUBLIC_URL"]) == (url, "https://servers.example.com")


@pytest.mark.parametrize("url", ["mail.example.com", "http://mail.example.com", "smtp://", "smtp://host:port"])
def test_a_url_that_is_not_a_mail_server_stops_the_start(environment, url):
    environment.setenv("SMTP_URL", url)
    environment.setenv("PUBLIC_URL", "https://servers.example.com")
    with pytest.raises(ConfigurationError, match="SMTP_URL must look like"):
        create_app({"AUTO_MIGRATE": False})


def test_production_mail_needs_the_public_address_of_its_links(environment):
    environment.setenv("SMTP_URL", "smtp://mail.example.com:587")
    with pytest.raises(ConfigurationError, match="PUBLIC_URL"):
        create_app({"AUTO_MIGRATE": False})
    environment.setenv("PUBLIC_URL", "servers.example.com")
    with pytest.raises(ConfigurationError, match="PUBLIC_URL must be an http"):
        create_app({"AUTO_MIGRATE": False})


def test_a_password_in_the_url_is_never_in_the_message_of_a_refusal(environment):
    environment.setenv("SMTP_URL", "ftp://user:hunter2secret@mail.example.com")
    with pytest.raises(ConfigurationError) as refused:
        create_app({"AUTO_MIGRATE": False})
    assert "hunter2secret" not in str(refused.value)
