"""Pools, Pool Invitations and Pool Members."""
from flask import request

from services import pools
from services.errors import ALREADY_MEMBER, FORBIDDEN, INVITATION_EXPIRED, INVITATION_NOT_PENDING, NAME_TAKEN
from services.paging import parse_page
from views.api import api
from views.api import examples as ex
from views.api import serializers as out
from views.api.audit_serializers import audit_event
from views.api.operations import operation
from views.api.response_schemas import (
    AuditEvent,
    MemberInvited,
    PendingInvitation,
    PoolCreated,
    PoolDetail,
    PoolSummary,
    Success,
    TransferOffer,
)
from views.api.schemas import ChangeRoleBody, CreatePoolBody, InviteMemberBody, TransferBody, UpdatePoolBody
from views.api.support import api_user

POOL_LINKS = {endpoint: {"pool_id": "$response.body#/data/id"}
              for endpoint in ("api.get_pool", "api.update_pool", "api.delete_pool", "api.pool_audit")}


@api.get("/pools")
@operation(
    permission="projects.read",
    tag="Pools", summary="List your pools", message="Pools retrieved successfully", data=list[PoolSummary],
    paged=True, example=ex.POOLS,
    description="Pools the caller owns or has joined, the default pool first, then from oldest to newest.",
)
def list_pools():
    summaries, total = pools.list_pools(api_user(), parse_page(request.args))
    return [out.pool_summary(s) for s in summaries], total


@api.get("/pools/invitations/pending")
@operation(permission="projects.read",
           tag="Pool Invitations", summary="List your pending invitations",
           message="Pending invitations retrieved successfully", data=list[PendingInvitation], paged=True,
           example=ex.PENDING_INVITATIONS)
def pending_invitations():
    invitations, total = pools.pending_invitations(api_user(), parse_page(request.args))
    return [out.invitation(i) for i in invitations], total


@api.get("/pools/<pool_id>")
@operation(
    permission="projects.read",
    tag="Pools", summary="Get a pool with its members and servers", message="Pool retrieved successfully",
    data=PoolDetail, example=ex.POOL_DETAIL, error_examples=ex.POOL_NOT_FOUND,
    description="For the owner and joined members; 404 for anyone else. Members: the owner, then joined members, "
                "then pending invitations (`is_authorized: false`, `joined_at: null`). Servers: the pool's "
                "rentals that have not ended.",
)
def get_pool(pool_id):
    return out.pool_detail(pools.get_pool(api_user(), pool_id))


@api.post("/pools")
@operation(
    permission="projects.create",
    tag="Pools", summary="Create a pool", message="Pool created successfully", status=201, body=CreatePoolBody,
    data=PoolCreated, errors=(NAME_TAKEN,), body_example=ex.CREATE_POOL_BODY, example=ex.POOL_CREATED,
    error_examples=ex.CREATE_POOL_REFUSALS, links=POOL_LINKS,
    description="Names are unique per owner (409), compared after trimming surrounding spaces. `settings` is a "
                "JSON object of at most 10 KB.",
)
def create_pool(body: CreatePoolBody):
    return out.pool_created(pools.create_pool(api_user(), body.name, body.description, body.settings))


# The published client sends PUT where the reference says PATCH; both mean the same here.
@api.route("/pools/<pool_id>", methods=["PATCH", "PUT"])
@operation(
    permission="projects.update",
    tag="Pools", summary="Update a pool's description and settings", message="Pool updated successfully",
    body=UpdatePoolBody, data=Success, errors=(FORBIDDEN,), body_example=ex.UPDATE_POOL_BODY, example=ex.SUCCESS,
    error_examples=ex.UPDATE_POOL_REFUSALS,
    description="Owner only. PATCH and PUT do the same. Only the fields sent change; `description: null` clears "
                "the description. Other fields are ignored.",
)
def update_pool(pool_id, body: UpdatePoolBody):
    pools.update_pool(api_user(), pool_id, body.changes())
    return out.SUCCESS


@api.delete("/pools/<pool_id>")
@operation(
    permission="projects.delete",
    tag="Pools", summary="Delete a pool", message="Pool deleted successfully", data=Success, errors=(FORBIDDEN,),
    example=ex.SUCCESS, error_examples=ex.DELETE_POOL_REFUSALS,
    description="Owner only; the default pool cannot be deleted (400). Its rentals go back to each renter's "
                "default pool.",
)
def delete_pool(pool_id):
    pools.delete_pool(api_user(), pool_id)
    return out.SUCCESS


@api.post("/pools/<invitation_id>/accept")
@operation(
    permission="projects.members.invite",
    tag="Pool Invitations", summary="Accept an invitation", message="Invitation accepted successfully",
    data=Success, errors=(INVITATION_NOT_PENDING, INVITATION_EXPIRED), example=ex.SUCCESS,
    error_examples=ex.INVITATION_REFUSALS,
    description="The invitee only (404 for anyone else); 409 if it was already accepted; 410 after its "
                "`expires_at`.",
)
def accept_invitation(invitation_id):
    pools.accept_invitation(api_user(), invitation_id)
    return out.SUCCESS


@api.post("/pools/<invitation_id>/reject")
@operation(
    permission="projects.members.invite",
    tag="Pool Invitations", summary="Reject an invitation", message="Invitation rejected successfully",
    data=Success, errors=(INVITATION_NOT_PENDING, INVITATION_EXPIRED), example=ex.SUCCESS,
    error_examples=ex.INVITATION_REFUSALS,
    description="The invitee only (404 for anyone else); the invitation is removed. 409 if it was already "
                "accepted; 410 after its `expires_at`.",
)
def reject_invitation(invitation_id):
    pools.reject_invitation(api_user(), invitation_id)
    return out.SUCCESS


