"""Request bodies of the API, built from the input types the services check (``services.inputs``)."""
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from core.limits import PASSWORD_MAX, POOL_SETTINGS_MAX_BYTES, USERNAME_MAX
from services.inputs import Cents, Days, InvitableRole, ObjectId, PoolDescription, PoolName, Timestamp, Username


class Body(BaseModel):
    # Strict: "7" is not a number and 1 is not a string. Unknown fields are ignored.
    model_config = ConfigDict(strict=True, extra="ignore")


SETTINGS_RULE = f"Any JSON object of at most {POOL_SETTINGS_MAX_BYTES} bytes as compact JSON"


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
