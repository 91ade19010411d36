"""Opening an account yourself (the register page, ``POST /api/v1/auth/signup``), when the install
allows it (``ALLOW_SIGNUP``, on by default). Off, only administrators make accounts
(``flask users create``)."""
from flask import current_app

from models import User
from services import accounts, mail
from services.atomic import write_transaction
from services.errors import Forbidden

SIGNUP_CLOSED = "Signing up is closed on this server: ask an administrator for an account"


def is_open() -> bool:
    return bool(current_app.config.get("ALLOW_SIGNUP", True))


def sign_up(username, password, email=None, alias: str = "") -> User:
    """A new account checked as every account is (``accounts.create_user``), with ``email`` (optional)
    unverified and, when the install sends email, a link that verifies it on its way."""
    if not is_open():
        raise Forbidden(SIGNUP_CLOSED)
    user = accounts.create_user(username, password, alias=alias, email=email)
    if user.email is not None and mail.is_configured():
        with write_transaction():
            mail.queue_verification(user)
    return user
