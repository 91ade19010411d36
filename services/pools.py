"""Pools, memberships and invitations: who may see and change a pool, and what each change does.

The owner holds a membership with role ``owner``; a membership with ``is_authorized`` false is a
pending invitation, and its id is the invitation id. An invitation is open until its ``expires_at``
(``INVITATION_TTL_DAYS`` after it is sent); after that it is gone from every list and count, cannot be
answered (410), and the user can be invited again. The owner may offer the pool to a member
(a ``TransferOffer``, open as long as an invitation): accepting makes the member the owner and the
old owner an admin.

Every change runs in ``write_transaction``. On PostgreSQL the changes that must not interleave
lock rows first, the pool before any membership so that two of them cannot deadlock: updating or
deleting a pool locks it exclusively; renting into it, inviting, changing a role and removing a
member lock it shared. Renting also holds the renter's membership (shared), and changing a role or
removing a member locks that membership exclusively. Whoever comes second waits, then sees what
the first did: a pool or membership that is gone is a 404, and a rental made first is moved out
with the others. Offering, accepting and declining a transfer lock the pool exclusively, like deleting
it: the owner changes in one transaction, and a member removed meanwhile takes the offer with them.
SQLite runs writers one at a time (``BEGIN IMMEDIATE``) and needs no row locks.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.limits import (
    INVITABLE_ROLES,
    ROLE_ADMIN,
    ROLE_OWNER,
    ROLE_USER,
)
from core.timeutil import utcnow
from models import AuditEvent, Membership, Pool, Rental, Server, TransferOffer, User
from services import accounts, audit, inputs, membership_events, team_billing
from services.atomic import write_transaction
from services.errors import (
    ALREADY_MEMBER,
    INVITATION_NOT_PENDING,
    NAME_TAKEN,
    BadRequest,
    Conflict,
    Forbidden,
    InvitationExpired,
    NotFound,
    PoolNotFound,
)
from services.inputs import Maybe
from services.paging import Page, paginate

POOL_NOT_FOUND = "Pool not found"
MEMBER_NOT_FOUND = "Member not found"
INVITATION_NOT_FOUND = "Invitation not found"
INVITATION_EXPIRED = "This invitation has expired; ask for a new one"
OFFER_NOT_FOUND = "No transfer of this pool is offered"
OFFER_EXPIRED = "This offer of the pool's ownership has expired"


def invitation_ttl() -> timedelta:
    """How long an invitation, or an offer of a pool, stays open (``INVITATION_TTL_DAYS``)."""
    return timedelta(days=current_app.config["INVITATION_TTL_DAYS"])


def _open_invitation(now: datetime):
    """A pending invitation whose time has not run out."""
    return and_(Membership.is_authorized.is_(False), Membership.expires_at > now)


# --- Permissions: the one place that says which role may do what -------------------------------

def may_update_pool(role: str) -> bool:
    return role == ROLE_OWNER


def may_delete_pool(role: str) -> bool:
    return role == ROLE_OWNER


def manages_members(role: str) -> bool:
    """Owners and admins invite and remove members; users only leave."""
    return role in (ROLE_OWNER, ROLE_ADMIN)


def invitable_roles(role: str) -> tuple[str, ...]:
    """Roles a member with ``role`` may give to someone they invite."""
    if role == ROLE_OWNER:
        return INVITABLE_ROLES
    if role == ROLE_ADMIN:
        return (ROLE_USER,)
    return ()


def may_change_roles(role: str) -> bool:
    return role == ROLE_OWNER


def may_extend_others_rentals(role: str | None) -> bool:
    """Owners and admins extend any rental in the pool; everyone extends their own."""
    return role in (ROLE_OWNER, ROLE_ADMIN)


def manages_webhooks(role: str | None) -> bool:
    """Owners and admins add, change and remove the pool's webhook endpoints."""
    return role in (ROLE_OWNER, ROLE_ADMIN)


def may_view_audit(role: str) -> bool:
    return role == ROLE_OWNER


def may_offer_transfer(role: str, pool: Pool) -> bool:
    """The owner offers a pool to a member; a default pool stays its owner's."""
    return role == ROLE_OWNER and not pool.is_default


def may_remove(actor: Membership, target: Membership) -> bool:
    if actor.user_id == target.user_id:
        return target.role != ROLE_OWNER  # leaving; the owner deletes the pool instead
    if actor.role == ROLE_OWNER:
        return True
    return actor.role == ROLE_ADMIN and target.role == ROLE_USER


