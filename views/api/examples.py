"""The examples of the OpenAPI document: request bodies, answers and refusals, in one place.

They are the published examples, with the fields those leave out filled in. The document shows them
(``views.api.openapi``) and the tests send the request examples to the API, so an example that the
API would refuse is found. Refusals are ``{code: message}``: the code says which of an operation's
error answers the message is the example of.
"""
from services.errors import (
    ACCOUNT_DISABLED,
    ALREADY_MEMBER,
    CONFLICT,
    EMAIL_ALREADY_VERIFIED,
    EMAIL_NOT_CONFIGURED,
    EMAIL_TAKEN,
    FORBIDDEN,
    INSUFFICIENT_BALANCE,
    INVITATION_EXPIRED,
    INVITATION_NOT_PENDING,
    NAME_TAKEN,
    NOT_FOUND,
    PAYLOAD_TOO_LARGE,
    PROVISIONING_TRANSITION_REFUSED,
    RATE_LIMITED,
    RENTAL_ENDED,
    SERVER_UNAVAILABLE,
    UNAUTHENTICATED,
    URI_TOO_LONG,
    VALIDATION_FAILED,
)
from services.inventory import price_tiers

# --- The seed's objects ---------------------------------------------------------------------------

SEED_USER = {"id": "507f1f77bcf86cd799439011", "username": "team_lead", "alias": "Team Lead"}
SEED_POOL = {
    "id": "507f1f77bcf86cd799439300",
    "name": "Development Team",
    "description": "Pool for development team resources",
    "is_default": False,
    "settings": {},
    "created_at": "2025-01-15T10:00:00.000Z",
    "updated_at": "2025-01-20T14:30:00.000Z",
    "owner_id": "507f1f77bcf86cd799439011",
}
SEED_SPECS = {
    "cpu": {"model": "AMD EPYC 7763", "cores": 64, "threads": 128, "score": 48500, "score_type": "passmark"},
    "ram": {"capacity_gb": 256, "type": "ECC DDR5", "speed_mhz": 4800},
    "disks": {
        "config": [
            {"count": 2, "capacity_gb": 1000, "type": "NVMe", "interface": "PCIe 4.0"},
            {"count": 6, "capacity_gb": 15000, "type": "NVMe", "interface": "PCIe 4.0"},
        ],
        "total_gb": 92000,
        "summary": "2x1TB NVMe + 6x15TB NVMe",
    },
    "network": {"bandwidth_mbps": 10000, "bandwidth_formatted": "10 Gbps", "traffic_tb": 100,
                "traffic_unlimited": False},
    "additional": {"ipv4_count": 5, "ipv6_enabled": True},
}
SEED_SERVER_IDENTITY = {
    "id": "507f1f77bcf86cd799439014", "name": "node-us-nyc-1", "country": "US", "region": "us-east",
    "city": "New York", "datacenter": "NYC-DC1", "model": "Intel Xeon E5-2680 v4", "is_vm": False,
}
SEED_PRICES_CENTS = {1: 1200, 7: 7000, 30: 24000}
SEED_MARKETPLACE_SERVER = {
    **SEED_SERVER_IDENTITY,
    "category": "compute", "featured": True, "popularity_rank": 1, "setup_time_minutes": 15,
    "pricing": {
        "prices": {str(days): f"{cents // 100}.{cents % 100:02d}" for days, cents in SEED_PRICES_CENTS.items()},
        "price_tiers": price_tiers(SEED_PRICES_CENTS),
    },
    "specs": SEED_SPECS,
}
SEED_RENTED_SERVER = {**SEED_SERVER_IDENTITY, "specs": SEED_SPECS}
PROVISIONING_ACCESS = {"ipv4": ["203.0.113.10"], "ipv6": ["2001:db8::10"], "hostname": "node-us-nyc-1.example.com",
                       "notes": "Log in as root with the SSH key of your account"}
