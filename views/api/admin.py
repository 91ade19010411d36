"""What administrators do through the API: disable and enable accounts, report a rented server's setup."""
from services import admin, provisioning
from services.errors import CONFLICT, FORBIDDEN, PROVISIONING_TRANSITION_REFUSED, RENTAL_ENDED
from views.api import api
from views.api import examples as ex
from views.api import serializers as out
from views.api.operations import operation
from views.api.response_schemas import Account, ProvisioningReport
from views.api.schemas import ProvisioningBody
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


@api.put("/admin/rentals/<rental_id>/provisioning")
@operation(
    permission="admin.servers",
    tag="Administration", summary="Report a rented server's setup", message="Provisioning updated",
    body=ProvisioningBody, data=ProvisioningReport, errors=(FORBIDDEN, PROVISIONING_TRANSITION_REFUSED, RENTAL_ENDED),
    body_example=ex.PROVISIONING_BODY, example=ex.PROVISIONING_READY, error_examples=ex.PROVISIONING_REFUSALS,
    description="Administrators only (403 for everyone else). Sets the setup's `status`, `message` and `access` "
                "(both replaced; absent clears them); the rental's renter and pool members see them in the "
                "rental's `provisioning`. `ready` notifies the renter with the access details. `failed` refunds "
                "everything the rental was charged into the wallets that paid, ends the rental and releases the "
                "server (`refunded` says how much); reported again it changes nothing. From `pending` and "
                "`provisioning` any status may follow; from `ready`, `ready` or `provisioning` (a re-install); "
                "after `failed`, nothing (409 `PROVISIONING_TRANSITION_REFUSED`). A rental that has ended is "
                "refused (409 `RENTAL_ENDED`). Every change emits the webhook event "
                "`rental.provisioning_changed`.",
)
def report_provisioning(rental_id: str, body: ProvisioningBody):
    report = provisioning.report(api_user(), rental_id, body.status, body.message, body.access)
    return out.provisioning_report(report)
