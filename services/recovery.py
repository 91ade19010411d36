"""Getting back into an account: a password-reset link emailed to the account's verified address, or
an administrator setting a new password (the admin page, ``flask users set-password``).

A reset link is asked for by address, and the answer is the same whether an account has that
address or not, so it tells nobody who has an account here. Only a verified address is sent a link:
an address nobody has proven to read does not get the key to the account. The link works once, for
``PASSWORD_RESET_HOURS``, and only while the password is the one it was sent for.

The link's token is the HMAC of its row's id under ``SECRET_KEY``: the worker that sends the message
writes it again from the id, so it is stored nowhere, and only its SHA-256 is kept to find the row.
A new password, by either way, ends every browser session and API login token of the account, and
goes into the audit trail.
"""
import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

from core.extensions import db
from core.ids import new_id
from core.limits import PASSWORD_RESET_HOURS
from core.timeutil import utcnow
from models import PasswordReset, User
from models.email import KIND_PASSWORD_RESET
from services import accounts, audit, inputs, mail, sessions
from services.atomic import write_transaction
from services.errors import EMAIL_NOT_CONFIGURED, Conflict, Unauthenticated

INVALID_RESET_LINK = ("This password reset link is not valid: it was used already, has expired, or the password "
                      "has changed since. Ask for a new one")
_TOKEN_LENGTH = 64  # hex digits of an HMAC-SHA256
LINK_LIFETIME = "1 hour" if PASSWORD_RESET_HOURS == 1 else f"{PASSWORD_RESET_HOURS} hours"


def administrator_help() -> str:
    """Who can set a new password for someone who cannot use a reset link, in one sentence."""
    found = accounts.administrators_to_ask()
    if found is None:
        return "Ask whoever runs this installation to set a new password for you."
    noun, listed = found
    return f"Ask {noun} to set a new password for you: {listed}."


def how_to_recover() -> str:
    """Where a person who forgot their password turns when this server sends no email."""
    return f"This server does not send email. {administrator_help()}"


def token_for(reset_id: str) -> str:
    """The token of the link emailed for the reset ``reset_id``."""
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, f"password-reset:{reset_id}".encode(), hashlib.sha256).hexdigest()


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def request_reset(address) -> None:
    """Email a reset link to the account whose verified address ``address`` is (any case); nothing, and
    no other answer, for an address no account has verified or a disabled account's.

    ``EMAIL_NOT_CONFIGURED`` (409) when this server sends no email, naming the administrators.
    """
    if not mail.is_configured():
        raise Conflict(how_to_recover(), code=EMAIL_NOT_CONFIGURED)
    (address,) = inputs.checked(email=(inputs.Email, address))
    user = db.session.scalar(select(User).where(func.lower(User.email) == address.lower(),
                                                User.email_verified_at.is_not(None), User.disabled_at.is_(None)))
    if user is None:
        return
    with write_transaction():
        delivery = mail.queue(KIND_PASSWORD_RESET, user)
        reset_id = new_id()
        now = utcnow()
        db.session.add(PasswordReset(
            id=reset_id, user_id=user.id, email_delivery_id=delivery.id, token_hash=_digest(token_for(reset_id)),
            password_fingerprint=_digest(user.password_hash), created_at=now,
            expires_at=now + timedelta(hours=PASSWORD_RESET_HOURS)))
        audit.record(audit.PASSWORD_RESET_REQUESTED, target_type="user", target_id=user.id,
                     details={"reset_id": reset_id})


@mail.composer(KIND_PASSWORD_RESET)
def _reset_message(delivery, user: User):
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.email_delivery_id == delivery.id))
    if reset is None or not reset.is_usable(utcnow()) or reset.password_fingerprint != _digest(user.password_hash):
        return None, "the link was used, expired or outdated by a new password before the message was sent"
    if user.email_verified_at is None:
        return None, "the address lost its verification before the message was sent"
    context = {
        "user": user,
        "link": mail.absolute(mail.path_for("web.reset_password", token=token_for(reset.id))),
        "forgot": mail.absolute(mail.path_for("web.forgot_password")),
        "valid_for": LINK_LIFETIME,
    }
    return mail.build_message(delivery, "Reset your password", "mail/password_reset", context), None


def _reset_for(token) -> PasswordReset | None:
    if not isinstance(token, str) or len(token) != _TOKEN_LENGTH:
        return None
    return db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _digest(token)))


def check_reset_link(token) -> None:
    """Refuse (401) a link that cannot reset a password, so its page can say so before asking for one."""
    reset = _reset_for(token)
    if reset is None or not reset.is_usable(utcnow()):
        raise Unauthenticated(INVALID_RESET_LINK)


def reset_password(token, password) -> User:
    """Set a new password with the token of a reset link, which is then used up. A bad, expired, used or
    outdated token is refused as any bad credential is (401), and changes nothing."""
    (password,) = inputs.checked(password=(inputs.Password, password))
    reset = _reset_for(token)
    if reset is None or not reset.is_usable(utcnow()):
        raise Unauthenticated(INVALID_RESET_LINK)
    new_hash = accounts.hash_password(password)  # slow on purpose: not while holding the write lock
    with write_transaction():
        used = db.session.execute(
            update(PasswordReset).where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
            .values(used_at=utcnow()), execution_options={"synchronize_session": False}).rowcount
        user = db.session.get(User, reset.user_id, populate_existing=True)
        if not used or user is None or user.is_disabled or reset.password_fingerprint != _digest(user.password_hash):
            raise Unauthenticated(INVALID_RESET_LINK)
        ended = _replace_password(user, new_hash)
        audit.record(audit.PASSWORD_RESET, user, target_type="user", target_id=user.id,
                     details={"reset_id": reset.id, **ended})
    return user


def set_password(user: User, password, actor: User | None = None) -> User:
    """An administrator's new password for ``user`` (``actor`` None from the command line)."""
    (password,) = inputs.checked(password=(inputs.Password, password))
    new_hash = accounts.hash_password(password)
    with write_transaction():
        user = db.session.get(User, user.id, populate_existing=True)
        ended = _replace_password(user, new_hash)
        audit.record(audit.PASSWORD_SET, actor, target_type="user", target_id=user.id,
                     details={"username": user.username, **ended})
    return user


def _replace_password(user: User, new_hash: str) -> dict:
    """Inside the caller's transaction: the new hash, and every session and login token of the old
    password ended. Reset links sent for the old password die with it (their fingerprint is stale)."""
    user.password_hash = new_hash
    ended = sessions.end_everywhere(user)
    return {"sessions_ended": ended["sessions"], "login_tokens_revoked": ended["login_tokens"]}
