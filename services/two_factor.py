"""Two-factor login: a time-based code from an authenticator app (RFC 6238) after the password.

Setting up makes a secret and ten backup codes and shows them once; the first right code turns
two-factor on, which signs out every other browser session and revokes the API login tokens. From then
on a right password alone opens nothing: it makes a pending login (``temp_token``, single use,
``TWO_FACTOR_LOGIN_MINUTES``) that a code completes. A backup code stands in for a code, once each.

How the secrets are kept: the authenticator secret is encrypted (Fernet) with a key derived from
``SECRET_KEY``, so a copy of the database alone makes no codes (and changing ``SECRET_KEY`` means setting
two-factor up again); backup codes and temp_tokens are stored as SHA-256 digests only. A code is refused
again once accepted: the last accepted time step is kept, and only a later step passes.
"""
import base64
import hashlib
import hmac
import io
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import segno
from cryptography.fernet import Fernet
from flask import current_app
from sqlalchemy import delete, func, select, update
from werkzeug.security import check_password_hash

from core.extensions import db
from core.ids import is_valid_id
from core.limits import BACKUP_CODE_COUNT, TOTP_DIGITS, TOTP_DRIFT_STEPS, TOTP_STEP_SECONDS, TWO_FACTOR_LOGIN_MINUTES
from core.timeutil import isoformat, utcnow
from models import TwoFactorBackupCode, TwoFactorChallenge, TwoFactorCredential, User
from services import accounts, events, inputs, sessions, tokens
from services.atomic import write_transaction
from services.errors import AccountDisabled, Conflict, Forbidden, TwoFactorRequired, Unauthenticated
from services.notification_texts import SECURITY_TWO_FACTOR_CHANGED

ISSUER = "Servermarket"
METHOD = "totp"
WRONG_PASSWORD = "The password is not right"
WRONG_CODE = "The code is not right, or was used already"
CODE_NEEDED = "Give a code from your authenticator app"
LOGIN_EXPIRED = "This login has expired or was completed already: log in again"
NOT_ENABLED = "Two-factor login is not on"
ALREADY_ENABLED = "Two-factor login is already on"
NOT_SET_UP = "Start the two-factor setup first"


@dataclass(frozen=True)
class Status:
    enabled: bool
    verified: bool  # the setup was confirmed with a code (the same as enabled here: an unconfirmed one logs no one in)
    enabled_at: datetime | None
    backup_codes_remaining: int
    require_for_tokens: bool

    def as_dict(self) -> dict:
        return {"enabled": self.enabled, "verified": self.verified, "enabled_at": isoformat(self.enabled_at),
                "backup_codes_remaining": self.backup_codes_remaining, "require_for_tokens": self.require_for_tokens}


@dataclass(frozen=True)
class Setup:
    """What a person needs once to set up their app: shown at setup and never again."""

    manual_entry_key: str
    provisioning_uri: str
    backup_codes: list[str]

    @property
    def qr_code(self) -> str:
        return qr_data_url(self.provisioning_uri)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _fernet() -> Fernet:
    key = hashlib.sha256(b"two-factor-secret:" + current_app.config["SECRET_KEY"].encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _secret_of(credential: TwoFactorCredential) -> str:
    return _fernet().decrypt(credential.secret_encrypted.encode("ascii")).decode("ascii")


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_STEP_SECONDS, issuer=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of an ``otpauth://`` address, as an SVG document."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False, svgns=True)
    return buffer.getvalue().decode("utf-8")


def qr_data_url(uri: str) -> str:
    return segno.make(uri, error="m").svg_data_uri(scale=4, border=2)


def _credential(user: User) -> TwoFactorCredential | None:
    return _credential_of(user.id)


def _credential_of(user_id: str) -> TwoFactorCredential | None:
    return db.session.get(TwoFactorCredential, user_id, populate_existing=True)


def _enabled_credential(user: User) -> TwoFactorCredential:
    credential = _credential(user)
    if credential is None or credential.enabled_at is None:
        raise Conflict(NOT_ENABLED)
    return credential


def is_enabled(user: User) -> bool:
    return db.session.scalar(select(TwoFactorCredential.enabled_at).where(
        TwoFactorCredential.user_id == user.id)) is not None


def _backup_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(TwoFactorBackupCode).where(
        TwoFactorBackupCode.user_id == user.id, TwoFactorBackupCode.used_at.is_(None)))