SEED_PROVISIONING = {"status": "pending", "message": None, "access": None, "updated_at": "2025-01-21T22:00:00.000Z"}
SEED_RENTAL = {
    "id": "507f1f77bcf86cd799439320",
    "rental_start": "2025-01-21T22:00:00.000Z",
    "rental_end": "2025-01-28T22:00:00.000Z",
    "status": "active",
    "amount": "70.00",
    "remaining_days": 6,
    "server_id": "507f1f77bcf86cd799439014",
    "pool_id": "507f1f77bcf86cd799439300",
    "server": SEED_RENTED_SERVER,
    "provisioning": SEED_PROVISIONING,
    "auto_renew": None,
}
SEED_RENTAL_DETAIL = {
    "id": "507f1f77bcf86cd799439320",
    "rental_start": "2025-01-21T22:00:00.000Z",
    "rental_end": "2025-01-28T22:00:00.000Z",
    "hold_days": 2,
    "status": "active",
    "amount": "70.00",
    "remaining_days": 6,
    "usage_days": 1,
    "server_id": "507f1f77bcf86cd799439014",
    "pool_id": "507f1f77bcf86cd799439300",
    "server": SEED_RENTED_SERVER,
    "transaction": {"id": "507f1f77bcf86cd799439321", "amount": 70, "currency": "USD",
                    "created_at": "2025-01-21T22:00:00.000Z"},
    "provisioning": SEED_PROVISIONING,
    "auto_renew": None,
}
SUCCESS = {"success": True}
SEED_ACCOUNT_DISABLED = {"id": "507f1f77bcf86cd799439012", "username": "jane_admin", "alias": "Jane Smith",
                         "is_admin": False, "is_disabled": True, "disabled_at": "2025-01-21T22:00:00.000Z",
                         "created_at": "2025-01-15T10:00:00.000Z"}
SEED_ACCOUNT_ENABLED = {**SEED_ACCOUNT_DISABLED, "is_disabled": False, "disabled_at": None}
NOT_PENDING = "This invitation is no longer pending"
SHORT_BALANCE = "Insufficient balance: this costs $70.00 and your balance is $12.00"
RENTAL_NOT_FOUND = {NOT_FOUND: "Rental not found"}

# --- Authentication -------------------------------------------------------------------------------

LOGIN_BODY = {"username": "team_lead", "password": "correct-horse-battery"}
LOGIN_RESULT = {"token": "srv_Jq3v6QpX0b2kT8sW1mZr4yLd9hC5nE7aUo0iGf2xVtM", "expires_at": "2025-02-20T22:00:00.000Z",
                "user": {**SEED_USER, "email": "lead@example.com", "email_verified": True}}
LOGIN_REFUSALS = {UNAUTHENTICATED: "Invalid username or password"}

# --- Pools, invitations and members ---------------------------------------------------------------

POOLS = [{**SEED_POOL, "user_role": "owner", "member_count": 5, "server_count": 3}]
CREATE_POOL_BODY = {"name": "Production Team", "description": "Pool for production environment management",
                    "settings": {"auto_approve": True, "max_servers": 20}}
POOL_CREATED = {"id": "507f1f77bcf86cd799439301", "name": "Production Team",
                "description": "Pool for production environment management", "owner_id": SEED_USER["id"],
                "is_default": False, "settings": {"auto_approve": True, "max_servers": 20},
                "created_at": "2025-01-21T22:00:00.000Z"}
CREATE_POOL_REFUSALS = {NAME_TAKEN: "You already have a pool named Production Team"}
PENDING_INVITATIONS = [{"id": "507f1f77bcf86cd799439312", "pool_id": SEED_POOL["id"], "pool_name": SEED_POOL["name"],
                        "pool_description": SEED_POOL["description"], "role": "user", "invited_by": SEED_USER,
                        "invited_at": "2025-01-20T14:30:00.000Z", "expires_at": "2025-01-27T14:30:00.000Z"}]
POOL_DETAIL = {**SEED_POOL, "members": [
    {"id": "507f1f77bcf86cd799439310", "role": "admin", "is_authorized": True,
     "joined_at": "2025-01-16T11:00:00.000Z", "expires_at": None,
     "user": {"id": "507f1f77bcf86cd799439012", "username": "jane_admin", "alias": "Jane Smith"}}],
    "servers": [{"id": "507f1f77bcf86cd799439014", "name": "node-us-nyc-1", "rental_status": "active",
                 "is_ready": True}],
    "transfer_offer": None,
    "budget": {"monthly_limit_cents": None, "member_monthly_limit_cents": None, "approval_threshold_cents": None}}
POOL_NOT_FOUND = {NOT_FOUND: "Pool not found"}
UPDATE_POOL_BODY = {"description": "Pool for staging and production environments",
                    "settings": {"auto_approve": False, "max_servers": 15}}
