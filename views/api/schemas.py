"""Request bodies of the API, built from the input types the services check (``services.inputs``)."""
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from core.limits import (
    ANNOUNCEMENT_MESSAGE_MAX,
    PASSWORD_MAX,
    POOL_SETTINGS_MAX_BYTES,
    USERNAME_MAX,
)
from core.limits import NOTIFICATION_TYPES, SEVERITIES, NOTIFICATION_TITLE_MAX
from services.inputs import (
    Alias,
    Cents,
    CeilingCents,
    Days,
    Email,
    GivenPassword,
    InvitableRole,
    LowBalanceThreshold,
    NotificationPreferences,
    ObjectId,
    OneTimeCode,
    Password,
    PoolDescription,
    PoolName,
    ProvisioningAccess,
    ProvisioningMessage,
    ProvisioningStatus,
    Timestamp,
    Username,
    BudgetCents,
    PayFrom,
    TransferCents,
)


class Body(BaseModel):
    # Strict: "7" is not a number and 1 is not a string. Unknown fields are ignored.
    model_config = ConfigDict(strict=True, extra="ignore")


SETTINGS_RULE = f"Any JSON object of at most {POOL_SETTINGS_MAX_BYTES} bytes as compact JSON"


class LoginBody(Body):
    username: Annotated[str, StringConstraints(min_length=1, max_length=USERNAME_MAX)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=PASSWORD_MAX)]


class PasswordBody(Body):
    password: GivenPassword = Field(description="Your current password")


class CodeBody(Body):
    code: OneTimeCode = Field(description="The 6-digit code your authenticator app shows now")


class PasswordAndCodeBody(Body):
    password: GivenPassword = Field(description="Your current password")
    code: OneTimeCode = Field(description="A code from your authenticator app, or one of your backup codes")


class TwoFactorLoginBody(Body):
    temp_token: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="The `temp_token` the login answered with")
    code: OneTimeCode = Field(description="A code from your authenticator app, or one of your backup codes")


class TokenGateBody(Body):
    require_for_tokens: bool = Field(description="Whether making an API token needs a code (`otp_code`)")
    code: OneTimeCode | None = Field(None, description="A code; needed to turn the requirement off")


class CreatePoolBody(Body):
    name: PoolName = Field(description="Unique among your pools, compared after trimming spaces")
    description: PoolDescription | None = None
    settings: dict[str, Any] | None = Field(None, description=SETTINGS_RULE)