def status(user: User) -> Status:
    credential = _credential(user)
    enabled = credential is not None and credential.enabled_at is not None
    return Status(enabled=enabled, verified=enabled, enabled_at=credential.enabled_at if enabled else None,
                  backup_codes_remaining=_backup_codes_left(user) if enabled else 0,
                  require_for_tokens=enabled and credential.require_for_tokens)


def _check_password(user: User, password) -> None:
    [password] = inputs.checked(password=(inputs.GivenPassword, password))
    if not check_password_hash(user.password_hash, password):
        raise Forbidden(WRONG_PASSWORD)


def _new_backup_codes(user: User) -> list[str]:
    """Fresh backup codes in place of any the user had; the plain codes, to be shown once."""
    db.session.execute(delete(TwoFactorBackupCode).where(TwoFactorBackupCode.user_id == user.id))
    codes = [f"{part[:5]}-{part[5:]}" for part in (secrets.token_hex(5) for _ in range(BACKUP_CODE_COUNT))]
    now = utcnow()
    db.session.add_all([TwoFactorBackupCode(user_id=user.id, code_hash=_digest(_plain_backup(code)), created_at=now)
                        for code in codes])
    return codes


def _plain_backup(code: str) -> str:
    return "".join(char for char in code.lower() if char.isalnum())


def begin_setup(user: User, password) -> Setup:
    """A new secret and backup codes, waiting for the first code (``confirm_setup``); an earlier
    unconfirmed setup is replaced. 409 when two-factor is on already: turn it off first."""
    _check_password(user, password)
    secret = pyotp.random_base32()
    with write_transaction():
        credential = _credential(user)
        if credential is not None and credential.enabled_at is not None:
            raise Conflict(ALREADY_ENABLED)
        if credential is None:
            credential = TwoFactorCredential(user_id=user.id)
            db.session.add(credential)
        credential.secret_encrypted = _fernet().encrypt(secret.encode("ascii")).decode("ascii")
        credential.created_at = utcnow()
        credential.last_used_step = None
        credential.require_for_tokens = False
        codes = _new_backup_codes(user)
    return Setup(secret, _totp(secret).provisioning_uri(name=user.username), codes)


def pending_setup_uri(user: User) -> str | None:
    """The ``otpauth://`` address of the setup waiting for its first code, for the page's QR image."""
    credential = _credential(user)
    if credential is None or credential.enabled_at is not None:
        return None
    return _totp(_secret_of(credential)).provisioning_uri(name=user.username)


