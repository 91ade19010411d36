"""What users set on their own account: their name, the email address notifications go to (verified
by a link), which events reach them by email or in the app, and when a low balance warns them.

The account page and ``/api/v1/users/me`` both change settings through ``update_settings``, so both
check the same rules and give the same refusals. A change is all or nothing.
"""
import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.limits import (
    ALIAS_MAX,
    EMAIL_MAX,
    EMAIL_PATTERN,
    LOW_BALANCE_THRESHOLD_MAX_CENTS,
    NOTIFICATION_CHANNELS,
    VERIFY_EMAILS_PER_HOUR,
)
from core.timeutil import utcnow
from models import EmailDelivery, User
from models.email import KIND_VERIFY_EMAIL
from services import mail, verification
from services.atomic import write_transaction
from services.errors import (
    EMAIL_ALREADY_VERIFIED,
    EMAIL_NOT_CONFIGURED,
    EMAIL_TAKEN,
    BadRequest,
    Conflict,
    TooManyRequests,
    Unauthenticated,
)
from services.notification_texts import EVENTS

_EMAIL_RE = re.compile(EMAIL_PATTERN)
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


def email_problem(address) -> str | None:
    if not isinstance(address, str):
        return "must be a string or null"
    if len(address) > EMAIL_MAX:
        return f"must be at most {EMAIL_MAX} characters"
    if not _EMAIL_RE.match(address) or "\x00" in address:
        return "must be an email address like name@example.com"
    return None


def _preferences_problems(value) -> list[dict]:
    if not isinstance(value, dict):
        return [{"field": "notification_preferences",
                 "message": 'must be an object like {"rental.expired": {"email": false, "in_app": true}}'}]
    problems = []
    for event, channels in value.items():
        field = f"notification_preferences.{event}"
        if event not in EVENTS:
            problems.append({"field": field, "message": f"is not an event; the events are {', '.join(EVENTS)}"})
        elif not isinstance(channels, dict):
            problems.append({"field": field, "message": 'must be an object like {"email": false, "in_app": true}'})
        else:
            for channel, on in channels.items():
                if channel not in NOTIFICATION_CHANNELS:
                    problems.append({"field": f"{field}.{channel}",
                                     "message": f"is not a channel; the channels are {', '.join(NOTIFICATION_CHANNELS)}"})
                elif not isinstance(on, bool):
                    problems.append({"field": f"{field}.{channel}", "message": "must be true or false"})
    return problems


def _threshold_problem(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        return "must be a whole number of cents or null"
    if not 0 <= value <= LOW_BALANCE_THRESHOLD_MAX_CENTS:
        return f"must be between 0 and {LOW_BALANCE_THRESHOLD_MAX_CENTS}"
    return None


def _alias_problem(value) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    if not value.strip():
        return "must not be empty"
    if "\x00" in value:
        return "must not contain NUL characters"
    if len(value.strip()) > ALIAS_MAX:
        return f"must be at most {ALIAS_MAX} characters"
    return None


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


def update_settings(user: User, changes: dict) -> User:
    """Apply ``changes`` (any of ``alias``, ``email``, ``notification_preferences``,
    ``low_balance_threshold_cents``), all or none.

    A new address is unverified, and a link that verifies it is emailed when the install sends email
    (unless ``VERIFY_EMAILS_PER_HOUR`` links went out in the last hour: then the address is saved and
    ``resend_verification`` says when to ask again); the same address in another case changes nothing. ``email`` null removes the address. Preferences
    are merged into the stored ones: an event or channel not named keeps its setting.
    """
    problems = []
    if "alias" in changes and (problem := _alias_problem(changes["alias"])):
        problems.append({"field": "alias", "message": problem})
    email = changes.get("email")
    if isinstance(email, str):
        email = email.strip() or None
    if email is not None and (problem := email_problem(email)):
        problems.append({"field": "email", "message": problem})
    if "notification_preferences" in changes:
        problems += _preferences_problems(changes["notification_preferences"])
    if "low_balance_threshold_cents" in changes \
            and (problem := _threshold_problem(changes["low_balance_threshold_cents"])):
        problems.append({"field": "low_balance_threshold_cents", "message": problem})
    if problems:
        raise BadRequest.for_fields(problems)

    try:
        with write_transaction():
            user = db.session.get(User, user.id, populate_existing=True)
            if "alias" in changes:
                user.alias = changes["alias"].strip()
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
