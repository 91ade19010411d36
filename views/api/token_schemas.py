"""Request bodies and answers of the API token endpoints (``views.api.tokens``)."""
from typing import Any, Literal

from pydantic import Field, create_model

from core.limits import TOKEN_IP_WHITELIST_MAX
from services.permissions import TEMPLATES
from services.scoped_tokens import TEMPLATE_NAMES
from views.api.response_schemas import Id, Out, Timestamp
from views.api.schemas import Body

PERMISSIONS_RULE = ("A tree of booleans (docs/API.md \"Token permissions\"); a missing leaf is false. With "
                    "`permission_template`, its leaves set over the template's")
WHITELIST_RULE = f'Up to {TOKEN_IP_WHITELIST_MAX} IPv4/IPv6 addresses or CIDR ranges, or "*" for anywhere'
EXPIRY_RULE = 'An ISO 8601 time with its offset, a Unix timestamp, "today" or "tomorrow" (their end, UTC)'
# Either form is checked by the service, which names the field in one message whichever form is wrong.
WHITELIST_SCHEMA = {"anyOf": [{"type": "array", "items": {"type": "string"}, "maxItems": TOKEN_IP_WHITELIST_MAX},
                              {"const": "*"}, {"type": "null"}]}
EXPIRY_SCHEMA = {"anyOf": [{"type": "string"}, {"type": "number", "minimum": 0}, {"type": "null"}]}


class CreateTokenBody(Body):
    alias: str = Field(description="The token's name")
    permission_template: Literal[TEMPLATE_NAMES] | None = Field(
        None, description="full_access when neither it nor `permissions` is given")
    permissions: dict[str, Any] | None = Field(None, description=PERMISSIONS_RULE)
    ip_whitelist: Any = Field(None, description=WHITELIST_RULE + "; anywhere if absent",
                              json_schema_extra=WHITELIST_SCHEMA)
    expires_at: Any = Field(None, description=EXPIRY_RULE + "; never if absent", json_schema_extra=EXPIRY_SCHEMA)
    otp_code: str | None = Field(None, description="A second-factor code, when the account asks for one on tokens")


class UpdateTokenBody(Body):
    alias: str | None = None
    permission_template: Literal[TEMPLATE_NAMES] | None = None
    permissions: dict[str, Any] | None = Field(None, description=PERMISSIONS_RULE)
    ip_whitelist: Any = Field(None, description=WHITELIST_RULE, json_schema_extra=WHITELIST_SCHEMA)
    expires_at: Any = Field(None, description=EXPIRY_RULE + "; null: never", json_schema_extra=EXPIRY_SCHEMA)
    is_enabled: bool | None = Field(None, description="A disabled token is refused (401) until enabled again")

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
