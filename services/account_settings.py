"""What users set on their own account: their name, the email address notifications go to (verified
by a link), which events reach them by email or in the app, and when a low balance warns them.

The account page and ``/api/v1/users/me`` both change settings through ``update_settings``, so both
check the same rules and give the same refusals. A change is all or nothing.
"""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.limits import VERIFY_EMAILS_PER_HOUR
from core.timeutil import utcnow
from models import EmailDelivery, User
from models.email import KIND_VERIFY_EMAIL
from services import inputs, mail, verification
from services.atomic import write_transaction
from services.errors import (
    EMAIL_ALREADY_VERIFIED,
    EMAIL_NOT_CONFIGURED,
    EMAIL_TAKEN,
    Conflict,
    TooManyRequests,
    Unauthenticated,
)
from services.notification_texts import EVENTS

INVALID_LINK = "This link is not valid or has expired: ask for a new one on your account page"


@dataclass(frozen=True)
class Preference:
    event: str
    label: str
    email: bool
    in_app: bool


def preferences_of(user: User) -> list[Preference]:
    """Every event's channels for ``user``, in the order of ``notification_texts.EVENTS``."""
    stored = user.notification_preferences or {}
    return [Preference(event, label, (stored.get(event) or {}).get("email", True) is not False,
                       (stored.get(event) or {}).get("in_app", True) is not False)
            for event, label in EVENTS.items()]


def _taken(user: User, address: str) -> bool:
    return db.session.scalar(
        select(User.id).where(func.lower(User.email) == address.lower(), User.id != user.id)) is not None


def _verification_wait(user: User) -> int:
    """Seconds until ``user`` may be sent another verification link (0: now)."""
    hour_ago = utcnow() - timedelta(hours=1)
    sent = db.session.scalars(
        select(EmailDelivery.created_at)
        .where(EmailDelivery.user_id == user.id, EmailDelivery.kind == KIND_VERIFY_EMAIL,
               EmailDelivery.created_at > hour_ago)
        .order_by(EmailDelivery.created_at.desc()).limit(VERIFY_EMAILS_PER_HOUR)
    ).all()
    if len(sent) < VERIFY_EMAILS_PER_HOUR:
        return 0
    return max(1, int((sent[-1] - hour_ago).total_seconds()) + 1)


# What each setting is (``None`` removes an address or a threshold).
_SETTINGS = {
    "alias": inputs.Alias,
    "email": inputs.Maybe(inputs.Email),
    "notification_preferences": inputs.NotificationPreferences,
    "low_balance_threshold_cents": inputs.Maybe(inputs.LowBalanceThreshold),
}


def _checked(changes: dict) -> dict:
    """The changes as their types make them (an address trimmed), or the 400 naming every bad one."""
    named = [name for name in _SETTINGS if name in changes]
    values = inputs.checked(**{name: (_SETTINGS[name], changes[name]) for name in named})
    return dict(zip(named, values))


def update_settings(user: User, changes: dict) -> User:
    """Apply ``changes`` (any of ``alias``, ``email``, ``notification_preferences``,
    ``low_balance_threshold_cents``), all or none.

    A new address is unverified, and a link that verifies it is emailed when the install sends email
    (unless ``VERIFY_EMAILS_PER_HOUR`` links went out in the last hour: then the address is saved and
    ``resend_verification`` says when to ask again); the same address in another case changes nothing.
    ``email`` null removes the address. Preferences are merged into the stored ones: an event or
    channel not named keeps its setting.
    """
    changes = _checked(changes)
    try:
        with write_transaction():
            user = db.session.get(User, user.id, populate_existing=True)
            if "alias" in changes:
                user.alias = changes["alias"]
            email = changes.get("email")
            if "email" in changes and (email or "").lower() != (user.email or "").lower():
                if email is not None and _taken(user, email):
                    raise Conflict("That email address belongs to another account", code=EMAIL_TAKEN)
                user.email = email
                user.email_verified_at = None
                db.session.flush()
                if email is not None and mail.is_configured() and not _verification_wait(user):
                    mail.queue_verification(user)
            if "notification_preferences" in changes:
                merged = {event: dict(channels) for event, channels in (user.notification_preferences or {}).items()}
                for event, channels in changes["notification_preferences"].items():
                    merged.setdefault(event, {}).update(channels)
                user.notification_preferences = merged
            if "low_balance_threshold_cents" in changes:
                user.low_balance_threshold_cents = changes["low_balance_threshold_cents"]
    except IntegrityError:
        raise Conflict("That email address belongs to another account", code=EMAIL_TAKEN) from None
    return user


def resend_verification(user: User) -> User:
    """Email a new link that verifies ``user``'s address."""
    user = db.session.get(User, user.id, populate_existing=True)
    if not mail.is_configured():
        raise Conflict("This server does not send email: notifications are shown in the app only",
                       code=EMAIL_NOT_CONFIGURED)
    if user.email is None:
        raise Conflict("You have no email address to verify: add one first")
    if user.email_verified_at is not None:
        raise Conflict(f"{user.email} is verified already", code=EMAIL_ALREADY_VERIFIED)
    with write_transaction():
        if wait := _verification_wait(user):
            raise TooManyRequests(f"{VERIFY_EMAILS_PER_HOUR} links were sent in the last hour: "
                                  f"try again in {(wait + 59) // 60} minutes", retry_after=wait)
        mail.queue_verification(user)
    return user


def verify_email(token) -> User:
    """Mark the address a link was sent to as verified. The link is the credential: a bad, expired or
    outdated one is refused as any bad credential is (401).
    A link followed twice verifies once and is fine the second time."""
    found = verification.read_token(token)
    user = db.session.get(User, found[0]) if found else None
    if user is None or (user.email or "").lower() != found[1]:
        raise Unauthenticated(INVALID_LINK)
    if user.email_verified_at is None:
        with write_transaction():
            user = db.session.get(User, user.id, populate_existing=True)
            if (user.email or "").lower() != found[1]:
                raise Unauthenticated(INVALID_LINK)
            user.email_verified_at = user.email_verified_at or utcnow()
    return user
