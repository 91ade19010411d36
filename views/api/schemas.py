"""Request bodies of the API: types and limits, all taken from ``core.limits``."""
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from core.ids import normalize_id
from core.limits import (
    DURATION_DAYS_MAX,
    INVITABLE_ROLES,
    PASSWORD_MAX,
    POOL_DESCRIPTION_MAX,
    POOL_NAME_MAX,
    USERNAME_MAX,
    USERNAME_PATTERN,
)
from core.timeutil import parse_timestamp


class Body(BaseModel):
    # Strict: "7" is not a number and 1 is not a string. Unknown fields are ignored.
    model_config = ConfigDict(strict=True, extra="ignore")


PoolName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=POOL_NAME_MAX)]
PoolDescription = Annotated[str, StringConstraints(max_length=POOL_DESCRIPTION_MAX)]
Username = Annotated[str, StringConstraints(min_length=1, max_length=USERNAME_MAX, pattern=USERNAME_PATTERN)]
InvitableRole = Literal[INVITABLE_ROLES]
Days = Annotated[int, Field(ge=1, le=DURATION_DAYS_MAX)]
Cents = Annotated[int, Field(ge=0)]


def _object_id(value: str) -> str:
    canonical = normalize_id(value)
    if canonical is None:
        raise ValueError("must be a 24-character hexadecimal string")
    return canonical


ObjectId = Annotated[str, AfterValidator(_object_id)]
Timestamp = Annotated[str, AfterValidator(parse_timestamp)]


class LoginBody(Body):
    username: Annotated[str, StringConstraints(min_length=1, max_length=USERNAME_MAX)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=PASSWORD_MAX)]


class CreatePoolBody(Body):
    name: PoolName
    description: PoolDescription | None = None
    settings: dict[str, Any] | None = None


class UpdatePoolBody(Body):
    description: PoolDescription | None = None
    settings: dict[str, Any] = {}

    def changes(self) -> dict:
        """Only the fields the client sent."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class InviteMemberBody(Body):
    username: Username
    role: InvitableRole


class ChangeRoleBody(Body):
    role: InvitableRole


class RentBody(Body):
    rental_days: Days
    pool_id: ObjectId | None = None
    max_charge_cents: Cents | None = None


class ExtendBody(Body):
    additional_days: Days
    expected_rental_end: Timestamp | None = None  # an ISO 8601 time, e.g. 2025-01-28T22:00:00.000Z
    max_charge_cents: Cents | None = None
