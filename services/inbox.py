"""What a user reads in the app: their own notifications and the announcements to everyone, each with
the user's read state; the bell's unread count; marking read; the announcements administrators post.

An announcement is one row for all users (``user_id`` null, ``is_global``); a user's read and dismissed
state of it is an ``AnnouncementRead`` made the first time they read or dismiss it. So posting to a
million users writes one row, and a user's list is their own rows plus the announcements not expired,
joined to their read marks. An expired announcement leaves every list (and the bell) at once.
"""
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from sqlalchemy import and_, exists, func, literal, or_, select, union_all, update
from sqlalchemy.orm import aliased

from core.bulk import insert_missing
from core.extensions import db
from core.ids import normalize_id
from core.limits import BANNERS_SHOWN, PAGE_OFFSET_MAX, UNREAD_COUNT_CAP
from core.timeutil import truncate_to_milliseconds, utcnow
from models import AnnouncementRead, Notification, User
from services import inputs
from services.admin import require_admin
from services.atomic import write_transaction
from services.errors import BadRequest, NotFound
from services.paging import Page, paginate, parse_flag

NOTIFICATION_NOT_FOUND = "Notification not found"
ANNOUNCEMENT = "ANNOUNCEMENT"
INFO = "INFO"


@dataclass(frozen=True)
class NotificationFilters:
    """What a list of notifications asks for (``?unread=true``)."""

    PARAMETERS: ClassVar[dict] = {"unread": ("Only the notifications you have not read", None)}
    unread: bool = False


def parse_filters(args) -> NotificationFilters:
    """``unread``: true or false (or 1 or 0, any case); empty or absent is false."""
    return NotificationFilters(unread=parse_flag(args, "unread"))


@dataclass(frozen=True)
class Seen:
    """A notification as one user sees it: the row and when that user read it (None: unread)."""

    notification: Notification
    read_at: datetime | None

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


def _live(now: datetime):
    """Announcements still on show: not expired."""
    return and_(Notification.user_id.is_(None), Notification.is_global.is_(True),
                or_(Notification.expires_at.is_(None), Notification.expires_at > now))


def _read_by(user: User):
    """The user's read mark of the announcement in the outer query (none: unread)."""
    return and_(AnnouncementRead.notification_id == Notification.id, AnnouncementRead.user_id == user.id,
                AnnouncementRead.read_at.is_not(None))


def _own(user: User, unread_only: bool):
    statement = select(Notification.id, Notification.created_at, Notification.read_at.label("seen_at")).where(
        Notification.user_id == user.id)
    return statement.where(Notification.read_at.is_(None)) if unread_only else statement


def _announced(user: User, now: datetime, unread_only: bool):
    mark = aliased(AnnouncementRead)
    statement = (select(Notification.id, Notification.created_at, mark.read_at.label("seen_at"))
                 .outerjoin(mark, and_(mark.notification_id == Notification.id, mark.user_id == user.id))
                 .where(_live(now)))
    return statement.where(mark.read_at.is_(None)) if unread_only else statement


def list_for(user: User, page: Page, filters: NotificationFilters = NotificationFilters()) -> tuple[list[Seen], int]:
    """The user's notifications and the announcements on show, newest first.

    The user's own rows and the announcements are two ranges of ``ix_notifications_user_created``
    (a user's, and the null user's); each gives at most the rows up to the end of the page, newest
    first, and only those are merged and sorted, so a page costs the same at 100,000 notifications as
    at 100. The total is two index counts in one statement.
    """
    now = utcnow()
    newest_first = (Notification.created_at.desc(), Notification.id.desc())
    wanted = min(page.offset + page.limit, PAGE_OFFSET_MAX)  # the largest LIMIT the databases take
    own = _own(user, filters.unread).order_by(*newest_first).limit(wanted).subquery()
    announced = _announced(user, now, filters.unread).order_by(*newest_first).limit(wanted).subquery()
    merged = union_all(select(own), select(announced)).subquery()
    rows = db.session.execute(
        select(Notification, merged.c.seen_at).join(merged, merged.c.id == Notification.id)
        .order_by(merged.c.created_at.desc(), merged.c.id.desc()).limit(page.limit).offset(page.offset)).all()
    total = db.session.scalar(select(
        select(func.count()).select_from(_own(user, filters.unread).subquery()).scalar_subquery()
        + select(func.count()).select_from(_announced(user, now, filters.unread).subquery()).scalar_subquery()))
    return [Seen(note, seen_at) for note, seen_at in rows], total