UPDATE_POOL_REFUSALS = {FORBIDDEN: "Only the pool owner can update the pool", **POOL_NOT_FOUND}
DELETE_POOL_REFUSALS = {VALIDATION_FAILED: "The default pool cannot be deleted",
                        FORBIDDEN: "Only the pool owner can delete the pool", **POOL_NOT_FOUND}
INVITATION_REFUSALS = {NOT_FOUND: "Invitation not found", INVITATION_NOT_PENDING: NOT_PENDING,
                       INVITATION_EXPIRED: "This invitation has expired; ask for a new one"}
TRANSFER_BODY = {"user_id": "507f1f77bcf86cd799439012"}
TRANSFER_OFFER = {"id": "507f1f77bcf86cd799439320", "pool_id": SEED_POOL["id"], "from_user_id": SEED_USER["id"],
                  "to_user_id": "507f1f77bcf86cd799439012", "offered_at": "2025-01-21T22:00:00.000Z",
                  "expires_at": "2025-01-28T22:00:00.000Z"}
TRANSFER_REFUSALS = {VALIDATION_FAILED: "The default pool cannot be transferred",
                     FORBIDDEN: "Only the pool owner can transfer the pool", NOT_FOUND: "Member not found",
                     NAME_TAKEN: "jane_admin already owns a pool named Development Team"}
TRANSFER_ANSWER_REFUSALS = {FORBIDDEN: "This offer is for another member",
                            NOT_FOUND: "No transfer of this pool is offered",
                            INVITATION_EXPIRED: "This offer of the pool's ownership has expired"}
ACCEPT_TRANSFER_REFUSALS = {**TRANSFER_ANSWER_REFUSALS, NAME_TAKEN: "You already own a pool named Development Team"}
INVITE_MEMBER_BODY = {"username": "new_developer", "role": "user"}
MEMBER_INVITED = {"id": "507f1f77bcf86cd799439311", "role": "user", "is_authorized": False,
                  "invited_at": "2025-01-21T22:15:00.000Z", "expires_at": "2025-01-28T22:15:00.000Z"}
INVITE_MEMBER_REFUSALS = {FORBIDDEN: "Only the pool owner can invite admins",
                          ALREADY_MEMBER: "That user has already been invited to this pool"}
CHANGE_ROLE_BODY = {"role": "admin"}
CHANGE_ROLE_REFUSALS = {VALIDATION_FAILED: "The pool owner's role cannot be changed",
                        FORBIDDEN: "Only the pool owner can change member roles", NOT_FOUND: "Member not found"}
REMOVE_MEMBER_REFUSALS = {VALIDATION_FAILED: "The pool owner cannot leave the pool; delete the pool instead",
                          FORBIDDEN: "Admins can remove only members with the user role", NOT_FOUND: "Member not found"}
AUDIT_EVENTS = [{"id": "507f1f77bcf86cd799439330", "action": "invitation.sent",
                 "actor": {"id": SEED_USER["id"], "username": SEED_USER["username"]}, "target_type": "user",
                 "target_id": "507f1f77bcf86cd799439012", "details": {"username": "jane_admin", "role": "admin"},
                 "ip": "203.0.113.7", "created_at": "2025-01-16T10:30:00.000Z"}]
AUDIT_REFUSALS = {FORBIDDEN: "Only the pool owner can see the pool's audit log", **POOL_NOT_FOUND}

# --- The marketplace and rentals ------------------------------------------------------------------

MARKETPLACE = [SEED_MARKETPLACE_SERVER]
MARKETPLACE_REFUSALS = {VALIDATION_FAILED: "Invalid query parameter: min_ram_gb must be a number"}
RENTALS = [SEED_RENTAL]
RENT_BODY = {"rental_days": 7, "pool_id": SEED_POOL["id"], "max_charge_cents": 7000}
RENTED = {"rental": {"id": "507f1f77bcf86cd799439320", "server_id": "507f1f77bcf86cd799439014",
                     "rental_start": "2025-01-21T22:00:00.000Z", "rental_end": "2025-01-28T22:00:00.000Z",
                     "hold_days": 2, "actual_usage_days": 0, "status": "active"},
          "transaction": {"id": "507f1f77bcf86cd799439321", "amount": 70, "currency": "USD"}}
