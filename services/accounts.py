"""Users, passwords, logging in, and accounts an administrator disables."""

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from core.extensions import db
from core.limits import DEFAULT_POOL_NAME, ROLE_OWNER, USERNAME_MAX
from core.timeutil import utcnow
from models import Membership, Pool, User
from services import audit, inputs, ledger, login_addresses, sessions
from services.atomic import write_transaction
from services.errors import EMAIL_TAKEN, NAME_TAKEN, AccountDisabled, Conflict

ADMINISTRATORS_NAMED = 3  # a sentence, not a directory
EMAIL_BELONGS_TO_ANOTHER = "That email address belongs to another account"
# Checked against when a username is unknown, so a miss costs as much time as a wrong password.
_DUMMY_HASH: dict[str, str] = {}


def hash_password(password: str) -> str:
    """``password`` hashed the way this install stores passwords."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def named(username: str):
    """The SQL condition for the user called ``username``; usernames are case-insensitive."""
    return func.lower(User.username) == username.lower()


def find_user(username: str) -> User | None:
    if not inputs.is_valid(inputs.Username, username):
        return None
    return db.session.scalar(select(User).where(named(username)))


def administrators() -> list[User]:
    """Every administrator, by username: the people who can credit a wallet."""
    return list(db.session.scalars(select(User).where(User.is_admin.is_(True)).order_by(func.lower(User.username))))


def administrators_to_ask() -> tuple[str, str] | None:
    """``("one of the administrators", "Ann (ann), bob or another administrator")`` for a sentence
    that sends someone to an administrator; None when there is none."""
    admins = administrators()
    if not admins:
        return None
    names = [admin.username if admin.alias in ("", admin.username) else f"{admin.alias} ({admin.username})"
             for admin in admins[:ADMINISTRATORS_NAMED]]
    if len(admins) > ADMINISTRATORS_NAMED:
        names.append("another administrator")
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return ("an administrator" if len(admins) == 1 else "one of the administrators"), listed


def _address_taken(address: str) -> bool:
    return db.session.scalar(select(User.id).where(func.lower(User.email) == address.lower())) is not None


def create_user(
    username: str,
    password: str,
    alias: str = "",
    is_admin: bool = False,
    balance_cents: int = 0,
    email: str | None = None,
) -> User:
    """A new user with their default pool and, for an opening balance, its credit transaction; with
    ``email``, that address (unverified)."""
    # No display name (an empty one) is the username's.
    _, _, alias, _, email = inputs.checked(
        username=(inputs.Username, username), password=(inputs.Password, password),
        alias=(inputs.Maybe(inputs.Alias), alias or None), balance=(inputs.Cents, balance_cents),
        email=(inputs.Maybe(inputs.Email), email or None))
    if find_user(username) is not None:
        raise Conflict(f"The username {username} is taken", code=NAME_TAKEN)
    if email is not None and _address_taken(email):
        raise Conflict(EMAIL_BELONGS_TO_ANOTHER, code=EMAIL_TAKEN)

    now = utcnow()
    user = User(
        username=username,
        alias=alias or username,
        password_hash=hash_password(password),
        is_admin=is_admin,
        balance_cents=balance_cents,
        email=email,
        created_at=now,
    )
    pool = Pool(owner=user, name=DEFAULT_POOL_NAME, description="", is_default=True, settings={},
                created_at=now, updated_at=now)
    db.session.add_all([user, pool])
    db.session.flush()
    db.session.add(Membership(pool_id=pool.id, user_id=user.id, role=ROLE_OWNER, is_authorized=True,
                              invited_at=now, joined_at=now))
    if balance_cents:
        ledger.record(ledger.CREDIT, balance_cents, user_id=user.id, note="Opening balance", now=now)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if email is not None and _address_taken(email):
            raise Conflict(EMAIL_BELONGS_TO_ANOTHER, code=EMAIL_TAKEN) from None
        raise Conflict(f"The username {username} is taken", code=NAME_TAKEN) from None
    return user


def authenticate(username: str, password: str) -> User | None:
    """The user these credentials belong to, or None; either way the attempt goes into the audit trail.

    ``AccountDisabled`` for the right password of a disabled account: only someone who knows the
    password learns that the account exists and is disabled.
    """
    user = account = find_user(username)
    if user is None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if method not in _DUMMY_HASH:
            _DUMMY_HASH[method] = generate_password_hash("not-a-password", method=method)
        check_password_hash(_DUMMY_HASH[method], str(password))
    elif not check_password_hash(user.password_hash, str(password)):
        user = None
    if user is None:
        # No actor (it may not have been them), but the account tried, so its history shows the attempt.
        audit.record(audit.LOGIN_FAILED, target_type="user" if account else None,
                     target_id=account.id if account else None, details={"username": str(username)[:USERNAME_MAX]})
    elif user.is_disabled:
        audit.record(audit.LOGIN_REFUSED, user, target_type="user", target_id=user.id,
                     details={"reason": "account disabled"})
    else:
        audit.record(audit.LOGIN_SUCCEEDED, user, target_type="user", target_id=user.id)
        login_addresses.note_login(user, audit.client_ip())
    db.session.commit()
    if user is not None and user.is_disabled:
        raise AccountDisabled()
    return user


def log_in(username: str, password: str, remember: bool, ip: str | None, user_agent: str | None) -> User | None:
    """A page login: the user with a new browser session (``user.get_id()`` is its key), or None."""
    user = authenticate(username, password)
    if user is not None:
        sessions.open_session(user, remember, ip, user_agent)
    return user


def _set_disabled(user: User, actor: User | None, disabled: bool) -> User:
    with write_transaction():
        changed = db.session.execute(
            update(User)
            .where(User.id == user.id, User.disabled_at.is_(None) if disabled else User.disabled_at.is_not(None))
            .values(disabled_at=utcnow() if disabled else None),
            execution_options={"synchronize_session": False},
        ).rowcount
        if changed:
            details = {"username": user.username}
            if disabled:
                details["sessions_ended"] = sessions.end_every_session(user)
            audit.record(audit.USER_DISABLED if disabled else audit.USER_ENABLED, actor,
                         target_type="user", target_id=user.id, details=details)
    db.session.refresh(user)
    return user


def disable_account(user: User, actor: User | None = None) -> User:
    """Refuse the account from now on: its logins and API tokens get 403 and its browser sessions end.

    ``actor`` is the administrator who did it (None from the command line). Disabling a disabled
    account changes nothing.
    """
    return _set_disabled(user, actor, True)


def enable_account(user: User, actor: User | None = None) -> User:
    """Let the account in again: its API tokens work again; its ended browser sessions stay ended."""
    return _set_disabled(user, actor, False)
