"""Your sessions and your account's security through the API: logging out (the calling token stops
working), who you are (``/users/auth/me``), changing your password, and your security history.
Published paths; the page's security sections call the same services."""
from typing import Annotated, Literal

from flask import request
from pydantic import Field, StringConstraints

from core import security
from core.cache_control import no_store
from core.limits import PASSWORD_MAX
from core.timeutil import isoformat
from services import mail, passwords, security_history, tokens
from services.errors import FORBIDDEN, RATE_LIMITED, Forbidden
from services.inputs import Password
from services.paging import parse_page
from services.permissions import FULL_ACCESS
from views.api import api
from views.api import examples as ex
from views.api import serializers as out
from views.api.operations import operation
from views.api.response_schemas import Count, Id, Me, Out, Success, Timestamp
from views.api.schemas import Body
from views.api.support import api_user

OWN_ACCOUNT_ONLY = "You can change only your own account's password here"


class ChangePasswordBody(Body):
    current_password: Annotated[str, StringConstraints(min_length=1, max_length=PASSWORD_MAX)]
    password: Password = Field(description="The new password")


class PasswordChanged(Out):
    sessions_ended: Count = Field(description="Browser sessions signed out")
    login_tokens_revoked: Count = Field(description="Tokens of API logins revoked (not the one this call used)")


class SecurityEvent(Out):
    id: Id
    event: str = Field(description="What happened, as the audit trail names it (`login.succeeded`, "
                                   "`login.failed`, `password.changed`, `token.revoked`, …)")
    description: str
    outcome: Literal["success", "failed"]
    ip_address: str | None
    created_at: Timestamp


def _bearer() -> str:
    return request.headers.get("Authorization", "").partition(" ")[2].strip()


@api.post("/users/auth/logout")
@operation(tag="Authentication", summary="Log out: revoke the token of this call", message="Logout successful",
           permission=None, data=Success, example={"success": True},
           description="The token this request carries stops working at once, a named token as well as one from "
                       "a login. Other tokens and browser sessions are untouched.")
def logout():
    tokens.log_out(api_user(), _bearer())
    return {"success": True}


@api.get("/users/auth/me")
@operation(tag="Authentication", summary="Who this token belongs to", message="User retrieved successfully",
           permission="resources.read_account", data=Me, example=ex.ME, description="The same as `GET /users/me`.")
def auth_me():
    return out.me(api_user(), mail.is_configured())


@api.route("/users/<user_id>", methods=["PUT", "PATCH"])
@no_store
@security.password_limits()
@operation(
    tag="Account", summary="Change your password", message="Password changed successfully", permission=FULL_ACCESS,
    body=ChangePasswordBody, body_example={"current_password": "correct-horse-battery",
                                           "password": "a-new-long-passphrase"},
    data=PasswordChanged, example={"sessions_ended": 2, "login_tokens_revoked": 1},
    errors=(FORBIDDEN, RATE_LIMITED),
    error_examples={FORBIDDEN: OWN_ACCOUNT_ONLY},
    description="`{id}` is your own id. A wrong `current_password` is a 400 naming it, and counts as a login "
                "attempt (429 past the login limits). The change signs out every browser session and revokes the "
                "tokens of every API login but the one making this call; named tokens keep working. Your other "
                "settings change with `PATCH /users/me`.",
)
def change_password(user_id: str, body: ChangePasswordBody):
    user = api_user()
    if user_id != user.id:
        raise Forbidden(OWN_ACCOUNT_ONLY)
    calling = tokens.presented_token(user, _bearer())
    ended = passwords.change_password(user, body.current_password, body.password,
                                      keep_token_id=calling.id if calling is not None else None)
    return {"sessions_ended": ended["sessions"], "login_tokens_revoked": ended["login_tokens"]}


@api.get("/users/me/security-history")
@operation(
    tag="Account", summary="Your account's security history", message="Security history retrieved successfully",
    permission="resources.read_account",
    data=list[SecurityEvent], paged=True, query=security_history.HistoryFilters,
    example=[{"id": "507f1f77bcf86cd799439310", "event": "login.succeeded", "description": "Logged in",
              "outcome": "success", "ip_address": "198.51.100.23", "created_at": "2025-01-21T22:00:00.000Z"}],
    description="Newest first. Your logins; `include_failed=true` adds the refused attempts on your account "
                "(wrong password, disabled account); `include_security=true` adds logouts, sessions signed out, "
                "tokens made and revoked, password and two-factor changes.",
)
def get_security_history():
    events, total = security_history.history(api_user(), parse_page(request.args),
                                             security_history.parse_filters(request.args))
    return [{"id": event.id, "event": event.action, "description": security_history.describe(event),
             "outcome": security_history.outcome(event), "ip_address": event.ip,
             "created_at": isoformat(event.created_at)} for event in events], total
