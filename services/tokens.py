"""API tokens: made from a login or the tokens page, stored hashed, revocable.

A token named on the tokens page is kept by a person for a tool; one made by the API login is a session
of whatever logged in, and every login makes another. ``ApiToken.kind`` tells them apart, so the page can
list the few named tokens on their own and the many login sessions together (and revoke those at once).
"""
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import bindparam, select, update

from core.extensions import db
from core.limits import LOGIN_TOKEN_DAYS
from core.timeutil import isoformat, utcnow
from models import ApiToken, User
from models.token import LOGIN, NAMED, is_usable
from services import audit, inputs, two_factor
from services.errors import AccountDisabled, NotFound
from services.token_addresses import IpNotAllowed, admits
from services.paging import Page, paginate

TOKEN_PREFIX = "srv_"
LOGIN_TOKEN_NAME = "API login"
# last_used_at is a convenience for the tokens page; writing it on every request would cost a write per call.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user: User, name: str, lifetime_days: int | None,
                 otp_code: str | None = None) -> tuple[ApiToken, str]:
    """A new named token and its plain text, which is never stored and so can be shown only now.

    ``otp_code``: a two-factor code, needed when the user asked for one before every new token."""
    [name] = inputs.checked(name=(inputs.TokenName, name))
    require_second_factor(user, otp_code)
    return _issue(user, name, lifetime_days, NAMED)


def create_login_token(user: User) -> tuple[ApiToken, str]:
    """The token an API login answers with, and its plain text."""
    return _issue(user, LOGIN_TOKEN_NAME, LOGIN_TOKEN_DAYS, LOGIN)


def issue_named(user: User, name: str, expires_at: datetime | None, permissions: dict | None,
                ip_whitelist: list[str] | None, lifetime_days: int | None = None) -> tuple[ApiToken, str]:
    """A named token with its permissions and addresses already checked (``services.scoped_tokens``);
    it expires at ``expires_at``, or ``lifetime_days`` after it is made."""
    return _issue(user, name, lifetime_days, NAMED, expires_at=expires_at, permissions=permissions,
                  ip_whitelist=ip_whitelist)


def require_second_factor(user: User, otp_code: str | None) -> None:
    """The gate a new API token passes: 401 ``TWO_FACTOR_REQUIRED`` when its user asks for a second factor
    on tokens and ``otp_code`` is not a right code (``services.two_factor``)."""
    two_factor.check_token_gate(user, otp_code)


def _issue(user: User, name: str, lifetime_days: int | None, kind: str, expires_at: datetime | None = None,
           permissions: dict | None = None, ip_whitelist: list[str] | None = None) -> tuple[ApiToken, str]:
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=_digest(plain),
        prefix=plain[: len(TOKEN_PREFIX) + 6],
        kind=kind,
        created_at=now,
        updated_at=now,
        expires_at=now + timedelta(days=lifetime_days) if lifetime_days else expires_at,
        permissions=permissions,
        ip_whitelist=ip_whitelist,
    )
    db.session.add(token)
    db.session.flush()
    audit.record(audit.TOKEN_CREATED, user, target_type="token", target_id=token.id,
                 details={"name": name, "expires_at": isoformat(token.expires_at)})
    db.session.commit()
    return token, plain


# The check runs before every API call: one statement, built once, reads the caller and of the
# token only what the check decides on (as columns: an ApiToken object would be built for nothing).
_tokens = ApiToken.__table__.c
_BEARER = (
    select(User, _tokens.id.label("token_id"), _tokens.token_hash, _tokens.expires_at, _tokens.revoked_at,
           _tokens.last_used_at, _tokens.is_enabled, _tokens.permissions, _tokens.ip_whitelist)
    .join_from(User, ApiToken.__table__, _tokens.user_id == User.id)
    .where(_tokens.token_hash == bindparam("digest"))
)


class Bearer(NamedTuple):
    """Who calls with a token, and what the token may do (``services.permissions``; None: all its user may)."""

    user: User
    token_id: str
    permissions: dict | None