# --- Reading ------------------------------------------------------------------------------------

@dataclass
class PoolSummary:
    pool: Pool
    role: str
    member_count: int
    server_count: int


@dataclass
class PoolDetail:
    pool: Pool
    role: str
    members: list  # (Membership, User), owner first; invitations that expired left out
    servers: list  # (Rental, Server) for rentals that have not ended
    transfer_offer: TransferOffer | None = None  # the open offer of the pool's ownership

    def member(self, user_id: str) -> User | None:
        return next((user for _, user in self.members if user.id == user_id), None)


@dataclass
class Invitation:
    membership: Membership
    pool: Pool
    invited_by: User | None


def _authorized_membership(user: User):
    return and_(Membership.user_id == user.id, Membership.is_authorized.is_(True))


def joined_pool_ids(user: User):
    """A subquery of the ids of the pools the user owns or has joined (pending invitations excluded)."""
    return select(Membership.pool_id).where(_authorized_membership(user))


def role_in_pool(user: User, pool_id: str) -> str | None:
    """The user's role in a pool they have joined, or None."""
    return db.session.scalar(
        select(Membership.role).where(Membership.pool_id == pool_id, _authorized_membership(user))
    )


def joined_pool(user: User, pool_id: str) -> Pool:
    """A pool the user owns or has joined; any other is a 404, as if it did not exist."""
    pool, _ = _access(user, pool_id)
    return pool


def default_pool(user: User) -> Pool:
    return db.session.scalar(select(Pool).where(Pool.owner_id == user.id, Pool.is_default.is_(True)))


def _access(user: User, pool_id: str, hold_membership: bool = False) -> tuple[Pool, Membership]:
    """The pool and the caller's membership; a pool the caller has not joined does not exist for them.

    ``hold_membership`` keeps the membership (shared) until the transaction ends, so the caller
    cannot be removed in the meantime.
    """
    statement = (
        select(Pool, Membership)
        .join(Membership, and_(Membership.pool_id == Pool.id, _authorized_membership(user)))
        .where(Pool.id == pool_id)
    )
    if hold_membership:
        statement = statement.with_for_update(read=True, of=Membership)
    row = db.session.execute(statement).first()
    if row is None:
        raise PoolNotFound(POOL_NOT_FOUND)
    return row.Pool, row.Membership


def _lock_pool(pool_id: str, exclusive: bool = False) -> None:
    """Lock the pool's row until the transaction ends (a no-op on SQLite); see the module's docstring."""
    db.session.execute(select(Pool.id).where(Pool.id == pool_id).with_for_update(read=not exclusive))


def lock_joined_pool(user: User, pool_id: str) -> Pool:
    """A pool the user has joined, to put a rental in: until the transaction ends, neither the pool
    can be deleted nor the user removed from it (either waits, then moves the rental out)."""
    _lock_pool(pool_id)
    pool, _ = _access(user, pool_id, hold_membership=True)
    return pool


def list_pools(user: User, page: Page, now: datetime | None = None) -> tuple[list[PoolSummary], int]:
    now = now or utcnow()
    member_count = (
        select(func.count(Membership.id))
        .where(Membership.pool_id == Pool.id, Membership.is_authorized.is_(True))
        .correlate(Pool)
        .scalar_subquery()
    )
    server_count = (
        select(func.count(Rental.id))
        .where(Rental.pool_id == Pool.id, Rental.hold_until > now)
        .correlate(Pool)
        .scalar_subquery()
    )
    statement = (
        select(Pool, Membership.role, member_count, server_count)
        .join(Membership, and_(Membership.pool_id == Pool.id, _authorized_membership(user)))
        .order_by(Pool.is_default.desc(), Pool.created_at, Pool.id)
    )
    rows, total = paginate(statement, page)
    return [PoolSummary(pool, role, members, servers) for pool, role, members, servers in rows], total


def get_pool(user: User, pool_id: str, now: datetime | None = None) -> PoolDetail:
    now = now or utcnow()
    pool, membership = _access(user, pool_id)
    members = list(db.session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.pool_id == pool.id, or_(Membership.is_authorized.is_(True), _open_invitation(now)))
        .order_by((Membership.role != ROLE_OWNER), Membership.is_authorized.desc(), Membership.invited_at,
                  Membership.id)
    ))
    servers = list(db.session.execute(
        select(Rental, Server)
        .join(Server, Server.id == Rental.server_id)
        .where(Rental.pool_id == pool.id, Rental.hold_until > now)
        .order_by(Rental.rental_start, Rental.id)
    ))
    offer = db.session.scalar(
        select(TransferOffer).where(TransferOffer.pool_id == pool.id, TransferOffer.expires_at > now))
    return PoolDetail(pool, membership.role, members, servers, offer)


