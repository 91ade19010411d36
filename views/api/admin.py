"""What administrators do through the API: disable and enable accounts."""
from services import admin
from services.errors import CONFLICT, FORBIDDEN
from views.api import api
from views.api import examples as ex
from views.api import serializers as out
from views.api.operations import operation
from views.api.response_schemas import Account
from views.api.support import api_user


@api.post("/admin/users/<user_id>/disable")
@operation(
    permission="admin.users",
    tag="Administration", summary="Disable an account", message="User disabled", data=Account,
    errors=(FORBIDDEN, CONFLICT), example=ex.SEED_ACCOUNT_DISABLED, error_examples=ex.DISABLE_USER_REFUSALS,
    description="Administrators only (403 for everyone else). From now on the account's logins (with the right "
                "password), API tokens and browser sessions get 403 \"This account is disabled\"; its browser "
                "sessions are ended. Disabling a disabled account changes nothing. An administrator cannot "
                "disable their own account (409).",
)
def disable_user(user_id: str):
    """Refuse the account's logins, tokens and browser sessions (403) until it is enabled."""
    return out.account(admin.disable_user(api_user(), user_id))


@api.post("/admin/users/<user_id>/enable")
@operation(
    permission="admin.users",
    tag="Administration", summary="Enable a disabled account", message="User enabled", data=Account,
    errors=(FORBIDDEN,), example=ex.SEED_ACCOUNT_ENABLED, error_examples=ex.ADMIN_REFUSALS,
    description="Administrators only (403 for everyone else). The account's API tokens work again; its browser "
                "sessions ended when it was disabled, so its user logs in again. Enabling an enabled account "
                "changes nothing.",
)
def enable_user(user_id: str):
    return out.account(admin.enable_user(api_user(), user_id))
