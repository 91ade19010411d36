"""Request bodies of the API: types and limits, all taken from ``core.limits``."""
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from core.ids import ID_PATTERN, normalize_id
from core.limits import (
    ALIAS_MAX,
    DURATION_DAYS_MAX,
    EMAIL_MAX,
    EMAIL_PATTERN,
    INVITABLE_ROLES,
    LOW_BALANCE_THRESHOLD_MAX_CENTS,
    NOTIFICATION_CHANNELS,
    PASSWORD_MAX,
    POOL_DESCRIPTION_MAX,
    POOL_NAME_MAX,
    POOL_SETTINGS_MAX_BYTES,
    USERNAME_MAX,
    USERNAME_PATTERN,
)
from core.timeutil import parse_timestamp
from services.notification_texts import EVENTS


class Body(BaseModel):
    # Strict: "7" is not a number and 1 is not a string. Unknown fields are ignored.
    model_config = ConfigDict(strict=True, extra="ignore")


def _storable(value: str) -> str:
    # PostgreSQL cannot store NUL in a text column.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


PoolName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=POOL_NAME_MAX),
                     AfterValidator(_storable)]
PoolDescription = Annotated[str, StringConstraints(max_length=POOL_DESCRIPTION_MAX), AfterValidator(_storable)]
Username = Annotated[str, StringConstraints(min_length=1, max_length=USERNAME_MAX, pattern=USERNAME_PATTERN)]
InvitableRole = Literal[INVITABLE_ROLES]
SETTINGS_RULE = f"Any JSON object of at most {POOL_SETTINGS_MAX_BYTES} bytes as compact JSON"


def _integral_float_as_int(value: Any) -> Any:
    # JSON Schema counts 7.0 as an integer, and a client may well send a computed 7 as 7.0: both are 7.
    # Anything else goes on to the strict check unchanged: 1.5, "7" and true stay errors.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def integer(**limits: Any) -> Any:
    """The type of every integer field of a request body, with its ``Field`` limits (``ge``, ``le``).

    The limits go inside the conversion so that the JSON Schema keeps them as ``minimum``/``maximum``.
    """
    return Annotated[int, Field(**limits), BeforeValidator(_integral_float_as_int)]


Days = integer(ge=1, le=DURATION_DAYS_MAX)
Cents = integer(ge=0)


def _object_id(value: str) -> str:
    canonical = normalize_id(value)
    if canonical is None:
        raise ValueError("must be a 24-character hexadecimal string")
    return canonical


# The JSON Schema (for the OpenAPI document) says what the validators check.
ObjectId = Annotated[str, AfterValidator(_object_id),
                     Field(json_schema_extra={"pattern": ID_PATTERN.pattern}, examples=["507f1f77bcf86cd799439300"])]
Timestamp = Annotated[str, AfterValidator(parse_timestamp),
                      Field(json_schema_extra={"format": "date-time"}, examples=["2025-01-28T22:00:00.000Z"])]


class LoginBody(Body):
    username: Annotated[str, StringConstraints(min_length=1, max_length=USERNAME_MAX)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=PASSWORD_MAX)]


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


class RentBody(Body):
    rental_days: Days = Field(description="One of the server's durations (a key of its pricing.prices)")
    pool_id: ObjectId | None = Field(None, description="A pool you own or have joined; your default pool if absent")
    max_charge_cents: Cents | None = Field(None, description="Refuse (409) rather than charge more than this")


class ExtendBody(Body):
    additional_days: Days = Field(description="One of the server's durations (a key of its pricing.prices)")
    expected_rental_end: Timestamp | None = Field(
        None, description="The rental_end you saw; 409 and no charge if the rental now ends at another time")
    max_charge_cents: Cents | None = Field(None, description="Refuse (409) rather than charge more than this")


def _no_default(schema: dict) -> None:
    schema.pop("default", None)  # absent is "unchanged", which no value in the document could say


class UpdateMeBody(Body):
    """Only the fields sent change; the account service checks every rule (known events included)."""

    # Absent means unchanged; null is no value for these two (the defaults are never validated or sent on).
    alias: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=ALIAS_MAX),
                     AfterValidator(_storable)] = Field(
        None, description="The name others see; not empty", json_schema_extra=_no_default)
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=EMAIL_MAX, pattern=EMAIL_PATTERN),
                     AfterValidator(_storable)] | None = Field(
        None, description="Where notifications are emailed once verified; a new address is unverified and is "
                          "sent a link that verifies it; null removes it")
    notification_preferences: dict[Literal[tuple(EVENTS)], dict[Literal[NOTIFICATION_CHANNELS], bool]] = Field(
        None, description="Per event, whether it is emailed and shown in the app; merged into the stored "
                          "preferences (an event or channel left out keeps its setting, and is on by default)",
        json_schema_extra=_no_default)
    low_balance_threshold_cents: integer(ge=0, le=LOW_BALANCE_THRESHOLD_MAX_CENTS) | None = Field(
        None, description="Warn (wallet.low_balance) when the balance falls under this; null: no threshold")

    def changes(self) -> dict:
        """Only the fields the client sent."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class VerifyEmailBody(Body):
    token: Annotated[str, StringConstraints(min_length=1, max_length=1000)] = Field(
        description="The token of the link emailed to the address")
