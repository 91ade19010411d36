"""Pools, Pool Invitations and Pool Members."""
from flask import request

from services import pools
from services.paging import parse_page
from views.api import api
from views.api import serializers as out
from views.api.audit_serializers import audit_event
from views.api.schemas import ChangeRoleBody, CreatePoolBody, InviteMemberBody, UpdatePoolBody
from views.api.support import api_user, json_body, ok, path_id, validate


@api.get("/pools")
def list_pools():
    summaries, total = pools.list_pools(api_user(), parse_page(request.args))
    return ok([out.pool_summary(s) for s in summaries], "Pools retrieved successfully", total=total)


@api.get("/pools/invitations/pending")
def pending_invitations():
    invitations, total = pools.pending_invitations(api_user(), parse_page(request.args))
    return ok([out.invitation(i) for i in invitations], "Pending invitations retrieved successfully", total=total)


@api.get("/pools/<pool_id>")
def get_pool(pool_id):
    detail = pools.get_pool(api_user(), path_id(pool_id, what="pool id"))
    return ok(out.pool_detail(detail), "Pool retrieved successfully")


@api.post("/pools")
def create_pool():
    body = validate(CreatePoolBody, json_body())
    pool = pools.create_pool(api_user(), body.name, body.description, body.settings)
    return ok(out.pool_created(pool), "Pool created successfully", status=201)


# The published client sends PUT where the reference says PATCH; both mean the same here.
@api.route("/pools/<pool_id>", methods=["PATCH", "PUT"])
def update_pool(pool_id):
    pool_id = path_id(pool_id, what="pool id")
    body = validate(UpdatePoolBody, json_body())
    pools.update_pool(api_user(), pool_id, body.changes())
    return ok(out.SUCCESS, "Pool updated successfully")


@api.delete("/pools/<pool_id>")
def delete_pool(pool_id):
    pools.delete_pool(api_user(), path_id(pool_id, what="pool id"))
    return ok(out.SUCCESS, "Pool deleted successfully")


@api.post("/pools/<invitation_id>/accept")
def accept_invitation(invitation_id):
    pools.accept_invitation(api_user(), path_id(invitation_id, what="invitation id"))
    return ok(out.SUCCESS, "Invitation accepted successfully")


@api.post("/pools/<invitation_id>/reject")
def reject_invitation(invitation_id):
    pools.reject_invitation(api_user(), path_id(invitation_id, what="invitation id"))
    return ok(out.SUCCESS, "Invitation rejected successfully")


@api.post("/pools/<pool_id>/members")
def invite_member(pool_id):
    pool_id = path_id(pool_id, what="pool id")
    body = validate(InviteMemberBody, json_body())
    invitation = pools.invite_member(api_user(), pool_id, body.username, body.role)
    return ok(out.member_invited(invitation), "Member invited successfully", status=201)


@api.route("/pools/<pool_id>/members/<user_id>", methods=["PATCH", "PUT"])
def change_member_role(pool_id, user_id):
    pool_id = path_id(pool_id, what="pool id")
    user_id = path_id(user_id, field="userId", what="user id")
    body = validate(ChangeRoleBody, json_body())
    pools.change_member_role(api_user(), pool_id, user_id, body.role)
    return ok(out.SUCCESS, "Member role updated successfully")


@api.delete("/pools/<pool_id>/members/<user_id>")
def remove_member(pool_id, user_id):
    pools.remove_member(api_user(), path_id(pool_id, what="pool id"), path_id(user_id, field="userId", what="user id"))
    return ok(out.SUCCESS, "Member removed successfully")


@api.get("/pools/<pool_id>/audit")
def pool_audit(pool_id):
    """The pool's audit log, newest first (the owner's alone)."""
    events, total = pools.audit_events(api_user(), path_id(pool_id, what="pool id"), parse_page(request.args))
    return ok([audit_event(e) for e in events], "Audit events retrieved successfully", total=total)
