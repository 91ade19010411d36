"""The rule for each input a person or a client gives: one type per input, checked by the service
action that takes it.

The API's request bodies are built from these types too (``views.api.schemas``), and the pages'
forms only convert what was typed and show what the service refused, so a value is refused in the
same words wherever it comes from. Limits come from ``core.limits``.
"""
import ipaddress
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)

from core.ids import ID_PATTERN, normalize_id
from core.limits import (
    ALIAS_MAX,
    BUDGET_MAX_CENTS,
    CREDIT_MAX_CENTS,
    TRANSFER_MAX_CENTS,
    CREDIT_REQUEST_REASON_MAX,
    DURATION_DAYS_MAX,
    EMAIL_MAX,
    EMAIL_PATTERN,
    HOSTNAME_MAX,
    IP_MAX,
    INVITABLE_ROLES,
    ANNOUNCEMENT_MESSAGE_MAX,
    LOW_BALANCE_THRESHOLD_MAX_CENTS,
    NOTIFICATION_CHANNELS,
    NOTIFICATION_TITLE_MAX,
    NOTIFICATION_TYPES,
    SEVERITIES,
    ONE_TIME_CODE_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    PAGE_OFFSET_MAX,
    POOL_DESCRIPTION_MAX,
    POOL_NAME_MAX,
    POOL_SETTINGS_MAX_BYTES,
    PROVISIONING_ADDRESSES_MAX,
    PROVISIONING_MESSAGE_MAX,
    PROVISIONING_NOTES_MAX,
    PROVISIONING_REPORTED,
    PRICE_CENTS_MAX,
    TOKEN_IP_WHITELIST_MAX,
    TOKEN_NAME_MAX,
    USERNAME_MAX,
    USERNAME_PATTERN,
    WEBHOOK_DESCRIPTION_MAX,
    WEBHOOK_URL_MAX,
)
from core.money import InvalidAmount, format_dollars, parse_dollars
from core.numbers import parse_whole_number
from core.timeutil import parse_timestamp
from services.errors import BadRequest
from services.notification_texts import EVENTS
from services.permissions import TEMPLATES, unknown_paths
from services.token_addresses import normalized
from services.token_expiry import parse_expiry
from services.validation import describe, field_name
from services.webhook_events import ALL, WEBHOOK_EVENT_TYPES

WEBHOOK_EVENTS_LISTED_MAX = 50  # names in one endpoint's list (duplicates count until they are dropped)

# NUL cannot be stored in a PostgreSQL text column, and a lone surrogate cannot be encoded at all.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _storable(value: str) -> str:
    found = _UNSTORABLE.search(value)
    if found is not None:
        raise ValueError("must not contain " + ("NUL characters" if found.group() == "\x00" else "lone surrogates"))
    return value


def _encodable(value: str) -> str:
    # A password is hashed, never stored as text: only what UTF-8 cannot encode is refused.
    if _SURROGATE.search(value):
        raise ValueError("must not contain lone surrogates")
    return value


PoolName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=POOL_NAME_MAX),
                     AfterValidator(_storable)]
PoolDescription = Annotated[str, StringConstraints(max_length=POOL_DESCRIPTION_MAX), AfterValidator(_storable)]
Username = Annotated[str, StringConstraints(min_length=1, max_length=USERNAME_MAX, pattern=USERNAME_PATTERN)]
# The name others see. Registering without one (or with only spaces, on a page) takes the username instead.
Alias = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=ALIAS_MAX),
                  AfterValidator(_storable)]
# The document's pattern leaves NUL out too, which ``_storable`` refuses in its own words.
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=EMAIL_MAX, pattern=EMAIL_PATTERN),
                  AfterValidator(_storable), Field(json_schema_extra={"pattern": EMAIL_PATTERN.replace("[^", "[^\\x00")})]
Password = Annotated[str, StringConstraints(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX),
                     AfterValidator(_encodable)]
