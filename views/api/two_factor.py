"""Two-factor login through the API (the published service's paths): set up, confirm, turn off,
backup codes, the code asked before an API token is made, and the second step of a login."""
from core import security
from core.cache_control import no_store
from core.limits import TWO_FACTOR_LOGIN_MINUTES
from core.timeutil import isoformat
from services import tokens, two_factor
from services.permissions import FULL_ACCESS
from services.errors import ACCOUNT_DISABLED, CONFLICT, FORBIDDEN, RATE_LIMITED, TWO_FACTOR_REQUIRED, UNAUTHENTICATED
from views.api import api
from views.api import examples as ex
from views.api import serializers as out
from views.api.operations import operation
from views.api.response_schemas import BackupCodes, LoginResult, TwoFactorEnabled, TwoFactorSetup, TwoFactorStatus
from views.api.schemas import CodeBody, PasswordAndCodeBody, PasswordBody, TokenGateBody, TwoFactorLoginBody
from views.api.support import api_user

TAG = "Two-factor login"
WRONG_PASSWORD = {FORBIDDEN: two_factor.WRONG_PASSWORD}


@api.post("/users/auth/2fa/setup")
@no_store
@operation(
    permission=FULL_ACCESS,
    tag=TAG, summary="Start setting up two-factor login", message="Two-factor setup started", body=PasswordBody,
    data=TwoFactorSetup, errors=(FORBIDDEN, CONFLICT), body_example=ex.TWO_FACTOR_SETUP_BODY,
    example=ex.TWO_FACTOR_SETUP, error_examples=WRONG_PASSWORD,
    description="Needs your password (403 when wrong). Scan `qr_code` (or type `manual_entry_key`) into an "
                "authenticator app and keep the ten `backup_codes`: they are shown only now. Nothing changes for "
                "logins until `verify-setup` gets a code; starting again replaces an unconfirmed setup. 409 when "
                "two-factor login is on already.",
)
def two_factor_setup(body: PasswordBody):
    setup = two_factor.begin_setup(api_user(), body.password)
    return {"qr_code": setup.qr_code, "manual_entry_key": setup.manual_entry_key, "backup_codes": setup.backup_codes}


@api.post("/users/auth/2fa/verify-setup")
@security.two_factor_limits()
@operation(
    permission=FULL_ACCESS,
    tag=TAG, summary="Turn two-factor login on with a first code", message="Two-factor login enabled",
    body=CodeBody, data=TwoFactorEnabled, errors=(TWO_FACTOR_REQUIRED, CONFLICT, RATE_LIMITED),
    body_example=ex.TWO_FACTOR_CODE_BODY, example=ex.TWO_FACTOR_ENABLED, error_examples=ex.WRONG_CODE_REFUSALS,
    description="A wrong code is 401 `TWO_FACTOR_REQUIRED`. Turning it on signs out every browser session and "
                "revokes every token an API login made (named tokens keep working): `sessions_revoked` counts them.",
)
def two_factor_verify_setup(body: CodeBody):
    enabled_at, revoked = two_factor.confirm_setup(api_user(), body.code)
    return {"enabled": True, "enabled_at": isoformat(enabled_at), "sessions_revoked": revoked}


@api.get("/users/auth/2fa/status")
@operation(permission="resources.read_account",
           tag=TAG, summary="Whether two-factor login is on", message="Two-factor status retrieved",
           data=TwoFactorStatus, example=ex.TWO_FACTOR_STATUS)
def two_factor_status():
    return two_factor.status(api_user()).as_dict()


