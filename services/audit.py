"""The audit trail: who did what, to what, when and from where.

``record`` adds an event to the session without committing, so it is saved in the same database
transaction as the change it records (and rolled back with it).
"""
from flask import has_request_context, request

from core.extensions import db
from core.limits import IP_MAX
from core.timeutil import utcnow
from models import AuditEvent, User

LOGIN_SUCCEEDED = "login.succeeded"
LOGIN_FAILED = "login.failed"
LOGOUT = "logout"
LOGIN_REFUSED = "login.refused"
SESSION_REVOKED = "session.revoked"
SESSIONS_REVOKED = "sessions.revoked"
PASSWORD_CHANGED = "password.changed"
USER_DISABLED = "user.disabled"
USER_ENABLED = "user.enabled"
PASSWORD_RESET_REQUESTED = "password.reset_requested"
PASSWORD_RESET = "password.reset"
PASSWORD_SET = "password.set"
TOKEN_CREATED = "token.created"
TOKEN_REVOKED = "token.revoked"
TOKEN_UPDATED = "token.updated"
POOL_CREATED = "pool.created"
POOL_UPDATED = "pool.updated"
POOL_DELETED = "pool.deleted"
INVITATION_SENT = "invitation.sent"
INVITATION_ACCEPTED = "invitation.accepted"
INVITATION_REJECTED = "invitation.rejected"
INVITATION_CANCELLED = "invitation.cancelled"
MEMBER_ROLE_CHANGED = "member.role_changed"
MEMBER_REMOVED = "member.removed"
MEMBER_LEFT = "member.left"
TRANSFER_OFFERED = "pool.transfer_offered"
TRANSFER_ACCEPTED = "pool.transferred"
TRANSFER_DECLINED = "pool.transfer_declined"
RENTAL_CREATED = "rental.created"
RENTAL_EXTENDED = "rental.extended"
POOL_WALLET_TRANSFER = "pool.wallet_transfer"
POOL_WALLET_RETURNED = "pool.wallet_returned"
POOL_BUDGET_CHANGED = "pool.budget_changed"
SPEND_REQUESTED = "spend_request.created"
SPEND_APPROVED = "spend_request.approved"
SPEND_REJECTED = "spend_request.rejected"
RENTAL_AUTO_RENEW_SET = "rental.auto_renew_set"
RENTAL_AUTO_RENEW_CLEARED = "rental.auto_renew_cleared"

def client_ip() -> str | None:
    if not has_request_context() or not request.remote_addr:
        return None
    return request.remote_addr[:IP_MAX]


def record(action: str, actor: User | None = None, pool_id: str | None = None, target_type: str | None = None,
           target_id: str | None = None, details: dict | None = None) -> AuditEvent:
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        actor_username=actor.username if actor is not None else None,
        pool_id=pool_id,
        target_type=target_type,
        target_id=target_id,
        details=details or {},
        ip=client_ip(),
        created_at=utcnow(),
    )
    db.session.add(event)
    return event