# A password given to confirm who is asking: checked against the stored hash, so only its length is ruled.
GivenPassword = Annotated[str, StringConstraints(min_length=1, max_length=PASSWORD_MAX), AfterValidator(_encodable)]
# Six digits from an authenticator app or a backup code; spaces and dashes a person types are ignored.
OneTimeCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=ONE_TIME_CODE_MAX)]
TokenName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TOKEN_NAME_MAX),
                      AfterValidator(_storable)]
InvitableRole = Literal[INVITABLE_ROLES]


def _token_expiry(value: Any) -> Any:
    return parse_expiry(value)


def _permission_tree(value: Any) -> dict:
    if not isinstance(value, dict):
        raise ValueError("must be an object of permissions")
    wrong = unknown_paths(value)
    if wrong:
        raise ValueError(f"has what is not a permission (or not true or false): {', '.join(wrong)}")
    return value


def _ip_whitelist(value: Any) -> list[str] | None:
    if not (value == "*" or isinstance(value, list) and all(isinstance(entry, str) for entry in value)):
        raise ValueError('must be a list of IP addresses or CIDR ranges, or "*"')
    if isinstance(value, list) and len(value) > TOKEN_IP_WHITELIST_MAX:
        raise ValueError(f"must have at most {TOKEN_IP_WHITELIST_MAX} entries")
    return normalized(value)


# When an API token stops working: an ISO time with its offset, a Unix timestamp, "today" or "tomorrow"
# (their end, UTC); never in the past.
TokenExpiry = Annotated[Any, AfterValidator(_token_expiry)]
PermissionTree = Annotated[Any, AfterValidator(_permission_tree)]
PermissionTemplate = Literal[tuple(TEMPLATES)]
IpWhitelist = Annotated[Any, AfterValidator(_ip_whitelist)]
SearchText = Annotated[str, AfterValidator(_storable)]  # compared with stored text, so it must be storable


def _settings_size(settings: dict) -> dict:
    if len(json.dumps(settings, separators=(",", ":")).encode("utf-8")) > POOL_SETTINGS_MAX_BYTES:
        raise ValueError(f"must be at most {POOL_SETTINGS_MAX_BYTES} bytes as JSON")
    return settings


MEMBERS_MAY_SPEND = "members_may_spend"  # the setting that lets members with the user role pay from the pool


def _spending_setting(settings: dict) -> dict:
    if MEMBERS_MAY_SPEND in settings and not isinstance(settings[MEMBERS_MAY_SPEND], bool):
        raise ValueError(f"{MEMBERS_MAY_SPEND} must be true or false")
    return settings


PoolSettings = Annotated[dict[str, Any], AfterValidator(_settings_size), AfterValidator(_spending_setting)]


def _integral_float_as_int(value: Any) -> Any:
    # JSON Schema counts 7.0 as an integer, and a client may well send a computed 7 as 7.0: both are 7.
    # Anything else goes on to the strict check unchanged: 1.5, "7" and true stay errors.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def integer(**limits: Any) -> Any:
    """The type of every integer input, with its ``Field`` limits (``ge``, ``le``).

    The limits go inside the conversion so that the JSON Schema keeps them as ``minimum``/``maximum``.
    """
    return Annotated[int, Field(**limits), BeforeValidator(_integral_float_as_int)]


Days = integer(ge=1, le=DURATION_DAYS_MAX)
Cents = integer(ge=0)


def _credit_limits(cents: int) -> int:
    if cents <= 0:
        raise ValueError("must be greater than zero")
    if cents > CREDIT_MAX_CENTS:
        raise ValueError(f"must be at most {format_dollars(CREDIT_MAX_CENTS)}")
    return cents


CreditCents = Annotated[int, AfterValidator(_credit_limits)]
# The amount of a request for credit: a whole number of cents (7.0 is 7, as for every integer input).
RequestedCents = Annotated[int, BeforeValidator(_integral_float_as_int), AfterValidator(_credit_limits),
                           Field(json_schema_extra={"minimum": 1, "maximum": CREDIT_MAX_CENTS})]


