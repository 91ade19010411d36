"""The API's answers as pydantic models: the `data` of every envelope, and the error body.

``views.api.serializers`` builds these shapes as plain dicts (field order is part of the contract);
the models describe them for the OpenAPI document (``views.api.openapi``), and the tests check that
every answer the API gives validates against them and dumps back to exactly the same JSON, so the
document cannot drift from what the API returns. Fields are listed in the order the API sends them.
"""
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.ids import CANONICAL_ID_PATTERN
from core.limits import (
    ALL_ROLES,
    CPU_SCORE_TYPES,
    CURRENCY,
    DISK_TYPES,
    RAM_TYPES,
    PROVISIONING_STATUSES,
    SERVER_CATEGORIES,
    TRANSACTION_TYPES,
)
from core.limits import NOTIFICATION_TYPES, SEVERITIES
from models.rental import STATUS_ACTIVE, STATUS_ENDED, STATUS_EXPIRED

TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"
DOLLARS_PATTERN = r"^\d+\.\d{2}$"

Id = Annotated[str, Field(pattern=CANONICAL_ID_PATTERN, examples=["507f1f77bcf86cd799439300"])]
Timestamp = Annotated[str, Field(pattern=TIMESTAMP_PATTERN, json_schema_extra={"format": "date-time"},
                                 examples=["2025-01-21T22:00:00.000Z"])]
Dollars = Annotated[str, Field(pattern=DOLLARS_PATTERN, description="Dollars with 2 decimals",
                               examples=["70.00"])]
# Transaction amounts are JSON numbers: 70, or 70.5 when there are cents.
AmountNumber = Annotated[int | float, Field(ge=0, description="Dollars as a number", examples=[70])]
Count = Annotated[int, Field(ge=0)]
Currency = Literal[CURRENCY]
Role = Literal[ALL_ROLES]
RentalStatus = Literal[STATUS_ACTIVE, STATUS_EXPIRED, STATUS_ENDED]


class Out(BaseModel):
    # Strict and closed: a field the API adds, drops or retypes fails validation in the tests.
    model_config = ConfigDict(strict=True, extra="forbid")


# --- Users and authentication ---------------------------------------------------------------------


class UserRef(Out):
    id: Id
    username: str
    alias: str


class OwnUser(UserRef):
    """The caller themself: others see only ``UserRef``, never the email address."""

    email: str | None
    email_verified: bool = Field(description="Notifications are emailed only to a verified address")


class LoginResult(Out):
    token: str = Field(description="The bearer token; send it as `Authorization: Bearer <token>`")
    expires_at: Timestamp
    user: OwnUser


class TwoFactorChallengeResult(Out):
    """A right password of an account with two-factor login on: a code completes the login."""

    requires_2fa: Literal[True]
    temp_token: str = Field(description="Send it with a code to `POST /api/v1/users/auth/2fa/verify`; "
                                        "it works once, for 5 minutes")
    method: Literal["totp"]


class TwoFactorSetup(Out):
    qr_code: str = Field(description="A `data:image/svg+xml` URL of the QR code for the authenticator app")
    manual_entry_key: str = Field(description="The secret, base32, for apps that cannot scan")
    backup_codes: list[str] = Field(description="Ten single-use codes for when the app is lost; shown only now")


class TwoFactorEnabled(Out):
    enabled: bool
    enabled_at: Timestamp
    sessions_revoked: int = Field(description="Browser sessions ended and API login tokens revoked")


class TwoFactorStatus(Out):
    enabled: bool
    verified: bool
    enabled_at: Timestamp | None
    backup_codes_remaining: int
    require_for_tokens: bool


class BackupCodes(Out):
    backup_codes: list[str] = Field(description="Ten single-use codes; the earlier ones no longer work")


class Account(UserRef):
    """A user as administrators see them."""

    is_admin: bool
    is_disabled: bool = Field(description="Disabled accounts cannot log in; their tokens and sessions get 403")
    disabled_at: Timestamp | None
    created_at: Timestamp


class ChannelPreference(Out):
    email: bool
    in_app: bool


class Me(OwnUser):
    """The caller's own account and settings."""

    notification_preferences: dict[str, ChannelPreference] = Field(
        description="Every event people can be told of, with whether it is emailed and shown in the app")
    low_balance_threshold_cents: int | None
    email_enabled: bool = Field(description="Whether this server sends email at all (false: in the app only)")


class EmailVerified(Out):
    email: str
    email_verified: Literal[True]


class VerificationSent(Out):
    email: str
    email_verified: Literal[False]


# --- Pools ----------------------------------------------------------------------------------------


