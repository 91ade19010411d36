"""Request bodies of the API: types and limits, all taken from ``core.limits``."""
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

from core.limits import (
    INVITABLE_ROLES,
    PASSWORD_MAX,
    POOL_DESCRIPTION_MAX,
    POOL_NAME_MAX,
    USERNAME_MAX,
    USERNAME_PATTERN,
)


class Body(BaseModel):
    # Strict: "7" is not a number and 1 is not a string. Unknown fields are ignored.
    model_config = ConfigDict(strict=True, extra="ignore")


PoolName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=POOL_NAME_MAX)]
PoolDescription = Annotated[str, StringConstraints(max_length=POOL_DESCRIPTION_MAX)]
Username = Annotated[str, StringConstraints(min_length=1, max_length=USERNAME_MAX, pattern=USERNAME_PATTERN)]
InvitableRole = Literal[INVITABLE_ROLES]


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