def pending_invitations(user: User, page: Page) -> tuple[list[Invitation], int]:
    inviter = db.aliased(User)
    statement = (
        select(Membership, Pool, inviter)
        .join(Pool, Pool.id == Membership.pool_id)
        .outerjoin(inviter, inviter.id == Membership.invited_by_id)
        .where(Membership.user_id == user.id, _open_invitation(utcnow()))
        .order_by(Membership.invited_at.desc(), Membership.id)
    )
    rows, total = paginate(statement, page)
    return [Invitation(m, p, i) for m, p, i in rows], total


@dataclass
class Offer:
    offer: TransferOffer
    pool: Pool
    offered_by: User


def offers_to(user: User) -> list[Offer]:
    """The open offers of pools' ownership to ``user`` (one a pool, so few), newest first."""
    rows = db.session.execute(
        select(TransferOffer, Pool, User)
        .join(Pool, Pool.id == TransferOffer.pool_id)
        .join(User, User.id == TransferOffer.from_user_id)
        .where(TransferOffer.to_user_id == user.id, TransferOffer.expires_at > utcnow())
        .order_by(TransferOffer.offered_at.desc(), TransferOffer.id)
    )
    return [Offer(offer, pool, by) for offer, pool, by in rows]


def pending_invitation_count(user: User) -> int:
    return db.session.scalar(
        select(func.count(Membership.id)).where(Membership.user_id == user.id, _open_invitation(utcnow()))
    )