class _PoolFields(Out):
    id: Id
    name: str
    description: str
    is_default: bool
    settings: dict[str, Any]
    created_at: Timestamp
    updated_at: Timestamp
    owner_id: Id


class PoolSummary(_PoolFields):
    user_role: Role = Field(description="The caller's role in the pool")
    member_count: Count = Field(description="Authorized members, the owner included")
    server_count: Count = Field(description="Rentals in the pool that have not ended")


class PoolMember(Out):
    id: Id = Field(description="The membership (invitation) id")
    role: Role
    is_authorized: bool = Field(description="False while the invitation is pending")
    joined_at: Timestamp | None
    expires_at: Timestamp | None = Field(description="Until when a pending invitation can be answered; null once "
                                                     "joined")
    user: UserRef


class PoolServer(Out):
    id: Id = Field(description="The server's id")
    name: str
    rental_status: RentalStatus
    is_ready: bool = Field(description="Active, and the server's setup time has passed since rental_start")


class TransferOffer(Out):
    id: Id = Field(description="The offer's id")
    pool_id: Id
    from_user_id: Id = Field(description="The owner who offers the pool")
    to_user_id: Id = Field(description="The member who may accept or decline")
    offered_at: Timestamp
    expires_at: Timestamp = Field(description="Until when the member can accept (INVITATION_TTL_DAYS after the offer)")


class Budget(Out):
    monthly_limit_cents: Count | None = Field(description="What may be paid from the pool's wallet in a calendar "
                                                          "month (UTC); null: no limit")
    member_monthly_limit_cents: Count | None = Field(description="What each member may pay from it in a month")
    approval_threshold_cents: Count | None = Field(description="A charge above this, by anyone but the owner, "
                                                               "waits for approval")


class PoolDetail(_PoolFields):
    members: list[PoolMember]
    servers: list[PoolServer]
    transfer_offer: TransferOffer | None = Field(description="The owner's open offer of the pool to a member, if any")
    budget: Budget


class PoolCreated(Out):
    id: Id
    name: str
    description: str
    owner_id: Id
    is_default: bool
    settings: dict[str, Any]
    created_at: Timestamp


class Success(Out):
    success: Literal[True]


class PendingInvitation(Out):
    id: Id = Field(description="The invitation id, to accept or reject")
    pool_id: Id
    pool_name: str
    pool_description: str
    role: Role
    invited_by: UserRef | None
    invited_at: Timestamp
    expires_at: Timestamp = Field(description="After this the invitation is gone and answering it is a 410")


class MemberInvited(Out):
    id: Id = Field(description="The invitation id")
    role: Role
    is_authorized: bool
    invited_at: Timestamp
    expires_at: Timestamp = Field(description="INVITATION_TTL_DAYS after it was sent")


class AuditActor(Out):
    id: Id
    username: str


class AuditEvent(Out):
    id: Id
    action: str = Field(examples=["invitation.sent", "member.role_changed", "rental.created"])
    actor: AuditActor | None = Field(description="Who did it; null when nobody was logged in")
    target_type: str | None = Field(description="What it was done to: pool, user, rental…")
    target_id: Id | None
    details: dict[str, Any]
    ip: str | None = Field(description="The address the request came from")
    created_at: Timestamp


# --- Servers --------------------------------------------------------------------------------------


class Cpu(Out):
    model: str
    cores: int
    threads: int
    score: int
    score_type: Literal[CPU_SCORE_TYPES]


class Ram(Out):
    capacity_gb: int
    type: Literal[RAM_TYPES]
    speed_mhz: int


class Disk(Out):
    count: int
    capacity_gb: int
    type: Literal[DISK_TYPES]
    interface: str


class Disks(Out):
    config: list[Disk]
    total_gb: int
    summary: str


class Network(Out):
    bandwidth_mbps: int
    bandwidth_formatted: str
    traffic_tb: int | float | None = Field(description="Monthly traffic; null when unlimited")
    traffic_unlimited: bool


class Additional(Out):
    ipv4_count: int
    ipv6_enabled: bool


class Specs(Out):
    cpu: Cpu
    ram: Ram
    disks: Disks
    network: Network
    additional: Additional


class PriceTier(Out):
    days: int
    price: Dollars
    price_per_day: Dollars
    discount_percent: int | float = Field(description="Per-day saving against the shortest duration, in percent")


class Pricing(Out):
    prices: dict[str, Dollars] = Field(description="Price of the whole duration, by duration in days")
    price_tiers: dict[str, PriceTier]


class _ServerIdentity(Out):
    id: Id
    name: str
    country: str
    region: str
    city: str
    datacenter: str
    model: str
    is_vm: bool


