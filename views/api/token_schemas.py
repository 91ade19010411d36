"""Request bodies and answers of the API token endpoints (``views.api.tokens``)."""
from typing import Any, Literal

from pydantic import Field, create_model

from core.limits import TOKEN_IP_WHITELIST_MAX
from services.inputs import TokenName
from services.permissions import LEAVES, TEMPLATES
from services.scoped_tokens import TEMPLATE_NAMES
from views.api.response_schemas import Id, Out, Timestamp
from views.api.schemas import Body

PERMISSIONS_RULE = ("A tree of booleans (docs/API.md \"Token permissions\"); a missing leaf is false. With "
                    "`permission_template`, its leaves set over the template's")
WHITELIST_RULE = f'Up to {TOKEN_IP_WHITELIST_MAX} IPv4/IPv6 addresses or CIDR ranges (IPv6 ranges too), or "*"'
EXPIRY_RULE = 'An ISO 8601 time with its offset, a Unix timestamp, "today" or "tomorrow" (their end, UTC)'
# The service checks these fields (one message whichever form is wrong); the schemas say what it takes.
_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
IPV4_RANGE = rf"^({_OCTET}\.){{3}}{_OCTET}/(3[0-2]|[12]?[0-9])$"
WHITELIST_SCHEMA = {"anyOf": [
    {"type": "array", "maxItems": TOKEN_IP_WHITELIST_MAX, "items": {"anyOf": [
        {"type": "string", "format": "ipv4"}, {"type": "string", "format": "ipv6"},
        {"type": "string", "pattern": IPV4_RANGE}]}},
    {"const": "*"}, {"type": "null"}]}
EXPIRY_SCHEMA = {"anyOf": [{"type": "string", "format": "date-time"}, {"enum": ["today", "tomorrow"]},
                           {"type": "string", "pattern": "^[0-9]{1,12}$"}, {"type": "number", "minimum": 0},
                           {"type": "null"}]}


def _tree_schema(prefix: str = "") -> dict:
    """The permission tree as JSON Schema: every branch and leaf by name, leaves true or false."""
    children: dict[str, dict] = {}
    for path in LEAVES:
        if path.startswith(prefix):
            head, _, rest = path[len(prefix):].partition(".")
            children[head] = _tree_schema(f"{prefix}{head}.") if rest else {"type": "boolean"}
    return {"type": "object", "properties": children, "additionalProperties": False}


PERMISSIONS_SCHEMA = _tree_schema()


class CreateTokenBody(Body):
    alias: TokenName = Field(description="The token's name")
    permission_template: Literal[TEMPLATE_NAMES] | None = Field(
        None, description="full_access when neither it nor `permissions` is given")
    permissions: dict[str, Any] | None = Field(None, description=PERMISSIONS_RULE,
                                               json_schema_extra={"anyOf": [PERMISSIONS_SCHEMA, {"type": "null"}]})
    ip_whitelist: Any = Field(None, description=WHITELIST_RULE + "; anywhere if absent",
                              json_schema_extra=WHITELIST_SCHEMA)
    expires_at: Any = Field(None, description=EXPIRY_RULE + "; never if absent", json_schema_extra=EXPIRY_SCHEMA)
    otp_code: str | None = Field(None, description="A second-factor code, when the account asks for one on tokens")


def _no_default(schema: dict) -> None:
    schema.pop("default", None)  # absent is "unchanged", which no value in the document could say


def _unchanged_if_absent(extra: dict | None = None):
    def adjust(schema: dict) -> None:
        _no_default(schema)
        schema.update(extra or {})
    return adjust


class UpdateTokenBody(Body):
    # Absent: unchanged. Only expires_at and ip_whitelist take null (no expiry, anywhere).
    alias: TokenName = Field(None, json_schema_extra=_unchanged_if_absent())
    permission_template: Literal[TEMPLATE_NAMES] = Field(None, json_schema_extra=_unchanged_if_absent())
    permissions: dict[str, Any] = Field(None, description=PERMISSIONS_RULE,
                                        json_schema_extra=_unchanged_if_absent(PERMISSIONS_SCHEMA))
    ip_whitelist: Any = Field(None, description=WHITELIST_RULE, json_schema_extra=WHITELIST_SCHEMA)
    expires_at: Any = Field(None, description=EXPIRY_RULE + "; null: never", json_schema_extra=EXPIRY_SCHEMA)
    is_enabled: bool = Field(None, description="A disabled token is refused (401) until enabled again",
                             json_schema_extra=_unchanged_if_absent())

    def changes(self) -> dict:
        """Only the fields the client sent."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class TokenOut(Out):
    id: Id
    alias: str
    prefix: str = Field(description="The token's first characters, to recognise it by")
    ip_whitelist: list[str]
    permissions: dict[str, Any] = Field(description="The whole tree, every leaf present")
    expires_at: Timestamp | None
    is_enabled: bool
    last_used_at: Timestamp | None
    last_used_ip: str | None
    created_at: Timestamp
    updated_at: Timestamp | None


# The create answer: the token itself first, then what every other answer shows of it.
CreatedTokenOut = create_model(
    "CreatedTokenOut", __base__=Out,
    token=(str, Field(description="The token itself: shown in this answer only")),
    **{name: (field.annotation, field) for name, field in TokenOut.model_fields.items()},
)


class CurrentToken(Out):
    token: TokenOut


class TemplateOut(Out):
    name: Literal[tuple(TEMPLATES)]
    description: str
    permissions: dict[str, Any]
