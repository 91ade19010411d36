"""The events of pool memberships, told to the member concerned: an invitation received, a role
changed, a removal by someone else (leaving, or an invitation cancelled or declined, tells nobody).

Each is emitted inside the transaction of its action (``services.pools``), keyed by the membership
it speaks of, so that the action and its event commit or roll back together.
"""
from core.ids import new_id
from models import Membership, Pool, User
from services import events
from services.notification_texts import INVITATION_RECEIVED, POOL_MEMBER_REMOVED, POOL_ROLE_CHANGED


def _data(membership: Membership, pool: Pool, actor: User) -> dict:
    return {"pool_id": pool.id, "pool_name": pool.name, "membership_id": membership.id,
            "actor_id": actor.id, "actor_username": actor.username}


def invitation_received(invitation: Membership, pool: Pool, actor: User) -> None:
    events.emit(INVITATION_RECEIVED, f"{INVITATION_RECEIVED}:{invitation.id}", user_id=invitation.user_id,
                pool_id=pool.id, actor_id=actor.id, subject=("invitation", invitation.id),
                data={**_data(invitation, pool, actor), "invitation_id": invitation.id, "role": invitation.role})


def role_changed(member: Membership, pool: Pool, actor: User, role: str) -> None:
    """``member``'s role is about to become ``role``. Nothing to tell when it already is, nor to someone
    invited who has not joined (their invitation shows the role it offers)."""
    if member.role == role or not member.is_authorized:
        return
    # Every change of role is a happening of its own: the key only has to be unique.
    events.emit(POOL_ROLE_CHANGED, f"{POOL_ROLE_CHANGED}:{member.id}:{new_id()}", user_id=member.user_id,
                pool_id=pool.id, actor_id=actor.id, subject=("membership", member.id),
                data={**_data(member, pool, actor), "previous_role": member.role, "role": role})


def member_removed(member: Membership, pool: Pool, actor: User) -> None:
    events.emit(POOL_MEMBER_REMOVED, f"{POOL_MEMBER_REMOVED}:{member.id}", user_id=member.user_id,
                pool_id=pool.id, actor_id=actor.id, subject=("membership", member.id),
                data={**_data(member, pool, actor), "role": member.role})