RENT_REFUSALS = {INSUFFICIENT_BALANCE: SHORT_BALANCE, NOT_FOUND: "Server not found",
                 SERVER_UNAVAILABLE: "This server is not available: it is already rented"}
EXTEND_BODY = {"additional_days": 7, "expected_rental_end": "2025-01-28T22:00:00.000Z"}
EXTENDED = {"rental": {"id": "507f1f77bcf86cd799439320", "rental_end": "2025-02-04T22:00:00.000Z",
                       "status": "active", "amount": "140.00", "remaining_days": 13},
            "transaction": {"id": "507f1f77bcf86cd799439322", "amount": 70, "currency": "USD"}}
EXTEND_REFUSALS = {INSUFFICIENT_BALANCE: SHORT_BALANCE,
                   FORBIDDEN: "Only the renter or the pool's owner or admins can extend this rental",
                   **RENTAL_NOT_FOUND, RENTAL_ENDED: "This rental has ended and can no longer be extended"}
AUTO_RENEW_BODY = {"additional_days": 7, "max_charge_cents": 7500}
AUTO_RENEW_ON = {"rental_id": "507f1f77bcf86cd799439320", "auto_renew": {
    "additional_days": 7, "max_charge_cents": 7500, "next_attempt_at": "2025-01-27T22:00:00.000Z",
    "last_attempt_at": None, "last_result": None, "pay_from": "self"}}
AUTO_RENEW_OFF = {"rental_id": "507f1f77bcf86cd799439320", "auto_renew": None}
AUTO_RENEW_REFUSALS = {VALIDATION_FAILED: "additional_days must be one of this server's rental durations: 1, 7, 30",
                       FORBIDDEN: "Only the renter or the pool's owner or admins can extend this rental",
                       **RENTAL_NOT_FOUND, RENTAL_ENDED: "This rental has ended and can no longer be extended"}
AUTO_RENEW_OFF_REFUSALS = {key: AUTO_RENEW_REFUSALS[key] for key in (FORBIDDEN, NOT_FOUND)}

# --- The wallet and administration ----------------------------------------------------------------

BALANCE = {"balance": "123.45", "balance_cents": 12345, "currency": "USD"}
TRANSACTIONS = [{"id": "507f1f77bcf86cd799439321", "type": "rental", "amount": 70, "currency": "USD",
                 "created_at": "2025-01-21T22:00:00.000Z", "rental_id": "507f1f77bcf86cd799439320"},
                {"id": "507f1f77bcf86cd799439319", "type": "credit", "amount": 100, "currency": "USD",
                 "created_at": "2025-01-20T09:00:00.000Z", "rental_id": None}]
INVOICE = {"id": "507f1f77bcf86cd799439322", "transaction_id": "507f1f77bcf86cd799439321",
           "invoice_number": "INV-2025-000002", "status": "paid", "amount": 70, "currency": "USD",
           "issue_date": "2025-01-21T22:00:00.000Z", "created_at": "2025-01-21T22:00:00.000Z"}
INVOICES = {"invoices": [INVOICE], "pagination": {"total": 1, "page": 1, "limit": 20, "totalPages": 1}}
INVOICE_DETAIL = {
    "id": "507f1f77bcf86cd799439322", "user_id": "507f1f77bcf86cd799439011", "pool_id": None,
    "transaction_id": "507f1f77bcf86cd799439321", "invoice_number": "INV-2025-000002", "status": "paid",
    "amount": 70, "currency": "USD",
    "items": [{"type": "rental", "description": "Rental of server node-us-nyc-1 for 7 days, 21 Jan 2025 to 28 Jan 2025",
               "amount": 70}],
    "issue_date": "2025-01-21T22:00:00.000Z", "paid_date": "2025-01-21T22:00:00.000Z",
    "created_at": "2025-01-21T22:00:00.000Z",
    "transaction": {"id": "507f1f77bcf86cd799439321", "transaction_type": "rental", "amount": 70, "currency": "USD",
                    "created_at": "2025-01-21T22:00:00.000Z"},
}
INVOICE_NOT_FOUND = {NOT_FOUND: "Invoice not found"}
INVOICES_OF_POOL_REFUSED = {FORBIDDEN: "Only the owner and admins of a pool can see its invoices"}
PROVISIONING_BODY = {"status": "ready", "message": "Installed Debian 12", "access": PROVISIONING_ACCESS}
PROVISIONING_READY = {"rental_id": "507f1f77bcf86cd799439320", "rental_status": "active",
                      "provisioning": {"status": "ready", "message": "Installed Debian 12",
                                       "access": PROVISIONING_ACCESS, "updated_at": "2025-01-21T22:40:00.000Z"},
                      "refunded": None}
