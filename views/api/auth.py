"""Logging in through the API: a bearer token for a username and password."""
from core import security
from core.cache_control import no_store
from core.limits import LOGIN_TOKEN_DAYS
from core.timeutil import isoformat
from services import accounts, tokens, two_factor
from services.errors import ACCOUNT_DISABLED, RATE_LIMITED, UNAUTHENTICATED, Unauthenticated
from views.api import api
from views.api import examples as ex
from views.api import serializers as out
from views.api.operations import operation
from views.api.response_schemas import LoginResult, TwoFactorChallengeResult
from views.api.schemas import LoginBody


@api.post("/users/auth/login")
@no_store
@security.login_limits()
@operation(
    permission=None,
    tag="Authentication", summary="Log in and get a bearer token", message="Login successful",
    body=LoginBody, data=LoginResult | TwoFactorChallengeResult, public=True, errors=(UNAUTHENTICATED, ACCOUNT_DISABLED, RATE_LIMITED),
    body_example=ex.LOGIN_BODY, example=ex.LOGIN_RESULT, error_examples=ex.LOGIN_REFUSALS,
    description=f"Makes a token named \"API login\" that expires {LOGIN_TOKEN_DAYS} days later. A wrong password "
                "and an unknown user get the same 401; the right password of an account an administrator has "
                "disabled gets 403. Attempts are rate limited per username and per address (429). With two-factor "
                "login on, the answer is `{requires_2fa: true, temp_token, method: \"totp\"}` and no token: "
                "`POST /api/v1/users/auth/2fa/verify` with a code completes the login.",
)
def login(body: LoginBody):
    """A token for a username and password; 403 for a disabled account, only with its right password."""
    user = accounts.authenticate(body.username, body.password)
    if user is None:
        raise Unauthenticated("Invalid username or password")
    if two_factor.is_enabled(user):
        return {"requires_2fa": True, "temp_token": two_factor.start_login(user), "method": two_factor.METHOD}
    token, plain = tokens.create_login_token(user)
    return {"token": plain, "expires_at": isoformat(token.expires_at), "user": out.own_user(user)}