def audit_events(user: User, pool_id: str, page: Page) -> tuple[list[AuditEvent], int]:
    """A pool's audit events, newest first: for its owner; 403 for other members, 404 for everyone else."""
    role = role_in_pool(user, pool_id)
    if role is None:
        raise PoolNotFound(POOL_NOT_FOUND)
    if not may_view_audit(role):
        raise Forbidden("Only the pool owner can see the pool's audit log")
    statement = (
        select(AuditEvent)
        .where(AuditEvent.pool_id == pool_id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    rows, total = paginate(statement, page)
    return [event for (event,) in rows], total


# --- Changing pools -----------------------------------------------------------------------------

def _name_taken(name: str) -> Conflict:
    return Conflict(f"You already have a pool named {name}", code=NAME_TAKEN)


def create_pool(user: User, name: str, description: str | None = None, settings: dict | None = None) -> Pool:
    name, description, settings = inputs.checked(name=(inputs.PoolName, name),
                                                 description=(Maybe(inputs.PoolDescription), description),
                                                 settings=(Maybe(inputs.PoolSettings), settings))
    settings = settings or {}
    try:
        with write_transaction():
            if db.session.scalar(select(Pool.id).where(Pool.owner_id == user.id, Pool.name == name)):
                raise _name_taken(name)
            now = utcnow()
            pool = Pool(owner_id=user.id, name=name, description=description or "", is_default=False,
                        settings=settings, created_at=now, updated_at=now)
            db.session.add(pool)
            db.session.flush()
            db.session.add(Membership(pool_id=pool.id, user_id=user.id, role=ROLE_OWNER, is_authorized=True,
                                      invited_at=now, joined_at=now))
            audit.record(audit.POOL_CREATED, user, pool.id, "pool", pool.id, {"name": name})
    except IntegrityError:
        raise _name_taken(name) from None
    return pool


def update_pool(user: User, pool_id: str, changes: dict) -> Pool:
    """Apply ``description`` and/or ``settings``; nothing else of a pool changes after it is made."""
    inputs.checked(description=(Maybe(inputs.PoolDescription), changes.get("description")),
                   settings=(Maybe(inputs.PoolSettings), changes.get("settings")))
    with write_transaction():
        _lock_pool(pool_id, exclusive=True)
        pool, membership = _access(user, pool_id)
        if not may_update_pool(membership.role):
            raise Forbidden("Only the pool owner can update the pool")
        if "settings" in changes:
            pool.settings = changes["settings"]
        if "description" in changes:
            pool.description = changes["description"] or ""
        if changes:
            pool.updated_at = utcnow()
            audit.record(audit.POOL_UPDATED, user, pool.id, "pool", pool.id, {"changed": sorted(changes)})
    return pool


def _move_rentals_to_default_pools(pool_id: str, user_id: str | None = None) -> None:
    """Rentals leaving a pool go back to their renter's default pool."""
    default_pool = (
        select(Pool.id)
        .where(Pool.owner_id == Rental.user_id, Pool.is_default.is_(True))
        .correlate(Rental)
        .scalar_subquery()
    )
    statement = update(Rental).where(Rental.pool_id == pool_id)
    if user_id is not None:
        statement = statement.where(Rental.user_id == user_id)
    db.session.execute(statement.values(pool_id=default_pool), execution_options={"synchronize_session": False})


def delete_pool(user: User, pool_id: str) -> None:
    with write_transaction():
        # Exclusive: a rent into the pool that came first is finished (and its rental moved below);
        # one that comes later waits, then finds no pool.
        _lock_pool(pool_id, exclusive=True)
        pool, membership = _access(user, pool_id)
        if not may_delete_pool(membership.role):
            raise Forbidden("Only the pool owner can delete the pool")
        if pool.is_default:
            raise BadRequest("The default pool cannot be deleted")
        _move_rentals_to_default_pools(pool.id)
        team_billing.before_pool_deleted(pool, user)
        db.session.execute(delete(Membership).where(Membership.pool_id == pool.id))
        db.session.execute(delete(Pool).where(Pool.id == pool.id))
        audit.record(audit.POOL_DELETED, user, pool.id, "pool", pool.id, {"name": pool.name})
    db.session.expunge_all()


# --- Members and invitations --------------------------------------------------------------------

def invite_member(user: User, pool_id: str, username: str, role: str) -> Membership:
    inputs.checked(username=(inputs.Username, username), role=(inputs.InvitableRole, role))
    try:
        with write_transaction():
            return _invite(user, pool_id, username, role)
    except IntegrityError:
        raise Conflict("That user has already been invited to this pool", code=ALREADY_MEMBER) from None


def _invite(user: User, pool_id: str, username: str, role: str) -> Membership:
    _lock_pool(pool_id)  # the pool stays until the invitation is written
    pool, membership = _access(user, pool_id)
    allowed = invitable_roles(membership.role)
    if not allowed:
        raise Forbidden("Only the pool owner or an admin can invite members")
    if role not in allowed:
        raise Forbidden("Only the pool owner can invite admins")
    # The invitee and their membership come in one query, so an unknown username (404) costs what a known one does.
    row = db.session.execute(
        select(User, Membership)
        .outerjoin(Membership, and_(Membership.user_id == User.id, Membership.pool_id == pool.id))
        .where(accounts.named(username))
    ).first()
    if row is None:
        raise NotFound("User not found")
    invitee, existing = row
    now = utcnow()
    if existing is not None and not existing.is_authorized and existing.expires_at <= now:
        # An invitation that ran out is no more: the new one takes its place (and gets an id of its own).
        db.session.execute(delete(Membership).where(Membership.id == existing.id),
                           execution_options={"synchronize_session": False})
        db.session.expunge(existing)
        existing = None
    if existing is not None:
        if existing.role == ROLE_OWNER:
            raise Conflict("That user owns this pool", code=ALREADY_MEMBER)
        if existing.is_authorized:
            raise Conflict("That user is already a member of this pool", code=ALREADY_MEMBER)
        raise Conflict("That user has already been invited to this pool", code=ALREADY_MEMBER)
    invitation = Membership(pool_id=pool.id, user_id=invitee.id, role=role, is_authorized=False,
                            invited_by_id=user.id, invited_at=now, expires_at=now + invitation_ttl())
    db.session.add(invitation)
    audit.record(audit.INVITATION_SENT, user, pool.id, "user", invitee.id,
                 {"username": invitee.username, "role": role})
    db.session.flush()
    membership_events.invitation_received(invitation, pool, user)
    return invitation


def _own_invitation(user: User, invitation_id: str) -> Membership:
    invitation = db.session.get(Membership, invitation_id)
    if invitation is None or invitation.user_id != user.id:
        raise NotFound(INVITATION_NOT_FOUND)
    return invitation


def _not_answered(invitation_id: str) -> Exception:
    """Why a conditional answer to an invitation changed nothing, as it stands now."""
    authorized = db.session.scalar(select(Membership.is_authorized).where(Membership.id == invitation_id))
    if authorized is None:
        return NotFound(INVITATION_NOT_FOUND)
    if authorized:
        return Conflict("This invitation is no longer pending", code=INVITATION_NOT_PENDING)
    return InvitationExpired(INVITATION_EXPIRED)


def accept_invitation(user: User, invitation_id: str) -> Membership:
    with write_transaction():
        invitation = _own_invitation(user, invitation_id)
        accepted = db.session.execute(
            update(Membership)
            .where(Membership.id == invitation.id, _open_invitation(utcnow()))
            .values(is_authorized=True, joined_at=utcnow()),
            execution_options={"synchronize_session": False},
        ).rowcount
        if not accepted:
            raise _not_answered(invitation.id)
        audit.record(audit.INVITATION_ACCEPTED, user, invitation.pool_id, "user", user.id,
                     {"username": user.username, "role": invitation.role})
        membership_events.member_joined(invitation, user)
    db.session.refresh(invitation)
    return invitation


def reject_invitation(user: User, invitation_id: str) -> None:
    with write_transaction():
        invitation = _own_invitation(user, invitation_id)
        rejected = db.session.execute(
            delete(Membership).where(Membership.id == invitation.id, _open_invitation(utcnow())),
            execution_options={"synchronize_session": False},
        ).rowcount
        if not rejected:
            raise _not_answered(invitation.id)
        audit.record(audit.INVITATION_REJECTED, user, invitation.pool_id, "user", user.id,
                     {"username": user.username, "role": invitation.role})
    db.session.expunge_all()


def _member_for_update(pool: Pool, user_id: str) -> Membership:
    """The member's membership, locked until the transaction ends: a concurrent rent by them into
    the pool finishes first, or waits and then finds them gone."""
    member = db.session.scalar(
        select(Membership).where(Membership.pool_id == pool.id, Membership.user_id == user_id).with_for_update()
    )
    if member is None:
        raise NotFound(MEMBER_NOT_FOUND)
    return member


def _username(user_id: str) -> str | None:
    return db.session.scalar(select(User.username).where(User.id == user_id))


def change_member_role(user: User, pool_id: str, member_user_id: str, role: str) -> Membership:
    inputs.checked(role=(inputs.InvitableRole, role))
    with write_transaction():
        _lock_pool(pool_id)
        pool, membership = _access(user, pool_id)
        if not may_change_roles(membership.role):
            raise Forbidden("Only the pool owner can change member roles")
        member = _member_for_update(pool, member_user_id)
        if member.role == ROLE_OWNER:
            raise BadRequest("The pool owner's role cannot be changed")
        audit.record(audit.MEMBER_ROLE_CHANGED, user, pool.id, "user", member.user_id,
                     {"username": _username(member.user_id), "from": member.role, "to": role})
        membership_events.role_changed(member, pool, user, role)
        member.role = role
    return member


def remove_member(user: User, pool_id: str, member_user_id: str) -> None:
    """Remove a member, cancel an invitation, or leave (a member removing themself)."""
    with write_transaction():
        _lock_pool(pool_id)
        pool, membership = _access(user, pool_id)
        if member_user_id != user.id and not manages_members(membership.role):
            raise Forbidden("Only the pool owner or an admin can remove members")
        member = _member_for_update(pool, member_user_id)
        if not may_remove(membership, member):
            if member.role == ROLE_OWNER and member.user_id == user.id:
                raise BadRequest("The pool owner cannot leave the pool; delete the pool instead")
            if member.role == ROLE_OWNER:
                raise Forbidden("The pool owner cannot be removed")
            raise Forbidden("Admins can remove only members with the user role")
        _move_rentals_to_default_pools(pool.id, member.user_id)
        db.session.execute(delete(Membership).where(Membership.id == member.id),
                           execution_options={"synchronize_session": False})
        # An offer of the pool to them goes with them.
        db.session.execute(delete(TransferOffer).where(TransferOffer.pool_id == pool.id,
                                                       TransferOffer.to_user_id == member.user_id),
                           execution_options={"synchronize_session": False})
        if not member.is_authorized:
            action = audit.INVITATION_CANCELLED
        else:
            action = audit.MEMBER_LEFT if member.user_id == user.id else audit.MEMBER_REMOVED
        audit.record(action, user, pool.id, "user", member.user_id,
                     {"username": _username(member.user_id), "role": member.role})
        if action == audit.MEMBER_REMOVED:
            membership_events.member_removed(member, pool, user)
    db.session.expunge_all()


# --- Handing a pool over ------------------------------------------------------------------------

def offer_transfer(user: User, pool_id: str, member_user_id: str) -> TransferOffer:
    """The owner offers the pool to one of its members; an offer still open is replaced."""
    (member_user_id,) = inputs.checked(user_id=(inputs.ObjectId, member_user_id))
    with write_transaction():
        # Exclusive, as an accept is: two offers, or an offer and its answer, come one after the other.
        _lock_pool(pool_id, exclusive=True)
        pool, membership = _access(user, pool_id)
        if membership.role != ROLE_OWNER:
            raise Forbidden("Only the pool owner can transfer the pool")
        if pool.is_default:
            raise BadRequest("The default pool cannot be transferred")
        if member_user_id == user.id:
            raise BadRequest.for_field("user_id", "is you: offer the pool to another member")
        member = db.session.execute(
            select(Membership, User).join(User, User.id == Membership.user_id)
            .where(Membership.pool_id == pool.id, Membership.user_id == member_user_id,
                   Membership.is_authorized.is_(True))
        ).first()
        if member is None:
            raise NotFound(MEMBER_NOT_FOUND)
        _refuse_name_taken(pool, member_user_id, f"{member.User.username} already owns a pool named {pool.name}")
        db.session.execute(delete(TransferOffer).where(TransferOffer.pool_id == pool.id),
                           execution_options={"synchronize_session": False})
        now = utcnow()
        offer = TransferOffer(pool_id=pool.id, from_user_id=user.id, to_user_id=member_user_id, offered_at=now,
                              expires_at=now + invitation_ttl())
        db.session.add(offer)
        db.session.flush()
        audit.record(audit.TRANSFER_OFFERED, user, pool.id, "user", member_user_id,
                     {"username": member.User.username, "expires_at": offer.expires_at.isoformat()})
        membership_events.transfer_offered(offer, pool, user)
    return offer


def _refuse_name_taken(pool: Pool, new_owner_id: str, message: str) -> None:
    """Names are unique among an owner's pools: the new owner must not have one of this name."""
    if db.session.scalar(select(Pool.id).where(Pool.owner_id == new_owner_id, Pool.name == pool.name)):
        raise Conflict(message, code=NAME_TAKEN)


def _offer_to(user: User, pool_id: str) -> tuple[Pool, Membership, TransferOffer]:
    """The pool, the caller's membership and the open offer of the pool to them, the pool locked.

    A pool the caller has not joined is a 404, as is a pool with no offer; an offer to another
    member is theirs to answer (403); one whose time ran out is a 410.
    """
    _lock_pool(pool_id, exclusive=True)
    pool, membership = _access(user, pool_id)
    offer = db.session.scalar(select(TransferOffer).where(TransferOffer.pool_id == pool.id))
    if offer is None:
        raise NotFound(OFFER_NOT_FOUND)
    if offer.to_user_id != user.id:
        raise Forbidden("This offer is for another member")
    if offer.expires_at <= utcnow():
        raise InvitationExpired(OFFER_EXPIRED)
    return pool, membership, offer


def accept_transfer(user: User, pool_id: str) -> Pool:
    """The member the pool was offered to becomes its owner; the old owner stays, as an admin."""
    try:
        with write_transaction():
            pool, membership, offer = _offer_to(user, pool_id)
            _refuse_name_taken(pool, user.id, f"You already own a pool named {pool.name}")
            previous = db.session.scalar(
                select(Membership).where(Membership.pool_id == pool.id, Membership.role == ROLE_OWNER)
                .with_for_update())
            previous_owner = db.session.get(User, pool.owner_id)
            previous.role = ROLE_ADMIN
            membership.role = ROLE_OWNER
            pool.owner_id = user.id
            pool.updated_at = utcnow()
            db.session.delete(offer)
            audit.record(audit.TRANSFER_ACCEPTED, user, pool.id, "user", user.id,
                         {"username": user.username, "previous_owner": previous_owner.username})
            membership_events.transfer_decided(offer, pool, user, accepted=True)
    except IntegrityError:  # a pool of that name made by the member meanwhile
        raise Conflict("You already own a pool of this name", code=NAME_TAKEN) from None
    return pool


def decline_transfer(user: User, pool_id: str) -> None:
    with write_transaction():
        pool, _, offer = _offer_to(user, pool_id)
        db.session.delete(offer)
        audit.record(audit.TRANSFER_DECLINED, user, pool.id, "user", user.id, {"username": user.username})
        membership_events.transfer_decided(offer, pool, user, accepted=False)