def unread_count(user: User, cap: int = UNREAD_COUNT_CAP) -> int:
    """How many notifications the user has not read, counted up to ``cap`` (the bell shows "99+" beyond).

    One statement; the user's own part is a range of ``ix_notifications_user_read`` that stops after
    ``cap`` entries, so it costs the same at a hundred thousand unread as at a hundred; each
    announcement on show is one look-up of the user's read mark by its primary key.
    """
    now = utcnow()
    own = (select(literal(1)).select_from(Notification)
           .where(Notification.user_id == user.id, Notification.read_at.is_(None)).limit(cap).subquery())
    announcements = (select(literal(1)).select_from(Notification)
                     .where(_live(now), ~exists().where(_read_by(user))).limit(cap).subquery())
    counted = select(select(func.count()).select_from(own).scalar_subquery()
                     + select(func.count()).select_from(announcements).scalar_subquery())
    return min(db.session.scalar(counted), cap)


def _visible(user: User, notification_id: str, now: datetime) -> Notification:
    """The user's own notification or an announcement on show; 404 for anything else."""
    canonical = normalize_id(notification_id)
    note = db.session.get(Notification, canonical) if canonical else None
    if note is None or not (note.user_id == user.id or (note.user_id is None and note.is_global and (
            note.expires_at is None or note.expires_at > now))):
        raise NotFound(NOTIFICATION_NOT_FOUND)
    return note


def _mark(user: User, note: Notification, now: datetime, dismiss: bool = False) -> datetime:
    """Mark ``note`` read for ``user`` (and dismissed, for an announcement); the first read time stays."""
    if note.user_id is not None:
        db.session.execute(update(Notification).where(Notification.id == note.id, Notification.read_at.is_(None))
                           .values(read_at=now, updated_at=now))
        return db.session.scalar(select(Notification.read_at).where(Notification.id == note.id))
    insert_missing(AnnouncementRead, [{"notification_id": note.id, "user_id": user.id, "read_at": now,
                                       "dismissed_at": now if dismiss else None}], ["notification_id", "user_id"])
    keys = (AnnouncementRead.notification_id == note.id, AnnouncementRead.user_id == user.id)
    db.session.execute(update(AnnouncementRead).where(*keys, AnnouncementRead.read_at.is_(None)).values(read_at=now))
    if dismiss:
        db.session.execute(update(AnnouncementRead).where(*keys, AnnouncementRead.dismissed_at.is_(None))
                           .values(dismissed_at=now))
    return db.session.scalar(select(AnnouncementRead.read_at).where(*keys))


def mark_read(user: User, notification_id: str) -> Seen:
    """Mark one notification read; reading it again keeps the first time. 404 if it is not the user's."""
    now = truncate_to_milliseconds(utcnow())
    with write_transaction():
        note = _visible(user, notification_id, now)
        read_at = _mark(user, note, now)
    return Seen(note, read_at)