def _dollar_string(value: str) -> int:
    # Cents; the bounds of a card top-up are settings, so the service checks them after this.
    if not re.fullmatch(r"\s*\d{1,9}(\.\d+)?\s*", value):
        raise ValueError('must be an amount of dollars such as "50.00"')
    try:
        return parse_dollars(value)
    except InvalidAmount:
        raise ValueError("must not have fractions of a cent (at most 2 decimal places)") from None


# A money string, as the published top-up takes it: "50.00" -> 5000.
DollarString = Annotated[str, AfterValidator(_dollar_string),
                         Field(json_schema_extra={"pattern": r"^\d{1,9}(\.\d{1,2})?$"}, examples=["50.00"])]
CreditRequestReason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                       max_length=CREDIT_REQUEST_REASON_MAX),
                                AfterValidator(_storable)]


def _transfer_limits(cents: int) -> int:
    if cents <= 0:
        raise ValueError("must be greater than zero")
    if cents > TRANSFER_MAX_CENTS:
        raise ValueError(f"must be at most {TRANSFER_MAX_CENTS} ({format_dollars(TRANSFER_MAX_CENTS)})")
    return cents


# Whole cents moved from a wallet into a pool's.
TransferCents = Annotated[integer(), AfterValidator(_transfer_limits),
                          Field(json_schema_extra={"minimum": 1, "maximum": TRANSFER_MAX_CENTS})]
# A pool's monthly limit, a member's, or the charge above which spending needs approval (null: none).
BudgetCents = integer(ge=0, le=BUDGET_MAX_CENTS)
# Whose wallet pays a charge: the caller's own, or the pool's the rental is in.
PayFrom = Literal["self", "pool"]


def _threshold_limit(cents: int) -> int:
    # In dollars, as the account page takes it: the same words fit the API's cents.
    if cents > LOW_BALANCE_THRESHOLD_MAX_CENTS:
        raise ValueError(f"must be at most {format_dollars(LOW_BALANCE_THRESHOLD_MAX_CENTS)}")
    return cents


LowBalanceThreshold = Annotated[integer(ge=0), AfterValidator(_threshold_limit),
                                Field(json_schema_extra={"maximum": LOW_BALANCE_THRESHOLD_MAX_CENTS})]


def _ceiling_limit(cents: int) -> int:
    # In dollars, as the rental pages take it: the same words fit the API's cents.
    if cents > PRICE_CENTS_MAX:
        raise ValueError(f"must be at most {format_dollars(PRICE_CENTS_MAX)}")
    return cents


# The most an auto-renewal may charge: stored, so bounded by the highest price a server can have.
CeilingCents = Annotated[integer(ge=0), AfterValidator(_ceiling_limit),
                         Field(json_schema_extra={"maximum": PRICE_CENTS_MAX})]
# Per event, whether it is emailed and shown in the app; an unknown event or channel is named as the field.
NotificationTitle = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                     max_length=NOTIFICATION_TITLE_MAX), AfterValidator(_storable)]
AnnouncementMessage = Annotated[str, StringConstraints(max_length=ANNOUNCEMENT_MESSAGE_MAX), AfterValidator(_storable)]
NotificationType = Literal[NOTIFICATION_TYPES]
Severity = Literal[SEVERITIES]
NotificationPreferences = dict[Literal[tuple(EVENTS)], dict[Literal[NOTIFICATION_CHANNELS], bool]]


def _object_id(value: str) -> str:
    canonical = normalize_id(value)
    if canonical is None:
        raise ValueError("must be a 24-character hexadecimal string")
    return canonical


def _query_whole_number(value: Any) -> Any:
    # A query string carries text: a whole number written as core.numbers reads numbers ("2", "2.0",
    # "2e0") is that number; other text is refused as not an integer. Values in JSON are left to the strict check.
    if isinstance(value, str):
        number = parse_whole_number(value.strip(" \t"))
        if number is None:
            raise ValueError("must be an integer")
        return number
    return value


# The published invoice list pages by page number, not offset; the offset they make stays in range.
INVOICE_LIMIT_MAX = 100
INVOICE_PAGE_MAX = PAGE_OFFSET_MAX // INVOICE_LIMIT_MAX
InvoicePageNumber = Annotated[integer(ge=1, le=INVOICE_PAGE_MAX), BeforeValidator(_query_whole_number)]
InvoicePageSize = Annotated[integer(ge=1, le=INVOICE_LIMIT_MAX), BeforeValidator(_query_whole_number)]