class MarketplaceServer(_ServerIdentity):
    category: Literal[SERVER_CATEGORIES]
    featured: bool
    popularity_rank: int
    setup_time_minutes: int
    pricing: Pricing
    specs: Specs


class RentedServer(_ServerIdentity):
    specs: Specs


# --- Rentals and money ----------------------------------------------------------------------------


class Charge(Out):
    id: Id
    amount: AmountNumber
    currency: Currency


class ChargeWithTime(Charge):
    created_at: Timestamp


class ProvisioningAccess(Out):
    """How the renter reaches the server, as the administrators reported it."""

    ipv4: list[str] = Field(examples=[["203.0.113.10"]])
    ipv6: list[str] = Field(examples=[["2001:db8::10"]])
    hostname: str | None = Field(examples=["node-us-nyc-1.example.com"])
    notes: str | None = Field(examples=["Log in as root with the SSH key of your account"])


class Provisioning(Out):
    """The setup of the rented server: pending from renting, then as administrators report it."""

    status: Literal[PROVISIONING_STATUSES]
    message: str | None
    access: ProvisioningAccess | None = Field(description="null until a report gave access details")
    updated_at: Timestamp


class ProvisioningReport(Out):
    rental_id: Id
    rental_status: RentalStatus = Field(description="ended once the setup failed")
    provisioning: Provisioning
    refunded: Dollars | None = Field(description="What this report refunded (failed), null otherwise")


class AutoRenew(Out):
    additional_days: Count = Field(description="The period each renewal adds")
    max_charge_cents: Count = Field(description="The most one renewal may cost")
    next_attempt_at: Timestamp | None = Field(description="When the next renewal is tried; null once the rental "
                                                          "has ended")
    last_attempt_at: Timestamp | None
    last_result: str | None = Field(description="`renewed`, `already_renewed`, or why the last attempt was refused: "
                                                "`insufficient_balance`, `above_ceiling`, `duration_not_offered`, "
                                                "`server_withdrawn`, `not_allowed`, `budget_exceeded`, "
                                                "`approval_needed`")
    pay_from: Literal["self", "pool"] = Field(description="Whose wallet pays each renewal: the payer's own, or the "
                                                          "rental's pool's")


AUTO_RENEW_FIELD = Field(description="null when off; renewed RENEW_AHEAD_HOURS before the end, paid by whoever "
                                     "turned it on")


class RentalAutoRenew(Out):
    rental_id: Id
    auto_renew: AutoRenew | None = AUTO_RENEW_FIELD


class RentalSummary(Out):
    id: Id
    rental_start: Timestamp
    rental_end: Timestamp
    status: RentalStatus
    amount: Dollars = Field(description="Everything paid for the rental so far")
    remaining_days: Count
    server_id: Id
    pool_id: Id
    server: RentedServer
    provisioning: Provisioning
    auto_renew: AutoRenew | None = AUTO_RENEW_FIELD


class RentalDetail(Out):
    id: Id
    rental_start: Timestamp
    rental_end: Timestamp
    hold_days: Count
    status: RentalStatus
    amount: Dollars = Field(description="Everything paid for the rental so far")
    remaining_days: Count
    usage_days: Count
    server_id: Id
    pool_id: Id
    server: RentedServer
    transaction: ChargeWithTime | None = Field(description="The charge that started the rental")
    provisioning: Provisioning
    auto_renew: AutoRenew | None = AUTO_RENEW_FIELD


class RentedRental(Out):
    id: Id
    server_id: Id
    rental_start: Timestamp
    rental_end: Timestamp
    hold_days: Count
    actual_usage_days: Count
    status: RentalStatus


class RentResult(Out):
    rental: RentedRental
    transaction: Charge


class ExtendedRental(Out):
    id: Id
    rental_end: Timestamp
    status: RentalStatus
    amount: Dollars
    remaining_days: Count


class ExtendResult(Out):
    rental: ExtendedRental
    transaction: Charge


class Balance(Out):
    balance: Dollars
    balance_cents: Count
    currency: Currency


class WalletTransaction(Out):
    id: Id
    type: Literal[TRANSACTION_TYPES] = Field(description="credit, top_up, refund and transfer_in add to the balance; "
                                                         "rental, extension and transfer_out take")
    amount: AmountNumber
    currency: Currency
    created_at: Timestamp
    rental_id: Id | None


InvoiceStatus = Literal["paid", "credit"]


class InvoiceOut(Out):
    id: Id
    transaction_id: Id
    invoice_number: str = Field(pattern=r"^INV-\d{4}-\d{6,}$", examples=["INV-2025-000001"])
    status: InvoiceStatus = Field(description="paid: an invoice for money out of the wallet; credit: a credit note "
                                              "for money into it")
    amount: AmountNumber
    currency: Currency
    issue_date: Timestamp
    created_at: Timestamp