def dismiss(user: User, notification_id: str) -> Seen:
    """Hide an announcement's banner for this user (it counts as read too)."""
    now = truncate_to_milliseconds(utcnow())
    with write_transaction():
        note = _visible(user, notification_id, now)
        read_at = _mark(user, note, now, dismiss=True)
    return Seen(note, read_at)


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the user read, announcements on show included; how many."""
    now = truncate_to_milliseconds(utcnow())
    with write_transaction():
        own = db.session.execute(
            update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
            .values(read_at=now, updated_at=now)).rowcount
        unread = db.session.scalars(select(Notification.id).where(_live(now), ~exists().where(_read_by(user)))).all()
        # Marks that exist (a dismissed banner is read already) are updated; the others made.
        db.session.execute(update(AnnouncementRead).where(
            AnnouncementRead.user_id == user.id, AnnouncementRead.notification_id.in_(unread),
            AnnouncementRead.read_at.is_(None)).values(read_at=now))
        insert_missing(AnnouncementRead, [{"notification_id": note_id, "user_id": user.id, "read_at": now,
                                           "dismissed_at": None} for note_id in unread],
                       ["notification_id", "user_id"])
    return own + len(unread)


def banners(user: User, most: int = BANNERS_SHOWN) -> list[Notification]:
    """The newest announcements on show that the user has not dismissed (``most`` of them)."""
    now = utcnow()
    dismissed = select(AnnouncementRead.notification_id).where(
        AnnouncementRead.user_id == user.id, AnnouncementRead.dismissed_at.is_not(None))
    return list(db.session.scalars(
        select(Notification).where(_live(now), Notification.id.not_in(dismissed))
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(most)))


def public_announcements(page: Page) -> tuple[list[Notification], int]:
    """Public announcements on show, for everyone, logged in or not; newest first."""
    statement = (select(Notification).where(_live(utcnow()), Notification.is_public.is_(True))
                 .order_by(Notification.created_at.desc(), Notification.id.desc()))
    rows, total = paginate(statement, page)
    return [note for (note,) in rows], total


# --- Announcements (administrators) --------------------------------------------------------------

def post_announcement(admin: User, title: str, message: str = "", type: str = ANNOUNCEMENT,
                      severity: str = INFO, is_public: bool = False,
                      expires_at: datetime | None = None) -> Notification:
    """An announcement to every user (and, when ``is_public``, to visitors not logged in)."""
    require_admin(admin)
    now = truncate_to_milliseconds(utcnow())
    title, message, type, severity, is_public, expires_at = inputs.checked(
        title=(inputs.NotificationTitle, title), message=(inputs.AnnouncementMessage, message),
        type=(inputs.NotificationType, type), severity=(inputs.Severity, severity), is_public=(bool, is_public),
        expires_at=(inputs.Maybe(inputs.Moment), expires_at))
    if expires_at is not None and expires_at <= now:
        raise BadRequest.for_field("expires_at", "must be in the future")
    with write_transaction():
        note = Notification(
            user_id=None, event=None, type=type, severity=severity, title=title, message=message,
            link=None, data={}, is_public=is_public, is_global=True,
            expires_at=truncate_to_milliseconds(expires_at) if expires_at else None,
            created_at=now, updated_at=now)
        db.session.add(note)
    return note


def announcements(admin: User, page: Page) -> tuple[list[Notification], int]:
    """Every announcement, expired ones included, newest first."""
    require_admin(admin)
    statement = (select(Notification).where(Notification.user_id.is_(None), Notification.is_global.is_(True))
                 .order_by(Notification.created_at.desc(), Notification.id.desc()))
    rows, total = paginate(statement, page)
    return [note for (note,) in rows], total


def expire_announcement(admin: User, notification_id: str) -> Notification:
    """End an announcement now: it leaves every list, banner and bell. Expiring it again changes nothing."""
    require_admin(admin)
    now = truncate_to_milliseconds(utcnow())
    with write_transaction():
        canonical = normalize_id(notification_id)
        note = db.session.get(Notification, canonical) if canonical else None
        if note is None or note.user_id is not None or not note.is_global:
            raise NotFound(NOTIFICATION_NOT_FOUND)
        if note.expires_at is None or note.expires_at > now:
            note.expires_at = now
            note.updated_at = now
    return note
