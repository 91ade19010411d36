"""Email: the notifications people asked to have by mail, and the links that verify an address.

The outbox's consumer ``email_notifications`` writes one ``EmailDelivery`` per event and recipient
whose address is verified and whose preferences send that event by email, and queues ``send_email``
for it when the dispatch commits. The job renders the message (the words of
``services.notification_texts``, a plain-text and an HTML part) and hands it to the server of
``SMTP_URL``. A server that is down fails the job, which is retried with growing waits and in the end
shown among the failed jobs; the action that caused the email was committed long before and stays.

Each message is sent once: the delivery row is unique per (event, recipient), a worker claims it for
``EMAIL_CLAIM_SECONDS`` before talking to the server, and ``sent_at`` marks it done, so a retried job,
a second worker or a second ``flask jobs tick`` sends nothing more. The Message-ID is the row's, the
same on every attempt. Without ``SMTP_URL`` nothing is written or sent: notifications stay in the app.
"""
import logging
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from sqlalchemy import and_, or_, select, update

from core import jobs
from core.bulk import insert_missing
from core.extensions import db
from core.ids import new_id
from core.limits import EMAIL_CLAIM_SECONDS, EMAIL_VERIFY_HOURS, SMTP_TIMEOUT_SECONDS
from core.timeutil import utcnow
from models import EmailDelivery, Event, User
from models.email import KIND_NOTIFICATION, KIND_VERIFY_EMAIL
from services import events, notification_texts, notifications, verification

logger = logging.getLogger(__name__)

# A delivery still unsent this long after it was written, and never tried, lost its job (a crash
# between the commit and the queue): the periodic check queues it again.
LOST_AFTER = timedelta(minutes=2)
LOST_BATCH = 1000


# Kinds of message other modules write, each with the function that composes it for a user:
# ``(message, None)``, or ``(None, why it is no longer to be sent)``.
_COMPOSERS: dict = {}


def composer(kind: str):
    """Register the function below as the one that composes messages of ``kind``."""
    def register(compose):
        _COMPOSERS[kind] = compose
        return compose
    return register


def is_configured() -> bool:
    """Whether the install sends email (``SMTP_URL`` is set); without it notifications are in the app only."""
    return bool(current_app.config.get("SMTP_URL"))


def path_for(endpoint: str, **values) -> str:
    """The path of a page, outside any request (a worker renders mail with no request to go by)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def absolute(path: str) -> str:
    """``/rentals/1`` -> ``https://servers.example.com/rentals/1`` (``PUBLIC_URL``)."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


# --- Writing what is to be sent --------------------------------------------------------------------

@events.consumer
def email_notifications(batch) -> int:
    """One email per event and recipient with a verified address whose preferences send it by email."""
    if not is_configured():
        return 0
    people = notifications.recipients_of(batch)
    wanted = {user_id for ids in people.values() for user_id in ids}
    users = {user.id: user for user in db.session.scalars(
        select(User).where(User.id.in_(wanted), User.email.is_not(None), User.email_verified_at.is_not(None),
                           User.disabled_at.is_(None)))}
    now = utcnow()
    rows = []
    for event in batch:
        for user_id in people[event.id]:
            user = users.get(user_id)
            if user is None or not notifications.wants(user, event.type, notifications.EMAIL):
                continue
            rows.append({"id": new_id(), "kind": KIND_NOTIFICATION, "user_id": user_id, "event_id": event.id,
                         "event": event.type, "to_address": user.email, "created_at": now, "attempts": 0})
    made = insert_missing(EmailDelivery, rows, ["event_id", "user_id"])
    for row in rows:
        # A row that existed already (a batch handed over again) makes a job that finds it sent or in hand.
        jobs.enqueue_after_commit(send_email, row["id"])
    return made


def queue(kind: str, user: User) -> EmailDelivery:
    """Write a message of ``kind`` to ``user``'s address, sent when the caller's transaction commits."""
    delivery = EmailDelivery(kind=kind, user_id=user.id, to_address=user.email, attempts=0, created_at=utcnow())
    db.session.add(delivery)
    db.session.flush()
    jobs.enqueue_after_commit(send_email, delivery.id)
    return delivery


def queue_verification(user: User) -> EmailDelivery:
    """Write a message with a link that verifies ``user``'s address, sent when the caller's
    transaction commits."""
    return queue(KIND_VERIFY_EMAIL, user)


# --- Sending ---------------------------------------------------------------------------------------

