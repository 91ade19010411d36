"""The API's shape of an audit event."""
from core.timeutil import isoformat
from models import AuditEvent


def audit_event(event: AuditEvent) -> dict:
    actor = None if event.actor_id is None else {"id": event.actor_id, "username": event.actor_username}
    return {
        "id": event.id,
        "action": event.action,
        "actor": actor,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "details": event.details or {},
        "ip": event.ip,
        "created_at": isoformat(event.created_at),
    }
