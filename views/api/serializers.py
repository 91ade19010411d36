"""The JSON shapes of the API, field for field as the published examples show them."""
from core.limits import CURRENCY
from core.money import cents_to_number, format_cents
from core.timeutil import isoformat, utcnow
from services.inventory import format_bandwidth
from services.inventory.display import traffic_tb
from services import account_settings
from services import provisioning as provisioning_service
from services.pools import Invitation, PoolDetail, PoolSummary
from services.rentals import Charge, RentalDetail


def account(user) -> dict:
    return {
        **user.public_dict(),
        "is_admin": user.is_admin,
        "is_disabled": user.is_disabled,
        "disabled_at": isoformat(user.disabled_at),
        "created_at": isoformat(user.created_at),
    }


def own_user(user) -> dict:
    """The caller themself: their email address beside what everyone sees."""
    return {**user.public_dict(), "email": user.email, "email_verified": user.email_verified_at is not None}


def me(user, email_enabled: bool) -> dict:
    return {
        **own_user(user),
        "notification_preferences": {preference.event: {"email": preference.email, "in_app": preference.in_app}
                                     for preference in account_settings.preferences_of(user)},
        "low_balance_threshold_cents": user.low_balance_threshold_cents,
        "email_enabled": email_enabled,
    }


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


def pool_fields(pool) -> dict:
    """A pool's own fields, as webhooks carry it."""
    return _pool_fields(pool)


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
                "expires_at": None if membership.is_authorized else isoformat(membership.expires_at),
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
        "transfer_offer": transfer_offer(detail.transfer_offer) if detail.transfer_offer else None,
        "budget": budget(detail.pool),
    }


def budget(pool) -> dict:
    return {"monthly_limit_cents": pool.monthly_limit_cents,
            "member_monthly_limit_cents": pool.member_monthly_limit_cents,
            "approval_threshold_cents": pool.approval_threshold_cents}


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
        "expires_at": isoformat(item.membership.expires_at),
    }


def member_invited(membership) -> dict:
    return {
        "id": membership.id,
        "role": membership.role,
        "is_authorized": membership.is_authorized,
        "invited_at": isoformat(membership.invited_at),
        "expires_at": isoformat(membership.expires_at),
    }


def transfer_offer(offer) -> dict:
    return {
        "id": offer.id,
        "pool_id": offer.pool_id,
        "from_user_id": offer.from_user_id,
        "to_user_id": offer.to_user_id,
        "offered_at": isoformat(offer.offered_at),
        "expires_at": isoformat(offer.expires_at),
    }


def auto_renew(setting) -> dict | None:
    if setting is None:
        return None
    return {
        "additional_days": setting.additional_days,
        "max_charge_cents": setting.max_charge_cents,
        "next_attempt_at": isoformat(setting.next_attempt_at) if setting.next_attempt_at else None,
        "last_attempt_at": isoformat(setting.last_attempt_at) if setting.last_attempt_at else None,
        "last_result": setting.last_result,
        "pay_from": setting.pay_from,
    }


def rental_auto_renew(rental_id: str, setting) -> dict:
    return {"rental_id": rental_id, "auto_renew": auto_renew(setting)}


def rental_summary(rental, server, now, renewal=None) -> dict:
    return {
        "id": rental.id,
        "rental_start": isoformat(rental.rental_start),
        "rental_end": isoformat(rental.rental_end),
        "status": rental.status_at(now),
        "amount": format_cents(rental.amount_cents),
        "remaining_days": rental.remaining_days_at(now),
        "server_id": rental.server_id,
        "pool_id": rental.pool_id,
        "server": rental_server(server),
        "provisioning": provisioning(rental),
        "auto_renew": auto_renew(renewal),
    }


def rental_detail(detail: RentalDetail, now, renewal=None) -> dict:
    rental, transaction = detail.rental, detail.transaction
    return {
        "id": rental.id,
        "rental_start": isoformat(rental.rental_start),
        "rental_end": isoformat(rental.rental_end),
        "hold_days": rental.hold_days,
        "status": rental.status_at(now),
        "amount": format_cents(rental.amount_cents),
        "remaining_days": rental.remaining_days_at(now),
        "usage_days": rental.usage_days_at(now),
        "server_id": rental.server_id,
        "pool_id": rental.pool_id,
        "server": rental_server(detail.server),
        "transaction": _charge_with_time(transaction) if transaction else None,
        "provisioning": provisioning(rental),
        "auto_renew": auto_renew(renewal),
    }


def provisioning(rental) -> dict:
    state = provisioning_service.state_of(rental)
    return {"status": state.status, "message": state.message, "access": state.access,
            "updated_at": isoformat(state.updated_at)}


def provisioning_report(report) -> dict:
    return {"rental_id": report.rental.id, "rental_status": report.rental.status_at(utcnow()),
            "provisioning": provisioning(report.rental),
            "refunded": format_cents(report.refunded_cents) if report.refunded_cents else None}


def _charge_with_time(transaction) -> dict:
    return {**_charge(transaction), "created_at": isoformat(transaction.created_at)}


def _charge(transaction) -> dict:
    return {"id": transaction.id, "amount": cents_to_number(transaction.amount_cents), "currency": transaction.currency}


def rented(charge: Charge, now) -> dict:
    rental = charge.rental
    return {
        "rental": {
            "id": rental.id,
            "server_id": rental.server_id,
            "rental_start": isoformat(rental.rental_start),
            "rental_end": isoformat(rental.rental_end),
            "hold_days": rental.hold_days,
            "actual_usage_days": rental.usage_days_at(now),
            "status": rental.status_at(now),
        },
        "transaction": _charge(charge.transaction),
    }