class Pagination(Out):
    total: Count
    page: int = Field(ge=1)
    limit: int = Field(ge=1)
    totalPages: Count


class InvoiceList(Out):
    invoices: list[InvoiceOut]
    pagination: Pagination


class InvoiceItem(Out):
    type: Literal[TRANSACTION_TYPES]
    description: str
    amount: AmountNumber


class InvoiceTransaction(Out):
    id: Id
    transaction_type: Literal[TRANSACTION_TYPES]
    amount: AmountNumber
    currency: Currency
    created_at: Timestamp


class InvoiceDetail(Out):
    id: Id
    user_id: Id
    pool_id: Id | None = Field(description="The pool whose wallet moved; null for your own wallet")
    transaction_id: Id
    invoice_number: str = Field(pattern=r"^INV-\d{4}-\d{6,}$", examples=["INV-2025-000001"])
    status: InvoiceStatus
    amount: AmountNumber
    currency: Currency
    items: list[InvoiceItem]
    issue_date: Timestamp
    paid_date: Timestamp | None = Field(description="When it was paid from the wallet; null for a credit note")
    created_at: Timestamp
    transaction: InvoiceTransaction


# --- Notifications --------------------------------------------------------------------------------


class NotificationOut(Out):
    id: Id
    title: str
    message: str
    type: Literal[NOTIFICATION_TYPES]
    severity: Literal[SEVERITIES]
    is_public: bool = Field(description="Shown to visitors who are not logged in too (announcements only)")
    is_global: bool = Field(description="An announcement to everyone; false for a notification of your own")
    target_user_ids: list[Id] = Field(description="Whom it is for: you, or nobody in particular (an announcement)")
    expires_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp
    is_read: bool
    read_at: Timestamp | None
    event: str | None = Field(description="The event it tells of, such as rental.ending_soon; null for an "
                                          "announcement")
    link: str | None = Field(description="Path of the page where you act on it")
    data: dict[str, Any] = Field(description="What the event speaks of (ids, amounts, times)")


class NotificationRead(Out):
    id: Id = Field(description="The notification's id")
    notification_id: Id
    is_read: bool
    read_at: Timestamp


class ReadAllResult(Out):
    count: Count = Field(description="How many notifications were unread and are read now")


# --- Team billing ---------------------------------------------------------------------------------


class PoolTransferResult(Out):
    amount_cents: Count = Field(description="What moved from your wallet into the pool's")
    balance: Dollars = Field(description="The pool's balance now")
    balance_cents: Count
    currency: Currency


class PoolWalletTransaction(Out):
    id: Id
    type: Literal[TRANSACTION_TYPES] = Field(description="transfer_in and refund add to the pool's balance; "
                                                         "rental, extension and transfer_out take")
    amount: AmountNumber
    currency: Currency
    created_at: Timestamp
    rental_id: Id | None
    user_id: Id = Field(description="The member who moved the money")
    note: str


class SpendRequest(Out):
    id: Id
    status: Literal["pending", "approved", "rejected", "expired", "failed"]
    kind: Literal["rent", "extend"]
    amount_cents: Count = Field(description="The quoted charge; approving charges at most this")
    server_id: Id
    rental_id: Id | None = Field(description="The rental to extend (kind extend); the rental made, once approved")
    requested_by: Id
    expires_at: Timestamp
    pool_id: Id
    days: Count = Field(description="rental_days or additional_days")
    requester: UserRef | None
    reason: str | None = Field(description="Why a failed request could not be carried out")
    decided_by: Id | None
    decided_at: Timestamp | None
    created_at: Timestamp


class SpendRequested(Out):
    spend_request: SpendRequest


# --- Errors ---------------------------------------------------------------------------------------


class ErrorDetail(Out):
    field: str
    message: str
    permission: str = Field(None, description="TOKEN_PERMISSION_DENIED: the permission the token lacks "
                                              "(`*`: full access)", json_schema_extra=lambda s: s.pop("default"))


class ErrorBody(Out):
    statusCode: int
    message: str = Field(description="What is wrong, in a sentence")
    error: str = Field(description="The HTTP reason phrase")
    code: str = Field(description="A stable UPPER_SNAKE name of the failure, for clients to branch on "
                                  "(VALIDATION_FAILED, NOT_FOUND, CHARGE_EXCEEDS_MAX, ...)")
    details: list[ErrorDetail] = Field(default=[], description="One entry per bad field, when there are any")