@api.delete("/users/auth/2fa")
@security.two_factor_limits()
@operation(
    permission=FULL_ACCESS,
    tag=TAG, summary="Turn two-factor login off", message="Two-factor login disabled", body=PasswordAndCodeBody,
    errors=(FORBIDDEN, TWO_FACTOR_REQUIRED, CONFLICT, RATE_LIMITED), body_example=ex.TWO_FACTOR_PASSWORD_AND_CODE_BODY,
    example=None, error_examples={**WRONG_PASSWORD, **ex.WRONG_CODE_REFUSALS},
    description="Needs your password (403 when wrong) and a code or a backup code (401 `TWO_FACTOR_REQUIRED`). "
                "The secret and the backup codes are deleted. 409 when two-factor login is off.",
)
def two_factor_disable(body: PasswordAndCodeBody):
    two_factor.disable(api_user(), body.password, body.code)


@api.post("/users/auth/2fa/backup-codes/regenerate")
@no_store
@security.two_factor_limits()
@operation(
    permission=FULL_ACCESS,
    tag=TAG, summary="Make new backup codes", message="Backup codes regenerated", body=PasswordAndCodeBody,
    data=BackupCodes, errors=(FORBIDDEN, TWO_FACTOR_REQUIRED, CONFLICT, RATE_LIMITED),
    body_example=ex.TWO_FACTOR_PASSWORD_AND_CODE_BODY, example={"backup_codes": ex.BACKUP_CODES},
    error_examples={**WRONG_PASSWORD, **ex.WRONG_CODE_REFUSALS},
    description="Ten new single-use codes, shown only now; every earlier one stops working.",
)
def two_factor_regenerate(body: PasswordAndCodeBody):
    return {"backup_codes": two_factor.regenerate_backup_codes(api_user(), body.password, body.code)}


@api.put("/users/auth/2fa/token-gate")
@security.two_factor_limits()
@operation(
    permission=FULL_ACCESS,
    tag=TAG, summary="Whether making an API token needs a code", message="Token gate updated", body=TokenGateBody,
    data=TwoFactorStatus, errors=(TWO_FACTOR_REQUIRED, CONFLICT, RATE_LIMITED), body_example=ex.TOKEN_GATE_BODY,
    example={**ex.TWO_FACTOR_STATUS, "require_for_tokens": True}, error_examples=ex.WRONG_CODE_REFUSALS,
    description="With `require_for_tokens` on, making a token (the tokens page, `POST /api/v1/auth/tokens`) needs "
                "a right `otp_code`. Turning it off needs a `code` (401 `TWO_FACTOR_REQUIRED` without one). 409 "
                "when two-factor login is off.",
)
def two_factor_token_gate(body: TokenGateBody):
    return two_factor.set_token_gate(api_user(), body.require_for_tokens, body.code).as_dict()


@api.post("/users/auth/2fa/verify")
@no_store
@security.two_factor_limits()
@operation(
    permission=None,
    tag=TAG, summary="Complete a login with a code", message="Login successful", body=TwoFactorLoginBody,
    data=LoginResult, public=True, errors=(UNAUTHENTICATED, TWO_FACTOR_REQUIRED, ACCOUNT_DISABLED, RATE_LIMITED),
    body_example=ex.TWO_FACTOR_VERIFY_BODY, example=ex.LOGIN_RESULT,
    error_examples={UNAUTHENTICATED: two_factor.LOGIN_EXPIRED, **ex.WRONG_CODE_REFUSALS},
    description=f"The second step of a login to an account with two-factor on: the `temp_token` the login "
                f"answered with and a code from the app, or a backup code (each works once). A wrong code is 401 "
                f"`TWO_FACTOR_REQUIRED` and the login waits for another; a `temp_token` is spent by the right "
                f"code and lasts {TWO_FACTOR_LOGIN_MINUTES} minutes (then 401 `UNAUTHENTICATED`). Attempts are "
                f"rate limited per pending login and per address (429).",
)
def two_factor_verify_login(body: TwoFactorLoginBody):
    user = two_factor.finish_login(body.temp_token, body.code)
    token, plain = tokens.create_login_token(user)
    return {"token": plain, "expires_at": isoformat(token.expires_at), "user": out.own_user(user)}
