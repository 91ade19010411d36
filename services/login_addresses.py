"""The addresses each user logs in from, and ``security.new_login`` when a login comes from one the
account has not been used from before.

Every successful login (the login page and the API's) comes through ``note_login``, in the login's
own transaction. The first address an account is ever seen at is recorded without a word: there is
nothing to compare it with (a new account, or one from before addresses were kept), and telling
someone of the login they have just made teaches them to ignore these. Each later address is told
of once: the event is keyed by user and address, and the address is kept from then on.
"""
from sqlalchemy import select, update

from core.bulk import insert_missing
from core.extensions import db
from core.ids import new_id
from core.timeutil import isoformat, utcnow
from models import LoginAddress, User
from services import events
from services.notification_texts import SECURITY_NEW_LOGIN


def note_login(user: User, ip: str | None) -> bool:
    """Record that ``user`` logged in from ``ip``; True when that told them of a new address."""
    if not ip:
        return False  # not over HTTP (a test client without an address): nothing to compare
    now = utcnow()
    seen = db.session.execute(
        update(LoginAddress).where(LoginAddress.user_id == user.id, LoginAddress.ip == ip).values(last_seen_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    if seen:
        return False
    known_elsewhere = db.session.scalar(select(LoginAddress.id).where(LoginAddress.user_id == user.id).limit(1))
    added = insert_missing(LoginAddress, [{"id": new_id(), "user_id": user.id, "ip": ip, "first_seen_at": now,
                                           "last_seen_at": now}], ["user_id", "ip"])
    if not added or known_elsewhere is None:
        return False
    return events.emit(SECURITY_NEW_LOGIN, f"{SECURITY_NEW_LOGIN}:{user.id}:{ip}", user_id=user.id,
                       actor_id=user.id, subject=("user", user.id),
                       data={"ip": ip, "logged_in_at": isoformat(now)})
