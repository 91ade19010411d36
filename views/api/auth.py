from core import security
from core.cache_control import no_store
from core.timeutil import isoformat
from services import accounts, tokens
from views.api import api
from views.api.schemas import LoginBody
from views.api.support import error_response, json_body, ok, validate


@api.post("/users/auth/login")
@no_store
@security.login_limits()
def login():
    """A token for a username and password; 403 for a disabled account, only with its right password."""
    body = validate(LoginBody, json_body())
    user = accounts.authenticate(body.username, body.password)
    if user is None:
        return error_response(401, "Invalid username or password")
    token, plain = tokens.create_login_token(user)
    return ok(
        {"token": plain, "expires_at": isoformat(token.expires_at), "user": user.public_dict()},
        "Login successful",
    )