def _matching_step(secret: str, code: str) -> int | None:
    """The time step ``code`` belongs to, within the drift allowed around now, or None."""
    if len(code) != TOTP_DIGITS or not code.isdigit():
        return None
    totp = _totp(secret)
    now_step = int(utcnow().timestamp()) // TOTP_STEP_SECONDS
    for step in range(now_step - TOTP_DRIFT_STEPS, now_step + TOTP_DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _use_code(credential: TwoFactorCredential, code, backup_allowed: bool = True) -> None:
    """Accept ``code`` (a time-based code, or a backup code when allowed) once, or raise 401
    ``TWO_FACTOR_REQUIRED``. A code is spent by a conditional update, so two requests with one code
    cannot both pass."""
    if code is None or code == "":
        raise TwoFactorRequired(CODE_NEEDED)
    [code] = inputs.checked(code=(inputs.OneTimeCode, code))
    code = code.replace(" ", "")
    step = _matching_step(_secret_of(credential), code)
    if step is not None:
        spent = db.session.execute(
            update(TwoFactorCredential)
            .where(TwoFactorCredential.user_id == credential.user_id,
                   TwoFactorCredential.last_used_step.is_(None) | (TwoFactorCredential.last_used_step < step))
            .values(last_used_step=step),
            execution_options={"synchronize_session": False}).rowcount
    elif backup_allowed:
        spent = db.session.execute(
            update(TwoFactorBackupCode)
            .where(TwoFactorBackupCode.user_id == credential.user_id, TwoFactorBackupCode.used_at.is_(None),
                   TwoFactorBackupCode.code_hash == _digest(_plain_backup(code)))
            .values(used_at=utcnow()),
            execution_options={"synchronize_session": False}).rowcount
    else:
        spent = 0
    if not spent:
        raise TwoFactorRequired(WRONG_CODE)


def _changed(user: User, change: str, data: dict | None = None) -> None:
    now = utcnow()
    events.emit(SECURITY_TWO_FACTOR_CHANGED, f"{SECURITY_TWO_FACTOR_CHANGED}:{user.id}:{change}:{isoformat(now)}",
                user_id=user.id, actor_id=user.id, subject=("user", user.id),
                data={"change": change, "at": isoformat(now), **(data or {})})


def confirm_setup(user: User, code, keep_session: str | None = None) -> tuple[datetime, int]:
    """Turn two-factor on with the first code from the app; returns when, and how many sessions and
    login tokens were ended (every browser session but ``keep_session``, every API login token)."""
    with write_transaction():
        credential = _credential(user)
        if credential is None:
            raise Conflict(NOT_SET_UP)
        if credential.enabled_at is not None:
            raise Conflict(ALREADY_ENABLED)
        _use_code(credential, code, backup_allowed=False)
        credential.enabled_at = utcnow()
        ended = sessions.revoke_other_sessions(user, keep_session) if keep_session else \
            sessions.end_every_session(user)
        _changed(user, "enabled")
    revoked = tokens.revoke_login_sessions(user)
    return credential.enabled_at, ended + revoked


def disable(user: User, password, code) -> None:
    """Turn two-factor off: the password and a code (or a backup code) are both needed."""
    _check_password(user, password)
    with write_transaction():
        credential = _enabled_credential(user)
        _use_code(credential, code)
        _remove(user, credential)


def reset(user: User) -> bool:
    """Turn two-factor off without a code, for an operator helping someone who lost their app and their
    backup codes (``flask users two-factor-off``); False when it was off."""
    with write_transaction():
        credential = _credential(user)
        if credential is None:
            return False
        _remove(user, credential)
    return True


def _remove(user: User, credential: TwoFactorCredential) -> None:
    db.session.execute(delete(TwoFactorBackupCode).where(TwoFactorBackupCode.user_id == user.id))
    db.session.execute(delete(TwoFactorChallenge).where(TwoFactorChallenge.user_id == user.id))
    db.session.delete(credential)
    if credential.enabled_at is not None:
        _changed(user, "disabled")


def regenerate_backup_codes(user: User, password, code) -> list[str]:
    """Ten new backup codes in place of the old ones (used or not), shown once."""
    _check_password(user, password)
    with write_transaction():
        credential = _enabled_credential(user)
        _use_code(credential, code)
        codes = _new_backup_codes(user)
        _changed(user, "backup_codes_regenerated")
    return codes


def set_token_gate(user: User, require_for_tokens: bool, code=None) -> Status:
    """Whether making an API token needs a code. Turning it off needs a code itself, so a stolen
    session cannot lift the gate."""
    with write_transaction():
        credential = _enabled_credential(user)
        if not require_for_tokens and credential.require_for_tokens:
            _use_code(credential, code)
        credential.require_for_tokens = require_for_tokens
    return status(user)


def check_token_gate(user: User, otp_code) -> None:
    """Before an API token is made: 401 ``TWO_FACTOR_REQUIRED`` unless the gate is off or ``otp_code``
    is a right code (a backup code counts, and is spent)."""
    credential = _credential(user)
    if credential is None or credential.enabled_at is None or not credential.require_for_tokens:
        return
    try:
        with write_transaction():
            _use_code(credential, otp_code)
    except TwoFactorRequired as refusal:
        raise TwoFactorRequired(refusal.message, [{"field": "otp_code", "message": refusal.message}]) from None


# --- Logging in with a code ----------------------------------------------------------------------

def start_login(user: User) -> str:
    """The temp_token of a login whose password was right and whose code is awaited."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    # The user's spent and expired pending logins go as a new one comes: they open nothing any more.
    db.session.execute(delete(TwoFactorChallenge).where(
        TwoFactorChallenge.user_id == user.id,
        TwoFactorChallenge.used_at.is_not(None) | (TwoFactorChallenge.expires_at <= now)))
    challenge = TwoFactorChallenge(user_id=user.id, secret_hash=_digest(secret), created_at=now,
                                   expires_at=now + timedelta(minutes=TWO_FACTOR_LOGIN_MINUTES))
    db.session.add(challenge)
    db.session.commit()
    return f"{challenge.id}.{secret}"


def _challenge(temp_token) -> TwoFactorChallenge:
    challenge_id, _, secret = temp_token.partition(".") if isinstance(temp_token, str) else ("", "", "")
    challenge = db.session.get(TwoFactorChallenge, challenge_id) if is_valid_id(challenge_id) and secret else None
    if challenge is None or not hmac.compare_digest(challenge.secret_hash, _digest(secret)) \
            or challenge.used_at is not None or challenge.expires_at <= utcnow():
        raise Unauthenticated(LOGIN_EXPIRED)
    return challenge


def finish_login(temp_token, code) -> User:
    """The user whose pending login ``temp_token`` names, once ``code`` is right; the token is spent.

    401 ``UNAUTHENTICATED`` for an unknown, used or expired temp_token; 401 ``TWO_FACTOR_REQUIRED`` for
    a wrong code, which leaves the pending login waiting for another try.
    """
    [temp_token] = inputs.checked(temp_token=(str, temp_token))
    challenge = _challenge(temp_token)
    with write_transaction():
        credential = _credential_of(challenge.user_id)
        if credential is None or credential.enabled_at is None:
            raise Unauthenticated(LOGIN_EXPIRED)
        _use_code(credential, code)
        spent = db.session.execute(
            update(TwoFactorChallenge)
            .where(TwoFactorChallenge.id == challenge.id, TwoFactorChallenge.used_at.is_(None))
            .values(used_at=utcnow()),
            execution_options={"synchronize_session": False}).rowcount
        if not spent:
            raise Unauthenticated(LOGIN_EXPIRED)
    user = db.session.get(User, challenge.user_id, populate_existing=True)
    if user.is_disabled:
        raise AccountDisabled()
    return user


# --- Logging in on the pages ---------------------------------------------------------------------

def log_in(username: str, password: str, remember: bool, ip: str | None,
           user_agent: str | None) -> tuple[User | None, str | None]:
    """A page login's first step: ``(user, None)`` with a browser session opened, ``(user, temp_token)``
    when a code must come first (no session yet), or ``(None, None)`` for wrong credentials."""
    user = accounts.authenticate(username, password)
    if user is None:
        return None, None
    if is_enabled(user):
        return user, start_login(user)
    sessions.open_session(user, remember, ip, user_agent)
    return user, None


def finish_page_login(temp_token, code, remember: bool, ip: str | None, user_agent: str | None) -> User:
    """A page login's second step: the user, with a browser session opened, once ``code`` is right."""
    user = finish_login(temp_token, code)
    sessions.open_session(user, remember, ip, user_agent)
    return user