# The JSON Schema (for the OpenAPI document) says what the validators check.
ObjectId = Annotated[str, AfterValidator(_object_id),
                     Field(json_schema_extra={"pattern": ID_PATTERN.pattern}, examples=["507f1f77bcf86cd799439300"])]
def _webhook_events(value: list[str]) -> list[str]:
    if not value:
        raise ValueError(f"must name at least one event type, or be [\"{ALL}\"] for all of them")
    unknown = [name for name in value if name != ALL and name not in WEBHOOK_EVENT_TYPES]
    if unknown:
        raise ValueError(f"has unknown event types ({', '.join(unknown)}); allowed: "
                         f"{', '.join(WEBHOOK_EVENT_TYPES)}, or \"{ALL}\" for all of them")
    if ALL in value and len(value) > 1:
        raise ValueError(f"must be [\"{ALL}\"] alone, or a list of event types")
    return list(dict.fromkeys(value))


WebhookUrl = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=WEBHOOK_URL_MAX),
                       AfterValidator(_storable)]
WebhookDescription = Annotated[str, StringConstraints(max_length=WEBHOOK_DESCRIPTION_MAX), AfterValidator(_storable)]
WebhookEvents = Annotated[
    list[str], Field(max_length=WEBHOOK_EVENTS_LISTED_MAX), AfterValidator(_webhook_events),
    # The document says what the validator checks: ["*"] alone, or a list of known event types.
    WithJsonSchema({"oneOf": [
        {"type": "array", "items": {"const": ALL}, "minItems": 1, "maxItems": 1},
        {"type": "array", "items": {"type": "string", "enum": list(WEBHOOK_EVENT_TYPES)}, "minItems": 1,
         "maxItems": WEBHOOK_EVENTS_LISTED_MAX},
    ]}),
]
Flag = bool


Timestamp = Annotated[str, AfterValidator(parse_timestamp),
                      Field(json_schema_extra={"format": "date-time"}, examples=["2025-01-28T22:00:00.000Z"])]
Moment = AwareDatetime  # a time an action compares with stored times: one with its time zone

# A calendar month and a day of the spending figures and the exports. A month's year stops short of
# 9999 so the month after it still exists; the patterns say exactly what is taken (the OpenAPI document).
MONTH_RULE = "must be a month such as 2025-01"
DAY_RULE = "must be a date such as 2025-01-31"
MONTH_PATTERN = r"^(19[7-9][0-9]|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])-(0[1-9]|1[0-2])$"
_MONTH = re.compile(MONTH_PATTERN)
DAY_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DAY = re.compile(DAY_PATTERN)


def _month(value: str) -> date:
    if not _MONTH.fullmatch(value):
        raise ValueError(MONTH_RULE)
    return date(int(value[:4]), int(value[5:]), 1)


def _day(value: str) -> date:
    try:
        if _DAY.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise ValueError(DAY_RULE)


Month = Annotated[str, AfterValidator(_month), Field(json_schema_extra={"pattern": MONTH_PATTERN},
                                                     examples=["2025-01"])]
Day = Annotated[str, AfterValidator(_day), Field(json_schema_extra={"format": "date", "pattern": DAY_PATTERN},
                                                 examples=["2025-01-31"])]


@dataclass(frozen=True)
class Maybe:
    """An input an action can do without: ``None`` passes, anything else must be a ``kind``."""

    kind: Any


_ADAPTERS: dict[int, tuple[Any, TypeAdapter]] = {}


def _adapter(kind: Any) -> TypeAdapter:
    # Keyed by identity: the types are module constants; the entry keeps ``kind`` alive with its adapter.
    if id(kind) not in _ADAPTERS:
        # A model (an object with fields of its own) is strict through its own config.
        config = None if isinstance(kind, type) and issubclass(kind, BaseModel) else ConfigDict(strict=True)
        _ADAPTERS[id(kind)] = (kind, TypeAdapter(kind, config=config))
    return _ADAPTERS[id(kind)][1]