PROVISIONING_REFUSALS = {FORBIDDEN: "Only administrators can do this", **RENTAL_NOT_FOUND,
                         PROVISIONING_TRANSITION_REFUSED: "This rental's setup is failed and cannot be reported ready",
                         RENTAL_ENDED: "This rental has ended; its setup can no longer be reported"}
ADMIN_REFUSALS = {FORBIDDEN: "Only administrators can do this", NOT_FOUND: "User not found"}
DISABLE_USER_REFUSALS = {**ADMIN_REFUSALS, CONFLICT: "You cannot disable your own account"}

NOTIFICATION = {
    "id": "507f1f77bcf86cd799439340", "title": "node-us-nyc-1 ends in 24 hours",
    "message": "The rental of node-us-nyc-1 ends on 28 Jan 2025, 22:00 UTC. Extend it before then to keep the "
               "server running. Otherwise it is held for you for 2 days, until 30 Jan 2025, 22:00 UTC, and then "
               "released.",
    "type": "STATUS_UPDATE", "severity": "WARNING", "is_public": False, "is_global": False,
    "target_user_ids": ["507f1f77bcf86cd799439011"], "expires_at": None,
    "created_at": "2025-01-27T22:00:00.000Z", "updated_at": "2025-01-27T22:00:00.000Z",
    "is_read": False, "read_at": None, "event": "rental.ending_soon", "link": "/rentals/507f1f77bcf86cd799439320",
    "data": {"rental_id": "507f1f77bcf86cd799439320", "server_name": "node-us-nyc-1", "hours": 24},
}
ANNOUNCEMENT_BODY = {"title": "Maintenance tonight", "message": "The API is read-only from 22:00 to 23:00 UTC.",
                     "type": "MAINTENANCE", "severity": "WARNING", "is_public": True,
                     "expires_at": "2025-01-22T23:00:00.000Z"}
ANNOUNCEMENT = {
    "id": "507f1f77bcf86cd799439341", **ANNOUNCEMENT_BODY, "is_global": True, "target_user_ids": [],
    "created_at": "2025-01-21T22:00:00.000Z", "updated_at": "2025-01-21T22:00:00.000Z",
    "is_read": False, "read_at": None, "event": None, "link": None, "data": {},
}
ANNOUNCEMENT = {key: ANNOUNCEMENT[key] for key in NOTIFICATION}  # the fields in the order the API sends them
NOTIFICATIONS = [ANNOUNCEMENT, NOTIFICATION]
NOTIFICATION_READ = {"id": NOTIFICATION["id"], "notification_id": NOTIFICATION["id"], "is_read": True,
                     "read_at": "2025-01-28T08:15:00.000Z"}
READ_ALL = {"count": 3}
NOTIFICATION_NOT_FOUND = {NOT_FOUND: "Notification not found"}
ANNOUNCEMENT_REFUSALS = {VALIDATION_FAILED: "expires_at must be in the future",
                         FORBIDDEN: "Only administrators can do this"}

# --- Any operation's refusals, by code (the document's shared error answers) ----------------------

ERROR_MESSAGES = {
    VALIDATION_FAILED: "Validation failed: name must be at most 100 characters",
    UNAUTHENTICATED: "Authentication required: send Authorization: Bearer <token>",
    INSUFFICIENT_BALANCE: SHORT_BALANCE,
    ACCOUNT_DISABLED: "This account is disabled",
    NOT_FOUND: "Not found",
    CONFLICT: "A conflict with the current state",
    PAYLOAD_TOO_LARGE: "The request body is larger than the limit of 262144 bytes",
    URI_TOO_LONG: "The URL is longer than the limit of 4096 bytes",
    RATE_LIMITED: "Too many requests. Try again in 42 seconds.",
}
VALIDATION_DETAILS = [{"field": "name", "message": "must be at most 100 characters"}]

# --- Your account ---------------------------------------------------------------------------------

ME = {**SEED_USER, "email": "lead@example.com", "email_verified": True,
      "notification_preferences": {"rental.ending_soon": {"email": True, "in_app": True},
                                   "rental.expired": {"email": False, "in_app": True}},
      "low_balance_threshold_cents": 5000, "email_enabled": True}
