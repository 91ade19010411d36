"""The events of pool memberships, told to the member concerned: an invitation received, a role
changed, a removal by someone else (leaving, or an invitation cancelled or declined, tells nobody);
and of a pool's handover: the offer, told to the member, and its answer, told to the owner.

Each is emitted inside the transaction of its action (``services.pools``), keyed by the membership
it speaks of, so that the action and its event commit or roll back together.
"""
from core.ids import new_id
from core.timeutil import isoformat
from models import Membership, Pool, TransferOffer, User
from services import events
from services.notification_texts import (
    INVITATION_RECEIVED,
    POOL_MEMBER_REMOVED,
    POOL_ROLE_CHANGED,
    POOL_TRANSFER_DECIDED,
    POOL_TRANSFER_OFFERED,
)


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


def _offer_data(offer: TransferOffer, pool: Pool, actor: User) -> dict:
    return {"pool_id": pool.id, "pool_name": pool.name, "offer_id": offer.id, "actor_id": actor.id,
            "actor_username": actor.username, "expires_at": isoformat(offer.expires_at)}


def transfer_offered(offer: TransferOffer, pool: Pool, owner: User) -> None:
    events.emit(POOL_TRANSFER_OFFERED, f"{POOL_TRANSFER_OFFERED}:{offer.id}", user_id=offer.to_user_id,
                pool_id=pool.id, actor_id=owner.id, subject=("transfer_offer", offer.id),
                data=_offer_data(offer, pool, owner))


def transfer_decided(offer: TransferOffer, pool: Pool, member: User, accepted: bool) -> None:
    """The member answered the owner's offer (an offer is answered once: the key is the offer's)."""
    events.emit(POOL_TRANSFER_DECIDED, f"{POOL_TRANSFER_DECIDED}:{offer.id}", user_id=offer.from_user_id,
                pool_id=pool.id, actor_id=member.id, subject=("transfer_offer", offer.id),
                data={**_offer_data(offer, pool, member), "accepted": accepted})


def member_joined(membership: Membership, member: User) -> None:
    """For the pool's webhooks: nobody is notified (the member did it; the pool page shows them)."""
    events.emit("pool.member_joined", f"pool.member_joined:{membership.id}", user_id=member.id,
                pool_id=membership.pool_id, actor_id=member.id, subject=("membership", membership.id),
                data={"pool_id": membership.pool_id, "membership_id": membership.id, "user_id": member.id,
                      "username": member.username, "role": membership.role})
