"""Opening an account, and getting back into one: signup, and the password-reset link."""
from core import security
from core.cache_control import no_store
from services import recovery, signup
from services.errors import (
    EMAIL_NOT_CONFIGURED,
    EMAIL_TAKEN,
    FORBIDDEN,
    NAME_TAKEN,
    RATE_LIMITED,
    UNAUTHENTICATED,
)
from views.api import api
from views.api import examples as ex
from views.api import serializers as out
from views.api.operations import operation
from views.api.response_schemas import OwnUser
from views.api.schemas import ForgotPasswordBody, ResetPasswordBody, SignupBody


@api.post("/auth/signup")
@no_store
@operation(
    tag="Authentication", summary="Open an account", message="Account created", status=201, data=OwnUser,
    body=SignupBody, body_example=ex.SIGNUP_BODY, example=ex.SIGNUP_RESULT, public=True, permission=None,
    errors=(FORBIDDEN, NAME_TAKEN, EMAIL_TAKEN), error_examples=ex.SIGNUP_REFUSALS,
    description="The same rules as the register page. `email` is optional; when this server sends email, a link "
                "that verifies it is emailed. Log in afterwards for a token. 403 when this server has signup "
                "turned off (`ALLOW_SIGNUP`): then only administrators make accounts.",
)
def signup_account(body: SignupBody):
    return out.own_user(signup.sign_up(body.username, body.password, body.email))


@api.post("/auth/forgot-password")
@no_store
@security.recovery_limits()
@operation(
    tag="Authentication", summary="Email a link that resets your password",
    message="If this is the verified address of an account, a link that resets its password is on its way",
    body=ForgotPasswordBody, body_example=ex.FORGOT_PASSWORD_BODY, public=True, permission=None,
    errors=(EMAIL_NOT_CONFIGURED, RATE_LIMITED), error_examples=ex.FORGOT_PASSWORD_REFUSALS,
    description="The same answer (200) for every address, an account's or not, so that it tells nobody who has "
                "an account here. Only a verified address of an account that is not disabled is sent the link. "
                f"The link works once, for {recovery.LINK_LIFETIME}, and only until the password changes. "
                "409 when this server sends no email (the message names the administrators, who can set a new "
                "password); 429 (with Retry-After) after too many requests for one address or from one IP.",
)
def forgot_password(body: ForgotPasswordBody):
    recovery.request_reset(body.email)


@api.post("/auth/reset-password")
@no_store
@security.recovery_ip_limit()
@operation(
    tag="Authentication", summary="Set a new password with a reset link", message="Password reset",
    body=ResetPasswordBody, body_example=ex.RESET_PASSWORD_BODY, public=True, permission=None,
    errors=(UNAUTHENTICATED, RATE_LIMITED), error_examples=ex.RESET_PASSWORD_REFUSALS,
    description="The token of the link forgot-password emailed. It works once; a bad, expired, used or outdated "
                "one (the password changed since it was sent) is refused as a bad credential is (401), and "
                "changes nothing. The new password ends every browser session and API login token of the "
                "account: log in again with it.",
)
def reset_password(body: ResetPasswordBody):
    recovery.reset_password(body.token, body.password)