class UpdatePoolBody(Body):
    description: PoolDescription | None = Field(None, description="null clears the description")
    settings: dict[str, Any] = Field({}, description=SETTINGS_RULE + "; replaces the settings")

    def changes(self) -> dict:
        """Only the fields the client sent."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class InviteMemberBody(Body):
    username: Username
    role: InvitableRole


class ChangeRoleBody(Body):
    role: InvitableRole


class TransferBody(Body):
    user_id: ObjectId = Field(description="The member (an authorized one, not you) the pool is offered to")


PAY_FROM_RULE = "Whose wallet pays: `self` (yours) or `pool` (the pool's; for its owner and admins, and its users " \
                "where the pool's settings have `members_may_spend: true`)"


class RentBody(Body):
    rental_days: Days = Field(description="One of the server's durations (a key of its pricing.prices)")
    pool_id: ObjectId | None = Field(None, description="A pool you own or have joined; your default pool if absent")
    max_charge_cents: Cents | None = Field(None, description="Refuse (409) rather than charge more than this")
    pay_from: PayFrom = Field("self", description=PAY_FROM_RULE + " (`pool`: the pool the rental goes into)")


class ExtendBody(Body):
    additional_days: Days = Field(description="One of the server's durations (a key of its pricing.prices)")
    expected_rental_end: Timestamp | None = Field(
        None, description="The rental_end you saw; 409 and no charge if the rental now ends at another time")
    max_charge_cents: Cents | None = Field(None, description="Refuse (409) rather than charge more than this")
    pay_from: PayFrom = Field("self", description=PAY_FROM_RULE + " (the rental's pool)")


class PoolTransferBody(Body):
    amount_cents: TransferCents = Field(description="Whole cents moved from your wallet into the pool's")


class BudgetBody(Body):
    monthly_limit_cents: BudgetCents | None = Field(
        None, description="What may be paid from the pool's wallet in a calendar month (UTC); null: no limit")
    member_monthly_limit_cents: BudgetCents | None = Field(
        None, description="What each member may pay from it in a calendar month (UTC); null: no limit")
    approval_threshold_cents: BudgetCents | None = Field(
        None, description="A charge above this, by anyone but the owner, waits for approval; null: none does")


class AutoRenewBody(Body):
    additional_days: Days = Field(description="One of the server's durations (a key of its pricing.prices)")
    max_charge_cents: CeilingCents = Field(description="The most one renewal may cost; above it the renewal is "
                                                       "refused and tried again later")
    pay_from: PayFrom = Field("self", description=PAY_FROM_RULE + " (the rental's pool), for every renewal")


class AnnouncementBody(Body):
    # The rules (a title, an expiry in the future) are the service's; this gives the types and the document.
    title: str = Field(description=f"Required, not only spaces; at most {NOTIFICATION_TITLE_MAX} characters",
                       examples=["Maintenance tonight"],
                       json_schema_extra={"minLength": 1, "maxLength": NOTIFICATION_TITLE_MAX, "pattern": r"\S"})
    message: str = Field("", description=f"At most {ANNOUNCEMENT_MESSAGE_MAX} characters",
                         json_schema_extra={"maxLength": ANNOUNCEMENT_MESSAGE_MAX})
    type: Literal[NOTIFICATION_TYPES] = "ANNOUNCEMENT"
    severity: Literal[SEVERITIES] = "INFO"
    is_public: bool = Field(False, description="Also shown, without login, by GET /notifications/public")
    expires_at: Timestamp | None = Field(None, description="In the future; null: shown until expired by hand")


class ProvisioningBody(Body):
    status: ProvisioningStatus = Field(description="provisioning, ready or failed (which refunds and ends the rental)")
    message: ProvisioningMessage | None = Field(None, description="For the renter; null or absent clears it")
    # Checked by the service (services.inputs.ProvisioningAccess), described here inline.
    access: dict[str, Any] | None = Field(
        None, description="How the renter reaches the server; null or absent clears it",
        json_schema_extra={"properties": ProvisioningAccess.model_json_schema()["properties"]})


def _no_default(schema: dict) -> None:
    schema.pop("default", None)  # absent is "unchanged", which no value in the document could say


class UpdateMeBody(Body):
    """Only the fields sent change; the account service checks every rule (known events included)."""

    # Absent means unchanged; null is no value for these two (the defaults are never validated or sent on).
    alias: Alias = Field(
        None, description="The name others see; not empty", json_schema_extra=_no_default)
    email: Email | None = Field(
        None, description="Where notifications are emailed once verified; a new address is unverified and is "
                          "sent a link that verifies it; null removes it")
    notification_preferences: NotificationPreferences = Field(
        None, description="Per event, whether it is emailed and shown in the app; merged into the stored "
                          "preferences (an event or channel left out keeps its setting, and is on by default)",
        json_schema_extra=_no_default)
    low_balance_threshold_cents: LowBalanceThreshold | None = Field(
        None, description="Warn (wallet.low_balance) when the balance falls under this; null: no threshold")

    def changes(self) -> dict:
        """Only the fields the client sent."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class ForgotPasswordBody(Body):
    email: Email = Field(description="The verified address of the account")


class ResetPasswordBody(Body):
    token: Annotated[str, StringConstraints(min_length=1, max_length=1000)] = Field(
        description="The token of the link emailed by forgot-password")
    password: Password = Field(description="The new password")


class SignupBody(Body):
    username: Username
    password: Password
    email: Email | None = Field(None, description="Where notifications go once verified; a link that verifies it "
                                                  "is emailed when this server sends email")


class VerifyEmailBody(Body):
    token: Annotated[str, StringConstraints(min_length=1, max_length=1000)] = Field(
        description="The token of the link emailed to the address")
