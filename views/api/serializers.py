"""The JSON shapes of the API, field for field as the published examples show them."""
from core.timeutil import isoformat, utcnow
from services.pools import Invitation, PoolDetail, PoolSummary


def _pool_fields(pool) -> dict:
    return {
        "id": pool.id,
        "name": pool.name,
        "description": pool.description,
        "is_default": pool.is_default,
        "settings": pool.settings or {},
        "created_at": isoformat(pool.created_at),
        "updated_at": isoformat(pool.updated_at),
        "owner_id": pool.owner_id,
    }


def pool_summary(summary: PoolSummary) -> dict:
    return {
        **_pool_fields(summary.pool),
        "user_role": summary.role,
        "member_count": summary.member_count,
        "server_count": summary.server_count,
    }


def pool_detail(detail: PoolDetail) -> dict:
    now = utcnow()
    return {
        **_pool_fields(detail.pool),
        "members": [
            {
                "id": membership.id,
                "role": membership.role,
                "is_authorized": membership.is_authorized,
                "joined_at": isoformat(membership.joined_at),
                "user": user.public_dict(),
            }
            for membership, user in detail.members
        ],
        "servers": [
            {
                "id": server.id,
                "name": server.name,
                "rental_status": rental.status_at(now),
                "is_ready": rental.is_ready_at(now, server.setup_time_minutes),
            }
            for rental, server in detail.servers
        ],
    }


def pool_created(pool) -> dict:
    return {
        "id": pool.id,
        "name": pool.name,
        "description": pool.description,
        "owner_id": pool.owner_id,
        "is_default": pool.is_default,
        "settings": pool.settings or {},
        "created_at": isoformat(pool.created_at),
    }


def invitation(item: Invitation) -> dict:
    return {
        "id": item.membership.id,
        "pool_id": item.pool.id,
        "pool_name": item.pool.name,
        "pool_description": item.pool.description,
        "role": item.membership.role,
        "invited_by": item.invited_by.public_dict() if item.invited_by else None,
        "invited_at": isoformat(item.membership.invited_at),
    }


def member_invited(membership) -> dict:
    return {
        "id": membership.id,
        "role": membership.role,
        "is_authorized": membership.is_authorized,
        "invited_at": isoformat(membership.invited_at),
    }


SUCCESS = {"success": True}