@jobs.task(retries=8, retry_delay=60, retry_backoff=2)
def send_email(delivery_id: str) -> str:
    """Send one message unless it was sent or another worker holds it; raises (and is retried) when the
    mail server refuses or cannot be reached."""
    now = utcnow()
    claimed = db.session.execute(
        update(EmailDelivery)
        .where(EmailDelivery.id == delivery_id, EmailDelivery.sent_at.is_(None), EmailDelivery.skipped.is_(None),
               or_(EmailDelivery.claimed_until.is_(None), EmailDelivery.claimed_until < now))
        .values(claimed_until=now + timedelta(seconds=EMAIL_CLAIM_SECONDS), attempts=EmailDelivery.attempts + 1,
                last_attempt_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.commit()
    if not claimed:
        return "already sent, skipped or being sent"
    delivery = db.session.get(EmailDelivery, delivery_id)
    try:
        message, skipped = _compose(delivery)
        if message is not None:
            _smtp_send(message)
    except Exception as error:
        db.session.rollback()
        _release(delivery_id, claimed_until=None, last_error=f"{type(error).__name__}: {error}"[:2000])
        logger.warning("Email %s to %s failed: %s", delivery_id, delivery.to_address, error)
        raise
    values = {"claimed_until": None, "last_error": None}
    if message is None:
        values["skipped"] = skipped
    else:
        values["sent_at"] = utcnow()
        values["subject"] = str(message["Subject"])[:300]
    _release(delivery_id, **values)
    return f"skipped: {skipped}" if message is None else "sent"


def _release(delivery_id: str, **values) -> None:
    db.session.execute(update(EmailDelivery).where(EmailDelivery.id == delivery_id).values(**values),
                       execution_options={"synchronize_session": False})
    db.session.commit()


@jobs.periodic(minutes=5)
def send_waiting_email() -> dict:
    """Queue again the messages whose job was lost: never run (a crash between the commit and the
    queue), or cut short while it held the message (its claim ran out with nothing sent). The retries
    of a job that failed are the queue's own: a failure releases the claim."""
    if not is_configured():
        return {}
    now = utcnow()
    ids = db.session.scalars(
        select(EmailDelivery.id)
        .where(EmailDelivery.sent_at.is_(None), EmailDelivery.skipped.is_(None),
               or_(and_(EmailDelivery.attempts == 0, EmailDelivery.created_at < now - LOST_AFTER),
                   EmailDelivery.claimed_until < now))
        .order_by(EmailDelivery.created_at).limit(LOST_BATCH)
    ).all()
    for delivery_id in ids:
        jobs.enqueue(send_email, delivery_id)
    return {"queued": len(ids)}


def _compose(delivery: EmailDelivery) -> tuple[EmailMessage | None, str | None]:
    """The message of ``delivery``, or None and why it is no longer to be sent."""
    if not is_configured():
        return None, "this server no longer sends email (SMTP_URL is unset)"
    user = db.session.get(User, delivery.user_id)
    if user is None or (user.email or "").lower() != delivery.to_address.lower():
        return None, "the address was changed before the message was sent"
    if (compose := _COMPOSERS.get(delivery.kind)) is not None:
        return compose(delivery, user)
    if delivery.kind == KIND_VERIFY_EMAIL:
        if user.email_verified_at is not None:
            return None, "the address was verified before the message was sent"
        return _verification_message(delivery, user), None
    if user.email_verified_at is None:
        return None, "the address lost its verification before the message was sent"
    event = db.session.get(Event, delivery.event_id)
    if event is None:
        return None, "the event is gone"
    return _notification_message(delivery, event, user), None


def _notification_message(delivery: EmailDelivery, event: Event, user: User) -> EmailMessage:
    text = notification_texts.text_for(event)
    context = {
        "user": user,
        "title": text.title,
        "message": text.message,
        "link": absolute(text.link or path_for("web.index")),
        "reason": notification_texts.reason(event, user.id),
        "preferences": absolute(path_for("web.account") + "#notifications"),
    }
    return build_message(delivery, text.title, "mail/notification", context)


def _verification_message(delivery: EmailDelivery, user: User) -> EmailMessage:
    token = verification.token_for(user.id, delivery.to_address)
    context = {
        "user": user,
        "link": absolute(path_for("web.verify_email", token=token)),
        "account": absolute(path_for("web.account")),
        "valid_for": f"{EMAIL_VERIFY_HOURS} hours",
    }
    return build_message(delivery, "Verify your email address", "mail/verify_email", context)


def build_message(delivery: EmailDelivery, subject: str, template: str, context: dict) -> EmailMessage:
    sender = current_app.config["MAIL_FROM"]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = delivery.to_address
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    # The same on every attempt, so a receiver can tell a message sent twice by a crash mid-send.
    message["Message-ID"] = f"<{delivery.id}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    if delivery.event:
        message["X-Servermarket-Event"] = delivery.event
    message.set_content(render_template(f"{template}.txt", **context))
    message.add_alternative(render_template(f"{template}.html", **context), subtype="html")
    return message


def _smtp_send(message: EmailMessage) -> None:
    """Hand ``message`` to the server of ``SMTP_URL``: TLS from the start for ``smtps://``; STARTTLS
    when a ``smtp://`` server offers it; a login when the URL has a user."""
    url = urlsplit(current_app.config["SMTP_URL"])
    host = url.hostname
    if url.scheme == "smtps":
        client = smtplib.SMTP_SSL(host, url.port or 465, timeout=SMTP_TIMEOUT_SECONDS,
                                  context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, url.port or 25, timeout=SMTP_TIMEOUT_SECONDS)
    with client:
        client.ehlo()
        if url.scheme == "smtp" and client.has_extn("starttls"):
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if url.username:
            client.login(unquote(url.username), unquote(url.password or ""))
        client.send_message(message)