def bearer_for_token(plain: str, address: str | None) -> Bearer | None:
    """The caller a bearer token stands for, if it is live and enabled. Only SHA-256 digests are stored
    and compared.

    ``AccountDisabled`` for a live token of a disabled account: it works again once the account is enabled.
    ``IpNotAllowed`` for a call from an address outside the token's ``ip_whitelist``.
    """
    if not plain or len(plain) > 200:
        return None
    digest = _digest(plain)
    token = db.session.execute(_BEARER, {"digest": digest}).first()
    now = utcnow()
    # The row was found by an index lookup; the digest is confirmed in constant time.
    if token is None or not hmac.compare_digest(token.token_hash, digest) or not token.is_enabled \
            or not is_usable(token.revoked_at, token.expires_at, now):
        return None
    if token.User.is_disabled:
        raise AccountDisabled()
    if not admits(token.ip_whitelist, address):
        raise IpNotAllowed(address)
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        db.session.execute(update(ApiToken).where(ApiToken.id == token.token_id)
                           .values(last_used_at=now, last_used_ip=address))
        db.session.commit()
    return Bearer(token.User, token.token_id, token.permissions)


def user_for_token(plain: str, address: str | None = None) -> User | None:
    """The user a bearer token belongs to, if it is live (see ``bearer_for_token``)."""
    bearer = bearer_for_token(plain, address)
    return None if bearer is None else bearer.user


def list_tokens(user: User) -> list[ApiToken]:
    """The user's named tokens, newest first, whatever their state."""
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.kind == NAMED)
        .order_by(ApiToken.created_at.desc(), ApiToken.id)
    ))


def _live_logins(user: User):
    now = utcnow()
    return (ApiToken.user_id == user.id, ApiToken.kind == LOGIN, ApiToken.revoked_at.is_(None),
            (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now))


def login_sessions(user: User, page: Page) -> tuple[list[ApiToken], int]:
    """The user's tokens from API logins that still work, newest first, and how many there are.

    Revoked and expired ones are left out: a script that logs in on every run would bury the live ones.
    """
    statement = select(ApiToken).where(*_live_logins(user)).order_by(ApiToken.created_at.desc(), ApiToken.id)
    rows, total = paginate(statement, page)
    return [token for (token,) in rows], total


def revoke_token(user: User, token_id: str) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("Token not found")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(audit.TOKEN_REVOKED, user, target_type="token", target_id=token.id, details={"name": token.name})
        db.session.commit()
    return token


def revoke_login_sessions(user: User) -> int:
    """Revoke every working token the user's API logins made; named tokens keep working. Returns how many."""
    count = revoke_login_tokens(user)
    db.session.commit()
    return count


def revoke_login_tokens(user: User, keep: str | None = None) -> int:
    """``revoke_login_sessions`` inside the caller's transaction, sparing the token ``keep``; how many."""
    statement = update(ApiToken).where(*_live_logins(user))
    if keep is not None:
        statement = statement.where(ApiToken.id != keep)
    revoked = list(db.session.scalars(statement.values(revoked_at=utcnow()).returning(ApiToken.id),
                                      execution_options={"synchronize_session": False}))
    if revoked:
        audit.record(audit.TOKEN_REVOKED, user, target_type="token", target_id=None,
                     details={"name": LOGIN_TOKEN_NAME, "count": len(revoked)})
    return len(revoked)


def presented_token(user: User, plain: str) -> ApiToken | None:
    """The token of ``user`` whose plain text is ``plain`` (the one a request came with), or None."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(plain or "")))
    return token if token is not None and token.user_id == user.id else None


def log_out(user: User, plain: str) -> None:
    """The API's logout: the token the request came with stops working, whatever its kind."""
    token = presented_token(user, plain)
    if token is not None and token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(audit.TOKEN_REVOKED, user, target_type="token", target_id=token.id,
                     details={"name": token.name, "logout": True})
    audit.record(audit.LOGOUT, user, target_type="user", target_id=user.id, details={"via": "api"})
    db.session.commit()