def checked(**fields: tuple[Any, Any]) -> list:
    """``checked(name=(PoolName, name), ...)`` -> the values as their types make them (a pool name
    trimmed, an id in canonical form), in the order given. One 400 names every field that breaks its
    type's rule, in the words the API uses; ``None`` is missing unless the type is a ``Maybe``."""
    values, details = [], []
    for field, (kind, value) in fields.items():
        if value is None:
            if not isinstance(kind, Maybe):
                details.append({"field": field, "message": "is required"})
            values.append(None)
            continue
        if isinstance(kind, Maybe):
            kind = kind.kind
        try:
            values.append(_adapter(kind).validate_python(value))
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                error["loc"] = (field, *error["loc"])
                details.append({"field": field_name(error["loc"]), "message": describe(error)})
    if details:
        raise BadRequest.for_fields(details)
    return values


def is_valid(kind: Any, value: Any) -> bool:
    """Whether ``value`` passes ``kind``'s rule (for lookups, where a bad value simply finds nothing)."""
    try:
        _adapter(kind).validate_python(value)
    except ValidationError:
        return False
    return True


# --- Provisioning: a rented server's setup as administrators report it -----------------------------

def _ip_of_version(version: int):
    def check(value: str) -> str:
        try:
            address = ipaddress.ip_address(value.strip())
        except ValueError:
            raise ValueError(f"must be an IPv{version} address") from None
        if address.version != version:
            raise ValueError(f"must be an IPv{version} address")
        return address.compressed  # one text form per address: 2001:DB8:0::1 -> 2001:db8::1
    return check


# A DNS name as RFC 1123 allows it: dot-separated labels of letters, digits and inner hyphens, each at most
# 63 characters; a final dot is allowed and dropped. No lookarounds: the OpenAPI document carries it too.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOSTNAME_PATTERN = rf"^{_LABEL}(?:\.{_LABEL})*\.?$"
_HOSTNAME = re.compile(HOSTNAME_PATTERN)


def _hostname(value: str) -> str:
    if not _HOSTNAME.fullmatch(value):  # not match: "$" would let a final newline through
        raise ValueError("must be a host name like node-1.example.com (letters, digits, hyphens and dots)")
    return value.rstrip(".").lower()


# The JSON Schema (for the OpenAPI document) says what the validators check.
IPv4Text = Annotated[str, StringConstraints(max_length=IP_MAX), AfterValidator(_ip_of_version(4)),
                     Field(json_schema_extra={"format": "ipv4"}, examples=["203.0.113.10"])]
IPv6Text = Annotated[str, StringConstraints(max_length=IP_MAX), AfterValidator(_ip_of_version(6)),
                     Field(json_schema_extra={"format": "ipv6"}, examples=["2001:db8::10"])]
Hostname = Annotated[str, StringConstraints(max_length=HOSTNAME_MAX), AfterValidator(_hostname),
                     Field(json_schema_extra={"pattern": HOSTNAME_PATTERN}, examples=["node-us-nyc-1.example.com"])]
ProvisioningStatus = Literal[PROVISIONING_REPORTED]
ProvisioningMessage = Annotated[str, StringConstraints(strip_whitespace=True, max_length=PROVISIONING_MESSAGE_MAX),
                                AfterValidator(_storable)]
ProvisioningNotes = Annotated[str, StringConstraints(max_length=PROVISIONING_NOTES_MAX), AfterValidator(_storable)]


class ProvisioningAccess(BaseModel):
    """How the renter reaches the server: its addresses, its host name, and notes (a login, a port)."""

    model_config = ConfigDict(strict=True, extra="ignore")

    ipv4: list[IPv4Text] = Field([], max_length=PROVISIONING_ADDRESSES_MAX)
    ipv6: list[IPv6Text] = Field([], max_length=PROVISIONING_ADDRESSES_MAX)
    hostname: Hostname | None = None
    notes: ProvisioningNotes | None = None
