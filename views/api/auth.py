"""Logging in through the API: a bearer token for a username and password."""
from core import security
from core.cache_control import no_store
from core.limits import LOGIN_TOKEN_DAYS
from core.timeutil import isoformat
from services import accounts, tokens
from services.errors import ACCOUNT_DISABLED, RATE_LIMITED, UNAUTHENTICATED, Unauthenticated
from views.api import api
from views.api import examples as ex
from views.api import serializers as out
from views.api.operations import operation
from views.api.response_schemas import LoginResult
from views.api.schemas import LoginBody


@api.post("/users/auth/login")
@no_store
@security.login_limits()
@operation(
    permission=None,
    tag="Authentication", summary="Log in and get a bearer token", message="Login successful",
    body=LoginBody, data=LoginResult, public=True, errors=(UNAUTHENTICATED, ACCOUNT_DISABLED, RATE_LIMITED),
    body_example=ex.LOGIN_BODY, example=ex.LOGIN_RESULT, error_examples=ex.LOGIN_REFUSALS,
    description=f"Makes a token named \"API login\" that expires {LOGIN_TOKEN_DAYS} days later. A wrong password "
                "and an unknown user get the same 401; the right password of an account an administrator has "
                "disabled gets 403. Attempts are rate limited per username and per address (429).",
)
def login(body: LoginBody):
    """A token for a username and password; 403 for a disabled account, only with its right password."""
    user = accounts.authenticate(body.username, body.password)
    if user is None:
        raise Unauthenticated("Invalid username or password")
    token, plain = tokens.create_login_token(user)
    return {"token": plain, "expires_at": isoformat(token.expires_at), "user": out.own_user(user)}