def extended(charge: Charge, now) -> dict:
    rental = charge.rental
    return {
        "rental": {
            "id": rental.id,
            "rental_end": isoformat(rental.rental_end),
            "status": rental.status_at(now),
            "amount": format_cents(rental.amount_cents),
            "remaining_days": rental.remaining_days_at(now),
        },
        "transaction": _charge(charge.transaction),
    }


def balance(cents: int) -> dict:
    return {"balance": format_cents(cents), "balance_cents": cents, "currency": CURRENCY}


def wallet_transaction(transaction) -> dict:
    return {
        "id": transaction.id,
        "type": transaction.type,
        "amount": cents_to_number(transaction.amount_cents),
        "currency": transaction.currency,
        "created_at": isoformat(transaction.created_at),
        "rental_id": transaction.rental_id,
    }


def invoice(invoice) -> dict:
    return {
        "id": invoice.id,
        "transaction_id": invoice.transaction_id,
        "invoice_number": invoice.number,
        "status": invoice.status,
        "amount": cents_to_number(invoice.amount_cents),
        "currency": invoice.currency,
        "issue_date": isoformat(invoice.issue_date),
        "created_at": isoformat(invoice.created_at),
    }


def invoice_list(invoices: list, total: int, page: int, limit: int) -> dict:
    return {"invoices": [invoice(item) for item in invoices],
            "pagination": {"total": total, "page": page, "limit": limit, "totalPages": -(-total // limit)}}


def invoice_detail(invoice) -> dict:
    amount = cents_to_number(invoice.amount_cents)
    return {
        "id": invoice.id,
        "user_id": invoice.user_id,
        "pool_id": invoice.pool_id,
        "transaction_id": invoice.transaction_id,
        "invoice_number": invoice.number,
        "status": invoice.status,
        "amount": amount,
        "currency": invoice.currency,
        "items": [{"type": invoice.kind, "description": invoice.description, "amount": amount}],
        "issue_date": isoformat(invoice.issue_date),
        "paid_date": isoformat(invoice.issue_date) if invoice.status == "paid" else None,
        "created_at": isoformat(invoice.created_at),
        "transaction": {"id": invoice.transaction_id, "transaction_type": invoice.kind, "amount": amount,
                        "currency": invoice.currency, "created_at": isoformat(invoice.created_at)},
    }


SUCCESS = {"success": True}


# --- Servers --------------------------------------------------------------------------------------
# Each takes a ``Server`` or a row of the servers table (``marketplace.browse``): the same names.


def server_specs(server) -> dict:
    """The ``specs`` object of a server."""
    return {
        "cpu": {
            "model": server.cpu_model,
            "cores": server.cpu_cores,
            "threads": server.cpu_threads,
            "score": server.cpu_score,
            "score_type": server.cpu_score_type,
        },
        "ram": {"capacity_gb": server.ram_gb, "type": server.ram_type, "speed_mhz": server.ram_speed_mhz},
        "disks": {
            "config": [
                {"count": d["count"], "capacity_gb": d["capacity_gb"], "type": d["type"], "interface": d["interface"]}
                for d in server.disks
            ],
            "total_gb": server.total_storage_gb,
            "summary": server.disk_summary,
        },
        "network": {
            "bandwidth_mbps": server.bandwidth_mbps,
            "bandwidth_formatted": format_bandwidth(server.bandwidth_mbps),
            "traffic_tb": traffic_tb(server.traffic_tb),
            "traffic_unlimited": server.traffic_unlimited,
        },
        "additional": {"ipv4_count": server.ipv4_count, "ipv6_enabled": server.ipv6_enabled},
    }


def _identity(server) -> dict:
    return {
        "id": server.id,
        "name": server.name,
        "country": server.country,
        "region": server.region,
        "city": server.city,
        "datacenter": server.datacenter,
        "model": server.model,
        "is_vm": server.is_vm,
    }


def rental_server(server) -> dict:
    """The ``server`` object of a rental: the browse object without marketplace fields and prices."""
    return {**_identity(server), "specs": server_specs(server)}


def marketplace_server(server) -> dict:
    """The marketplace's browse object, field for field as the seed's example. ``pricing`` is stored
    with the server (``services.inventory.pricing``), computed when its prices were written."""
    data = _identity(server)
    data.update({
        "category": server.category,
        "featured": server.featured,
        "popularity_rank": server.popularity_rank,
        "setup_time_minutes": server.setup_time_minutes,
        "pricing": server.pricing,
        "specs": server_specs(server),
    })
    return data


def notification(note, read_at=None) -> dict:
    """A notification as ``user`` sees it; ``read_at`` is that user's (an announcement's is per user)."""
    return {
        "id": note.id,
        "title": note.title,
        "message": note.message,
        "type": note.type,
        "severity": note.severity,
        "is_public": note.is_public,
        "is_global": note.is_global,
        "target_user_ids": [note.user_id] if note.user_id else [],
        "expires_at": isoformat(note.expires_at),
        "created_at": isoformat(note.created_at),
        "updated_at": isoformat(note.updated_at),
        "is_read": read_at is not None,
        "read_at": isoformat(read_at),
        "event": note.event,
        "link": note.link,
        "data": note.data or {},
    }


def notification_read(seen) -> dict:
    return {"id": seen.notification.id, "notification_id": seen.notification.id, "is_read": seen.is_read,
            "read_at": isoformat(seen.read_at)}