UPDATE_ME_BODY = {"email": "lead@example.com", "notification_preferences": {"rental.expired": {"email": False}},
                  "low_balance_threshold_cents": 5000}
UPDATE_ME_REFUSALS = {EMAIL_TAKEN: "That email address belongs to another account"}
FORGOT_PASSWORD_BODY = {"email": "lead@example.com"}
FORGOT_PASSWORD_REFUSALS = {EMAIL_NOT_CONFIGURED: "This server does not send email. Ask an administrator to set a new "
                                                  "password for you: admin."}
RESET_PASSWORD_BODY = {"token": "9f2c5e0a7b3d4c1e8f6a2b9c0d7e5f3a1b4c6d8e0f2a3b5c7d9e1f0a2b4c6d8e", "password": "a new passphrase"}
RESET_PASSWORD_REFUSALS = {UNAUTHENTICATED: "This password reset link is not valid: it was used already, has expired, "
                                            "or the password has changed since. Ask for a new one"}
SIGNUP_BODY = {"username": "newcomer", "password": "a long passphrase", "email": "newcomer@example.com"}
SIGNUP_RESULT = {"id": "6790a1b2c3d4e5f6a7b8c9d0", "username": "newcomer", "alias": "newcomer",
                 "email": "newcomer@example.com", "email_verified": False}
SIGNUP_REFUSALS = {FORBIDDEN: "Signing up is closed on this server: ask an administrator for an account",
                   NAME_TAKEN: "The username newcomer is taken", EMAIL_TAKEN: "That email address belongs to another account"}
VERIFY_EMAIL_BODY = {"token": "eyJ1c2VyIjoiNTA3ZjFmNzdiY2Y4NmNkNzk5NDM5MDExIn0.Z5AcYA.3nq8hV0"}
VERIFY_EMAIL_REFUSALS = {UNAUTHENTICATED: "This link is not valid or has expired: ask for a new one on your account page"}
EMAIL_VERIFIED = {"email": "lead@example.com", "email_verified": True}
VERIFICATION_SENT = {"email": "lead@example.com", "email_verified": False}
RESEND_REFUSALS = {EMAIL_NOT_CONFIGURED: "This server does not send email: notifications are shown in the app only",
                   EMAIL_ALREADY_VERIFIED: "lead@example.com is verified already",
                   RATE_LIMITED: "5 links were sent in the last hour: try again in 12 minutes"}

# --- Two-factor login ------------------------------------------------------------------------------

TWO_FACTOR_LOGIN = {"requires_2fa": True, "temp_token": "507f1f77bcf86cd799439070.y3Fq2mVn8TQe0KdWZ7xJ1bR5uLs9HcAo",
                    "method": "totp"}
TWO_FACTOR_VERIFY_BODY = {"temp_token": TWO_FACTOR_LOGIN["temp_token"], "code": "492039"}
TWO_FACTOR_SETUP_BODY = {"password": "correct-horse-battery"}
BACKUP_CODES = ["3f9a1-c07e2", "8b2d4-61fa0", "0c7e5-9a13b", "d41e8-2b6c7", "57a90-e3d1f",
                "a62c3-08b9e", "19fd7-4c2a5", "e8b06-7d913", "4a3c1-f5e82", "b70d9-16c4a"]
TWO_FACTOR_SETUP = {"qr_code": "data:image/svg+xml;charset=utf-8,%3Csvg%20xmlns%3D%22http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg%22...",
                    "manual_entry_key": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "backup_codes": BACKUP_CODES}
TWO_FACTOR_CODE_BODY = {"code": "492039"}
TWO_FACTOR_ENABLED = {"enabled": True, "enabled_at": "2025-01-21T22:00:00.000Z", "sessions_revoked": 2}
TWO_FACTOR_STATUS = {"enabled": True, "verified": True, "enabled_at": "2025-01-21T22:00:00.000Z",
                     "backup_codes_remaining": 9, "require_for_tokens": False}
TWO_FACTOR_PASSWORD_AND_CODE_BODY = {"password": "correct-horse-battery", "code": "492039"}
TOKEN_GATE_BODY = {"require_for_tokens": True}
WRONG_CODE_REFUSALS = {"TWO_FACTOR_REQUIRED": "The code is not right, or was used already"}