@api.post("/pools/<pool_id>/members")
@operation(
    permission="projects.members.invite",
    tag="Pool Members", summary="Invite a user to a pool", message="Member invited successfully", status=201,
    body=InviteMemberBody, data=MemberInvited, errors=(FORBIDDEN, ALREADY_MEMBER),
    body_example=ex.INVITE_MEMBER_BODY, example=ex.MEMBER_INVITED, error_examples=ex.INVITE_MEMBER_REFUSALS,
    description="The owner invites admins and users; admins invite users. 404 if the username does not exist; "
                "409 if that user owns the pool, is a member or is already invited.",
)
def invite_member(pool_id, body: InviteMemberBody):
    return out.member_invited(pools.invite_member(api_user(), pool_id, body.username, body.role))


@api.route("/pools/<pool_id>/members/<user_id>", methods=["PATCH", "PUT"])
@operation(
    permission="projects.members.change_roles",
    tag="Pool Members", summary="Change a member's role", message="Member role updated successfully",
    body=ChangeRoleBody, data=Success, errors=(FORBIDDEN,), body_example=ex.CHANGE_ROLE_BODY, example=ex.SUCCESS,
    error_examples=ex.CHANGE_ROLE_REFUSALS,
    description="Owner only. PATCH and PUT do the same. A pending invitation's role can change too; the owner's "
                "own role cannot (400).",
)
def change_member_role(pool_id, user_id, body: ChangeRoleBody):
    pools.change_member_role(api_user(), pool_id, user_id, body.role)
    return out.SUCCESS


@api.delete("/pools/<pool_id>/members/<user_id>")
@operation(
    permission="projects.members.remove",
    tag="Pool Members", summary="Remove a member, cancel an invitation, or leave",
    message="Member removed successfully", data=Success, errors=(FORBIDDEN,), example=ex.SUCCESS,
    error_examples=ex.REMOVE_MEMBER_REFUSALS,
    description="The owner removes anyone but themself; admins remove users; anyone may remove themself (the "
                "owner cannot leave: 400). Their rentals in the pool go back to their default pool.",
)
def remove_member(pool_id, user_id):
    pools.remove_member(api_user(), pool_id, user_id)
    return out.SUCCESS


@api.post("/pools/<pool_id>/transfer")
@operation(
    permission="projects.members.change_roles",
    tag="Pools", summary="Offer the pool's ownership to a member", message="Ownership transfer offered successfully",
    status=201, body=TransferBody, data=TransferOffer, errors=(FORBIDDEN, NAME_TAKEN), body_example=ex.TRANSFER_BODY,
    example=ex.TRANSFER_OFFER, error_examples=ex.TRANSFER_REFUSALS,
    description="Owner only; never the default pool, nor to yourself (400). `user_id` must be a member who has "
                "joined (404 otherwise) and owns no pool of the same name (409). The member accepts or declines "
                "until `expires_at` (INVITATION_TTL_DAYS); a new offer replaces the open one.",
)
def offer_transfer(pool_id, body: TransferBody):
    return out.transfer_offer(pools.offer_transfer(api_user(), pool_id, body.user_id))


@api.post("/pools/<pool_id>/transfer/accept")
@operation(
    permission="projects.members.change_roles",
    tag="Pools", summary="Accept the offer of a pool's ownership", message="Ownership transfer accepted successfully",
    data=Success, errors=(FORBIDDEN, NAME_TAKEN, INVITATION_EXPIRED), example=ex.SUCCESS,
    error_examples=ex.ACCEPT_TRANSFER_REFUSALS,
    description="The member it was offered to becomes the owner; the old owner stays as an admin. 404 if the pool "
                "is not yours to see or nothing is offered; 403 for the pool's other members; 410 after the offer's "
                "`expires_at`; 409 if you own a pool of the same name.",
)
def accept_transfer(pool_id):
    pools.accept_transfer(api_user(), pool_id)
    return out.SUCCESS


@api.post("/pools/<pool_id>/transfer/decline")
@operation(
    permission="projects.members.change_roles",
    tag="Pools", summary="Decline the offer of a pool's ownership", message="Ownership transfer declined successfully",
    data=Success, errors=(FORBIDDEN, INVITATION_EXPIRED), example=ex.SUCCESS,
    error_examples=ex.TRANSFER_ANSWER_REFUSALS,
    description="The member it was offered to only, as for accepting; the offer is removed and the owner told.",
)
def decline_transfer(pool_id):
    pools.decline_transfer(api_user(), pool_id)
    return out.SUCCESS


@api.get("/pools/<pool_id>/audit")
@operation(
    permission="projects.read",
    tag="Pools", summary="A pool's audit log", message="Audit events retrieved successfully",
    data=list[AuditEvent], paged=True, errors=(FORBIDDEN,), example=ex.AUDIT_EVENTS,
    error_examples=ex.AUDIT_REFUSALS,
    description="Who did what in the pool, newest first. The owner's alone: 403 for the pool's other members, "
                "404 for anyone else.",
)
def pool_audit(pool_id):
    """The pool's audit log, newest first (the owner's alone)."""
    events, total = pools.audit_events(api_user(), pool_id, parse_page(request.args))
    return [audit_event(e) for e in events], total
