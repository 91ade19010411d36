"""Browser sessions: one row per page login, which the server can end (logout, signing out the
other sessions, an administrator disabling the account).

Flask-Login keeps ``User.get_id()`` in the session cookie and, with remember-me, in the remember
cookie; here that value is the session's key, ``<session id>.<secret>``. Only the secret's SHA-256
is stored and it is compared in constant time, so neither cookie works once its session is revoked
or expired, and a copy of the table opens no session.

``end_others(user, keep_session_id)`` is the one way to sign a user out everywhere but here: it ends
their other browser sessions and revokes the tokens of their API logins (named tokens stay). A
password change and turning on two-factor login call it in their own transaction.
"""
import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from core.extensions import db
from core.ids import is_valid_id
from core.limits import IP_MAX, LOGIN_SESSION_DAYS, USER_AGENT_MAX
from core.timeutil import utcnow
from models import LoginSession, User
from services import audit, tokens
from services.atomic import write_transaction
from services.errors import AccountDisabled, NotFound

SESSION_NOT_FOUND = "Session not found"
_KEY_MAX = 100  # an id, a dot and 43 characters of secret; anything longer is not a key
# last_seen_at is for the list of sessions; writing it on every page view would cost a write per request.
_LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _session_id(key: str | None) -> str | None:
    session_id = (key or "").partition(".")[0]
    return session_id if is_valid_id(session_id) else None


def open_session(user: User, remember: bool, ip: str | None, user_agent: str | None) -> LoginSession:
    """A new browser session for ``user``, whose key ``user.get_id()`` now gives for the cookies."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    login_session = LoginSession(
        user_id=user.id,
        secret_hash=_digest(secret),
        created_at=now,
        last_seen_at=now,
        ip=ip[:IP_MAX] if ip else None,
        user_agent=(user_agent or "")[:USER_AGENT_MAX],
        remember=bool(remember),
        expires_at=now + timedelta(days=LOGIN_SESSION_DAYS),
    )
    db.session.add(login_session)
    db.session.commit()
    user.browser_session_key = f"{login_session.id}.{secret}"
    return login_session


def user_for_key(key: str) -> User | None:
    """The user of the live browser session ``key`` names, or None.

    ``AccountDisabled`` when the key is right but an administrator has disabled the account, so the
    page can say why the session ended.
    """
    if not isinstance(key, str) or len(key) > _KEY_MAX:
        return None
    session_id, _, secret = key.partition(".")
    if not is_valid_id(session_id) or not secret:
        return None
    row = db.session.execute(
        select(LoginSession, User).join(User, LoginSession.user_id == User.id).where(LoginSession.id == session_id)
    ).first()
    # The row was found by its id; the secret is confirmed in constant time.
    if row is None or not hmac.compare_digest(row.LoginSession.secret_hash, _digest(secret)):
        return None
    login_session, user = row
    if user.is_disabled:
        raise AccountDisabled()
    now = utcnow()
    if not login_session.is_live(now):
        return None
    if now - login_session.last_seen_at > _LAST_SEEN_RESOLUTION:
        db.session.execute(update(LoginSession).where(LoginSession.id == login_session.id).values(last_seen_at=now))
        db.session.commit()
    user.browser_session_key = key
    return user


def current_session_id(user: User) -> str | None:
    """The id of the browser session ``user`` was loaded for, if any."""
    return _session_id(user.browser_session_key)


def list_sessions(user: User) -> list[LoginSession]:
    """The user's live browser sessions, the most recently used first."""
    now = utcnow()
    return list(db.session.scalars(
        select(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None), LoginSession.expires_at > now)
        .order_by(LoginSession.last_seen_at.desc(), LoginSession.id)
    ))


def _revoke(user: User, now, only: str | None = None, keep: str | None = None) -> int:
    """Revoke the user's live sessions (``only`` one, or all but ``keep``); how many were live."""
    statement = update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
    if only is not None:
        statement = statement.where(LoginSession.id == only)
    if keep is not None:
        statement = statement.where(LoginSession.id != keep)
    return db.session.execute(statement.values(revoked_at=now),
                              execution_options={"synchronize_session": False}).rowcount


def end_session(user: User) -> None:
    """Log out: the browser session ``user`` was loaded for ends, and with it its cookies."""
    with write_transaction():
        if (session_id := current_session_id(user)) is not None:
            _revoke(user, utcnow(), only=session_id)
        audit.record(audit.LOGOUT, user, target_type="user", target_id=user.id)
    user.browser_session_key = None


def revoke_session(user: User, session_id: str) -> LoginSession:
    """End one of the user's own sessions (404 for anyone else's); ending an ended one changes nothing."""
    login_session = db.session.get(LoginSession, session_id) if is_valid_id(session_id) else None
    if login_session is None or login_session.user_id != user.id:
        raise NotFound(SESSION_NOT_FOUND)
    with write_transaction():
        if _revoke(user, utcnow(), only=login_session.id):
            audit.record(audit.SESSION_REVOKED, user, target_type="session", target_id=login_session.id)
    db.session.refresh(login_session)
    return login_session


def end_others(user: User, keep_session_id: str | None, keep_token_id: str | None = None) -> dict[str, int]:
    """Sign out everywhere else: end every browser session of the user but ``keep_session_id`` and
    revoke the tokens of their API logins (but ``keep_token_id``); named tokens keep working.

    What a password change, turning on two-factor login and the account page's "Sign out all other
    sessions" do. It joins the caller's ``write_transaction()`` when there is one, so that the change
    and the sign-out are saved together; it answers how many sessions and login tokens it ended.
    """
    with write_transaction():
        ended = end_everywhere(user, keep_session_id, keep_token_id)
        if ended["sessions"]:
            audit.record(audit.SESSIONS_REVOKED, user, target_type="user", target_id=user.id,
                         details={"count": ended["sessions"], "kept": keep_session_id})
    return ended


def end_everywhere(user: User, keep_session_id: str | None = None, keep_token_id: str | None = None) -> dict[str, int]:
    """``end_others`` without its own audit entry, inside the caller's transaction, for a caller whose
    audit entry already says why (a password reset, a password set by an administrator)."""
    return {"sessions": _revoke(user, utcnow(), keep=keep_session_id),
            "login_tokens": tokens.revoke_login_tokens(user, keep=keep_token_id)}


def end_every_session(user: User) -> int:
    """End all the user's sessions, inside the caller's ``write_transaction()`` (which records why)."""
    return _revoke(user, utcnow())
