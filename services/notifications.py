"""In-app notifications: who hears of an event (``recipients``), whether they want to and how
(``wants``), and the consumer of the outbox that makes one notification per event and recipient.

The words come from ``services.notification_texts``; the pages and the API that show notifications
read the ``notifications`` table.
"""
from collections.abc import Sequence

from sqlalchemy import select

from core.bulk import insert_missing
from core.extensions import db
from core.ids import new_id
from core.limits import ROLE_ADMIN, ROLE_OWNER
from core.timeutil import utcnow
from models import Event, Membership, Notification, Pool, User
from services import events, notification_texts
from services.notification_texts import SPEND_REQUEST_CREATED

# Events emitted for webhooks only: the person they speak of did it themself and needs no notice.
IN_APP = "in_app"
EMAIL = "email"
CHANNELS = (IN_APP, EMAIL)
STATUS_UPDATE = "STATUS_UPDATE"


def wants(user: User, event_type: str, channel: str) -> bool:
    """Whether ``user`` wants to hear of ``event_type`` through ``channel`` (``in_app`` or ``email``).

    The one place that reads ``user.notification_preferences`` (``{"<event>": {"email": bool,
    "in_app": bool}}``): an event or a channel it does not name is on.
    """
    preference = (user.notification_preferences or {}).get(event_type) or {}
    return preference.get(channel, True) is not False


def recipients(event: Event) -> list[str]:
    """The ids of the people ``event`` concerns: its subject user (and the rental's renter when the
    event names one in ``data.renter_id``: an auto-renewal someone else pays); and, for an event of a
    rental in a pool that is not its renter's default pool, the pool's owner and admins. Each person
    once, the subject first. The administrators too for the events ``notification_texts.ALSO_TO_ADMINISTRATORS``
    names, only they for ``ONLY_TO_ADMINISTRATORS``, and nobody for ``WEBHOOK_ONLY``. A spend request
    asked for goes to the pool's owner and admins, not to its asker."""
    return recipients_of([event])[event.id]


def recipients_of(batch: Sequence[Event]) -> dict[str, list[str]]:
    """``recipients`` of every event of a batch, in two queries whatever its size."""
    pool_ids = {event.pool_id for event in batch if event.subject_type == "rental" and event.pool_id}
    pools = {}
    if pool_ids:
        pools = {pool.id: pool for pool in db.session.execute(
            select(Pool.id, Pool.owner_id, Pool.is_default).where(Pool.id.in_(pool_ids))).all()}

    def shared_pool(event: Event):
        """The event's pool when it is not its subject's own default pool (which concerns nobody else)."""
        pool = pools.get(event.pool_id) if event.subject_type == "rental" else None
        if pool is None or (pool.is_default and pool.owner_id == event.user_id):
            return None
        return pool

    shared = {pool.id for event in batch if (pool := shared_pool(event)) is not None}
    shared |= {event.pool_id for event in batch if event.type == SPEND_REQUEST_CREATED and event.pool_id}
    managers: dict[str, list[str]] = {}
    if shared:
        for pool_id, user_id in db.session.execute(
            select(Membership.pool_id, Membership.user_id)
            .where(Membership.pool_id.in_(shared), Membership.is_authorized.is_(True),
                   Membership.role.in_((ROLE_OWNER, ROLE_ADMIN)))
            .order_by(Membership.pool_id, Membership.role.desc(), Membership.joined_at, Membership.user_id)
        ).all():
            managers.setdefault(pool_id, []).append(user_id)
    administrators = _administrators() if any(
        event.type in notification_texts.ALSO_TO_ADMINISTRATORS | notification_texts.ONLY_TO_ADMINISTRATORS
        for event in batch) else []
    found = {}
    for event in batch:
        if event.type in notification_texts.WEBHOOK_ONLY:
            found[event.id] = []
            continue
        if event.type in notification_texts.ONLY_TO_ADMINISTRATORS:
            found[event.id] = list(administrators)
            continue
        if event.type == SPEND_REQUEST_CREATED:
            found[event.id] = [user_id for user_id in managers.get(event.pool_id, ()) if user_id != event.user_id]
            continue
        people = [event.user_id]
        if event.subject_type == "rental" and (event.data or {}).get("renter_id"):
            people.append(event.data["renter_id"])
        if (pool := shared_pool(event)) is not None:
            people += [pool.owner_id, *managers.get(pool.id, ())]
        if event.type in notification_texts.ALSO_TO_ADMINISTRATORS:
            people += administrators
        found[event.id] = list(dict.fromkeys(people))
    return found


def _administrators() -> list[str]:
    """The ids of the administrators whose accounts are enabled."""
    return list(db.session.scalars(
        select(User.id).where(User.is_admin.is_(True), User.disabled_at.is_(None)).order_by(User.id)))


@events.consumer
def notify_in_app(batch: Sequence[Event]) -> int:
    """One notification per event and recipient who wants it in the app; a second dispatch of the same
    event adds nothing (unique per event and user)."""
    people = recipients_of(batch)
    users = {user.id: user for user in db.session.scalars(
        select(User).where(User.id.in_({user_id for ids in people.values() for user_id in ids})))}
    now = utcnow()
    rows = []
    for event in batch:
        text = notification_texts.text_for(event)
        for user_id in people[event.id]:
            user = users.get(user_id)
            if user is None or not wants(user, event.type, IN_APP):
                continue  # the account is gone, or its owner does not want these
            rows.append({
                "id": new_id(), "user_id": user_id, "event_id": event.id, "event": event.type,
                "type": STATUS_UPDATE, "severity": text.severity, "title": text.title, "message": text.message,
                "link": text.link, "data": event.data, "is_public": False, "is_global": False, "expires_at": None,
                "created_at": now, "updated_at": now, "read_at": None,
            })
    return insert_missing(Notification, rows, ["event_id", "user_id"])
